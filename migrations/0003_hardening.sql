-- What a payload itself identifies (a comment, its action and when it last changed): a body
-- captured and resent under a new delivery id matches an earlier one and has no second effect.
ALTER TABLE deliveries ADD COLUMN subject TEXT;
CREATE UNIQUE INDEX deliveries_subject ON deliveries (subject) WHERE subject IS NOT NULL;

-- Jobs are looked up by project on every claim.
CREATE INDEX jobs_project_key ON jobs (project_key);

-- Whose job it is: workers take the installation with the fewest running jobs first, so one
-- installation's backlog cannot starve another's.
ALTER TABLE jobs ADD COLUMN installation_id BIGINT;
