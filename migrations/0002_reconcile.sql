-- The newest comment of a conversation the bot has handled, so the reconciler can find the
-- ones whose webhook never came, and a late webhook for a comment already handled does nothing.
ALTER TABLE conversations ADD COLUMN last_comment_id BIGINT NOT NULL DEFAULT 0;
