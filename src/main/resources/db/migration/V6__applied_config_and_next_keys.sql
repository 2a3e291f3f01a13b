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

-- A signing key is created "next" (activated_at NULL): published in every node's JWKS but not
-- signing yet, so that every node knows it before the first token it signs (token.issue.
-- SigningKeys.rotate). Keys stored before this migration were active from their creation.
ALTER TABLE signing_keys ADD COLUMN activated_at TIMESTAMP WITH TIME ZONE;
UPDATE signing_keys SET activated_at = created_at;
