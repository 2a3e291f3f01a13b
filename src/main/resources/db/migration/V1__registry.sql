-- The registry: one table per entity kind. Each row keeps the whole entity as a JSON document
-- (so a new field in a record needs no migration) next to its key columns (so lookups and
-- uniqueness are enforced by the database). updated_at is set by the statements that write a row.
--
-- Plain portable SQL: it runs unchanged on H2 2.x (default mode; TEXT is its CLOB) and on
-- PostgreSQL. Tokens and signing keys get their own tables in later versions (V2 and up).

-- api_key is Api.key() (name/version) as written: find() looks rows up by exactly that string,
-- so a name or version containing '/' never has to be split apart again.
CREATE TABLE apis (
  api_key    VARCHAR(511) NOT NULL,
  name       VARCHAR(255) NOT NULL,
  version    VARCHAR(255) NOT NULL,
  document   TEXT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_apis PRIMARY KEY (api_key)
);

CREATE TABLE applications (
  name       VARCHAR(255) NOT NULL,
  client_id  VARCHAR(255),
  document   TEXT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_applications PRIMARY KEY (name)
);

-- Both databases let several rows have a NULL client_id (applications without credentials).
CREATE UNIQUE INDEX ux_applications_client_id ON applications (client_id);

CREATE TABLE users (
  username   VARCHAR(255) NOT NULL,
  document   TEXT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_users PRIMARY KEY (username)
);

CREATE TABLE scopes (
  name       VARCHAR(1024) NOT NULL,
  document   TEXT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_scopes PRIMARY KEY (name)
);

CREATE TABLE authorization_servers (
  alias      VARCHAR(255) NOT NULL,
  document   TEXT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT pk_authorization_servers PRIMARY KEY (alias)
);
