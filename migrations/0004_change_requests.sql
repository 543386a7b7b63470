-- Open change requests (pull requests) that touch specs: what each changes, for overlap notes,
-- and the overlap note each carries now (so a refresh edits only what changed).
CREATE TABLE change_requests (
    owner       text        NOT NULL,
    repo        text        NOT NULL,
    number      bigint      NOT NULL,
    head_sha    text        NOT NULL,
    -- {"keys": ["slug/key", ...], "rules": ["slug/rule-id", ...]}
    footprint   jsonb       NOT NULL DEFAULT '{}',
    open        boolean     NOT NULL DEFAULT true,
    -- The overlap note as last posted; empty when the change overlaps nothing.
    note        text        NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, repo, number)
);

CREATE INDEX change_requests_open ON change_requests (owner, repo) WHERE open;
