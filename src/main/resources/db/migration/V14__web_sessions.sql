-- Sessions of the Manager and the developer portal (docs/STORAGE.md "Web sessions"), shared by
-- every node. id_hash = base64url(SHA-256(session id)): the id itself, which the cookie carries, is
-- never stored. A row ends at sign-out, when its user changes (user_stamp), or at expires_at (the
-- earlier of last_seen_at + idle and created_at + absolute); expired rows are deleted at sign-ins.
CREATE TABLE web_sessions (
  id_hash      VARCHAR(64) NOT NULL,
  site         VARCHAR(16) NOT NULL,
  username     VARCHAR(255) NOT NULL,
  role         VARCHAR(32) NOT NULL,
  can_change   BOOLEAN NOT NULL,
  user_stamp   VARCHAR(64) NOT NULL,
  csrf_token   VARCHAR(64) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_web_sessions PRIMARY KEY (id_hash)
);

-- A user's sessions (the per-user cap, ending them when the user changes) and the purge.
CREATE INDEX ix_web_sessions_user ON web_sessions (site, username);
CREATE INDEX ix_web_sessions_expires_at ON web_sessions (expires_at);
