-- Opaque OAuth tokens, used JWT-assertion jtis and revoked gateway JWTs. Rows expire; the
-- TokenPurger deletes them in batches by expires_at. Timestamps keep microseconds.

-- Tokens are stored only as token_hash = base64url(SHA-256(token)), 43 characters: a copy of this
-- table yields no usable token. scopes (JSON array) and parameters (JSON object) are read with the
-- row and never queried by their content.
CREATE TABLE tokens (
  token_hash           VARCHAR(64) NOT NULL,
  kind                 VARCHAR(16) NOT NULL,
  authorization_server VARCHAR(255) NOT NULL,
  client_id            VARCHAR(255),
  application_name     VARCHAR(255) NOT NULL,
  subject              VARCHAR(1024),
  scopes               TEXT NOT NULL,
  parameters           TEXT NOT NULL,
  issued_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  family_id            VARCHAR(64) NOT NULL,
  parent_hash          VARCHAR(64),
  revoked_at           TIMESTAMP WITH TIME ZONE,
  rotated_at           TIMESTAMP WITH TIME ZONE,
  CONSTRAINT pk_tokens PRIMARY KEY (token_hash),
  CONSTRAINT ck_tokens_kind CHECK (kind IN ('ACCESS', 'REFRESH'))
);

-- revokeFamily, the admin API's tokens of an application, and the purge.
CREATE INDEX ix_tokens_family_id ON tokens (family_id);
CREATE INDEX ix_tokens_application_name ON tokens (application_name);
CREATE INDEX ix_tokens_expires_at ON tokens (expires_at);

-- One row per accepted JWT assertion, until it could no longer be valid. The primary key makes
-- "first use" an INSERT that only one node can win.
CREATE TABLE used_jtis (
  issuer     VARCHAR(1024) NOT NULL,
  jti        VARCHAR(512) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_used_jtis PRIMARY KEY (issuer, jti)
);

CREATE INDEX ix_used_jtis_expires_at ON used_jtis (expires_at);

-- Gateway JWTs revoked before their exp, by jti (128 random bits, unique across issuers).
CREATE TABLE revoked_jwts (
  jti        VARCHAR(512) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_revoked_jwts PRIMARY KEY (jti)
);

CREATE INDEX ix_revoked_jwts_expires_at ON revoked_jwts (expires_at);
