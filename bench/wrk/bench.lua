-- wrk script of bench/run. Environment:
--   BENCH_TOKEN_FILE  one token a line; none: no Authorization header
--   BENCH_MODE        pool (a token chosen at random per request) | single (the first token, repeated)
--   BENCH_DELAY_MS    > 0: each connection waits this long after each response (paced load: with C
--                     connections the offered rate is about C * 1000 / (BENCH_DELAY_MS + latency))
-- Prints one machine-readable line, "BENCH key=value ...", when done.
local token_file = os.getenv("BENCH_TOKEN_FILE")
local mode = os.getenv("BENCH_MODE") or "pool"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local prepared = {}

function init(args)
  local tokens = {}
  if token_file and token_file ~= "" then
    for line in io.lines(token_file) do
      if #line > 0 then tokens[#tokens + 1] = line end
    end
  end
  if mode == "single" and #tokens > 0 then tokens = { tokens[1] } end
  -- Requests are formatted once; request() only picks one.
  for i, token in ipairs(tokens) do
    prepared[i] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. token })
  end
  if #prepared == 0 then prepared[1] = wrk.format("GET", wrk.path, {}) end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return prepared[math.random(#prepared)]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
