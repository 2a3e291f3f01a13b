-- DPoP (RFC 9449): the key an opaque access token is bound to, the proofs' jtis already used, and
-- the key of the server's nonces.

-- RFC 7638 SHA-256 thumbprint (base64url, 43 characters) of the client's DPoP key; null for a
-- bearer token.
ALTER TABLE tokens ADD COLUMN dpop_jkt VARCHAR(64);

-- One row per accepted DPoP proof, until its iat is outside the accepted window. The primary key
-- (the proof key's thumbprint, the proof's jti) makes "first use" an INSERT that only one node can
-- win.
CREATE TABLE dpop_jtis (
  jkt        VARCHAR(64) NOT NULL,
  jti        VARCHAR(512) NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_dpop_jtis PRIMARY KEY (jkt, jti)
);

CREATE INDEX ix_dpop_jtis_expires_at ON dpop_jtis (expires_at);

-- The HMAC key of the server's DPoP nonces, one row, made by the first node that needs it, so
-- that a nonce made by one node is accepted by every other.
CREATE TABLE dpop_nonce_key (
  id         INTEGER NOT NULL,
  secret     VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_dpop_nonce_key PRIMARY KEY (id)
);
