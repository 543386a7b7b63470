-- GitLab beside GitHub: the same owner/name may exist on both hosts, and GitLab numbers issues
-- (#n) and merge requests (!n) apart, so a conversation is keyed by host and thread kind too.
-- Everything stored before this was on GitHub, in an issue's thread (a pull request's
-- conversation is its issue's there).

ALTER TABLE repositories ADD COLUMN host TEXT NOT NULL DEFAULT 'github';
ALTER TABLE repositories DROP CONSTRAINT repositories_owner_name_key, ADD UNIQUE (host, owner, name);

ALTER TABLE conversations
    ADD COLUMN host TEXT NOT NULL DEFAULT 'github',
    ADD COLUMN thread_kind TEXT NOT NULL DEFAULT 'issue' CHECK (thread_kind IN ('issue', 'change_request'));
ALTER TABLE conversations
    DROP CONSTRAINT conversations_owner_repo_issue_number_key,
    DROP CONSTRAINT conversations_owner_repo_slug_key,
    ADD UNIQUE (host, owner, repo, thread_kind, issue_number),
    ADD UNIQUE (host, owner, repo, slug);

ALTER TABLE decision_index ADD COLUMN host TEXT NOT NULL DEFAULT 'github';
ALTER TABLE decision_index DROP CONSTRAINT decision_index_pkey, ADD PRIMARY KEY (host, owner, repo, branch, key);

ALTER TABLE change_requests ADD COLUMN host TEXT NOT NULL DEFAULT 'github';
ALTER TABLE change_requests DROP CONSTRAINT change_requests_pkey, ADD PRIMARY KEY (host, owner, repo, number);
DROP INDEX change_requests_open;
CREATE INDEX change_requests_open ON change_requests (host, owner, repo) WHERE open;
