-- The version of a user's tokens: raised by every password change, carried by each token as the
-- `ver` claim; the host refuses a token whose version is not the user's current one.
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
