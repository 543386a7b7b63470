-- The service's own state. Specs live in git; this is bookkeeping and an index.

CREATE TABLE installations (
    id           BIGINT PRIMARY KEY,            -- GitHub's installation id
    account      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    suspended_at TIMESTAMPTZ
);

CREATE TABLE repositories (
    id              BIGSERIAL PRIMARY KEY,
    installation_id BIGINT NOT NULL,
    owner           TEXT NOT NULL,
    name            TEXT NOT NULL,
    default_branch  TEXT NOT NULL DEFAULT 'main',
    UNIQUE (owner, name)
);

-- Every webhook delivery, kept as received. A redelivery has the same id and body: it is
-- recognised and does nothing; the same id with another body is refused.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,            -- X-GitHub-Delivery
    event           TEXT NOT NULL,
    body_sha256     BYTEA NOT NULL,
    installation_id BIGINT,
    payload         JSONB NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One conversation per issue (or pull request) that started a project.
CREATE TABLE conversations (
    id              BIGSERIAL PRIMARY KEY,
    installation_id BIGINT NOT NULL,
    owner           TEXT NOT NULL,
    repo            TEXT NOT NULL,
    issue_number    BIGINT NOT NULL,
    slug            TEXT NOT NULL,
    branch          TEXT NOT NULL,
    base_branch     TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'merged', 'closed')),
    pull_number     BIGINT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (owner, repo, issue_number),
    UNIQUE (owner, repo, slug)
);

-- The durable queue. Workers claim with FOR UPDATE SKIP LOCKED; a job whose worker died is
-- claimed again once its lease runs out; a job out of attempts is dead (kept, not retried).
CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    project_key  TEXT NOT NULL,                  -- one project's jobs run one at a time
    delivery_id  TEXT REFERENCES deliveries (id),
    payload      JSONB NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_by    TEXT,
    locked_until TIMESTAMPTZ,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (locked_until) WHERE state = 'running';

-- What a job has already done, step by step, so a job run again after a crash skips it: the
-- commit it made, the comment it posted.
CREATE TABLE job_steps (
    job_id  BIGINT NOT NULL REFERENCES jobs (id),
    step    TEXT NOT NULL,
    result  JSONB NOT NULL DEFAULT '{}',
    done_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, step)
);

-- The bot's comments, one per conversation and topic (the hidden marker in the comment).
CREATE TABLE bot_comments (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    topic           TEXT NOT NULL,
    comment_id      BIGINT NOT NULL,
    posted_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, topic)
);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    repository TEXT NOT NULL,
    detail     JSONB NOT NULL DEFAULT '{}'
);

-- The decisions of every project branch, for retrieval and the web viewer.
CREATE TABLE decision_index (
    owner      TEXT NOT NULL,
    repo       TEXT NOT NULL,
    branch     TEXT NOT NULL,
    key        TEXT NOT NULL,
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    search     TSVECTOR GENERATED ALWAYS AS (
                   to_tsvector('english', key || ' ' || question || ' ' || answer)) STORED,
    PRIMARY KEY (owner, repo, branch, key)
);
CREATE INDEX decision_index_search ON decision_index USING GIN (search);
