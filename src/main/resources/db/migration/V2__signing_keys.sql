-- The gateway's own signing keys (token.issue.SigningKeys): one active key (superseded_at NULL)
-- and superseded keys that stay published until published_until.
--
-- encrypted_private_jwk is the AES-256-GCM output of KeyEncryptor as base64 text: H2 and
-- PostgreSQL share no binary column type (VARBINARY is H2's, BYTEA PostgreSQL's), and text keeps
-- the migrations plain portable SQL. Timestamps keep microseconds (PostgreSQL's precision).
CREATE TABLE signing_keys (
  kid                   VARCHAR(255) NOT NULL,
  algorithm             VARCHAR(32) NOT NULL,
  public_jwk            TEXT NOT NULL,
  encrypted_private_jwk TEXT NOT NULL,
  created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  superseded_at         TIMESTAMP WITH TIME ZONE,
  published_until       TIMESTAMP WITH TIME ZONE,
  CONSTRAINT pk_signing_keys PRIMARY KEY (kid)
);
