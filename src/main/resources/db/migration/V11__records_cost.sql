-- Cheaper traffic records (docs/MONITORING.md, "What it costs").

-- The identity of transactions hands out its values from a cache of 10,000 instead of 32. On H2
-- each exhausted cache is a commit of its own, which writes every page changed so far to the file:
-- with 32, once per 32 records (about 40% of the writer's profile samples; ~10% of its CPU once
-- the batch's own commit writes those pages instead). A restart skips what was cached and not used
-- (seq only needs to be unique and to order records of the same instant).
ALTER TABLE transactions ALTER COLUMN seq SET CACHE 10000;
