-- The configuration file last applied to this store (app.ConfigurationApply): a node applies its
-- file at start only when the file's registry content differs from the last one applied, so that
-- a restart with an unchanged file keeps the changes made at run time through the admin API.
--
-- One row per kind of content (name 'registry'). digest is a slow salted hash (PBKDF2, as for
-- passwords) of the SHA-256 of the canonical content: the content may hold clear-text secrets.
CREATE TABLE applied_configuration (
  name        VARCHAR(64) NOT NULL,
  digest      VARCHAR(255) NOT NULL,
  applied_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_applied_configuration PRIMARY KEY (name)
);
