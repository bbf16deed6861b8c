-- API keys of the gateway: who may call it, with which scopes. Only a SHA-256
-- of each key is kept (keys are 256 random bits, so a fast hash is enough);
-- the key itself is shown once, when `readout keys create` makes it.
CREATE TABLE api_keys (
    id           text PRIMARY KEY,          -- the public part of the key (`rk_<id>_...`)
    name         text NOT NULL UNIQUE,      -- the operator's name for it
    token_sha256 bytea NOT NULL,
    scopes       text[] NOT NULL,           -- read, ingest, curate
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- Every curation call (merge, alias, split): who, what, when, and how it ended.
-- A call that changed the registry is recorded in the transaction that changed it.
CREATE TABLE curation_records (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    principal  text NOT NULL,               -- `api-key:<name>`, `jwt:<issuer>#<subject>`, ...
    method     text NOT NULL,               -- MergeEntities, AddEntityAlias, SplitEntityAlias
    request    jsonb NOT NULL,              -- the request's fields
    outcome    text NOT NULL                -- OK, or the gRPC status code name it failed with
);
