-- Versions of registry entities and the registry's write lock (ControlPlane, "Concurrent writes" in
-- ARCHITECTURE.md).
--
-- registry_revision holds one row. Every registry write first increments it in its own
-- transaction: the row lock makes writers on every node sharing the database run one after the
-- other, and the new value is the version of every row that transaction writes. A version thus
-- changes on every write of an entity and is never reused, not even after a delete and re-create.
CREATE TABLE registry_revision (
  id       INTEGER NOT NULL,
  revision BIGINT NOT NULL,
  CONSTRAINT pk_registry_revision PRIMARY KEY (id)
);

INSERT INTO registry_revision (id, revision) VALUES (1, 1);

-- Rows written before this migration are at version 1.
ALTER TABLE apis ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE applications ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE users ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE scopes ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE authorization_servers ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;

-- An API's base path, unique among all APIs (active or not), as the validator requires.
ALTER TABLE apis ADD COLUMN base_path VARCHAR(2048);

-- Existing rows take it from their document, as written by Jackson: "basePath":"/...". Base paths
-- contain no '"' or '\' (RegistryValidator), so the value ends at the next '"'.
UPDATE apis
SET base_path = SUBSTRING(
    SUBSTRING(document FROM POSITION('"basePath":"' IN document) + 12)
    FROM 1
    FOR POSITION('"' IN SUBSTRING(document FROM POSITION('"basePath":"' IN document) + 12)) - 1)
WHERE POSITION('"basePath":"' IN document) > 0;

-- Should two stored APIs share a base path (written concurrently before this version), the one
-- with the smallest key keeps it; the others keep NULL (both databases allow several NULLs in a
-- unique index) until their next write, which the validator refuses until the clash is resolved.
UPDATE apis
SET base_path = NULL
WHERE EXISTS (
  SELECT 1 FROM apis other
  WHERE other.base_path = apis.base_path AND other.api_key < apis.api_key);

CREATE UNIQUE INDEX ux_apis_base_path ON apis (base_path);
