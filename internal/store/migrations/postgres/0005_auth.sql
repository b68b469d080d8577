-- Accounts, sessions and scoped tokens (issue 6). Times are UTC text in
-- audit.TimeLayout; '' means never.

-- password_hash is a PHC argon2id string; totp_secret the base32 RFC 6238
-- seed (it must be recoverable to check codes); totp_last_step the last
-- time step accepted, so each code is used once. locked is set by five
-- failed logons in 15 minutes and cleared only by an administrator.
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN part23_trained BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN last_active_at TEXT NOT NULL DEFAULT '';

-- Tokens made before scopes existed keep every scope they had.
ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '["admin","audit","import","intel","read","screen","search"]';

CREATE TABLE login_failures (
	user_name TEXT NOT NULL,
	time      TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (user_name, time);

-- A session is known by the SHA-256 of its cookie secret; csrf is the
-- token state-changing requests must echo in X-CSRF-Token.
CREATE TABLE sessions (
	hash         TEXT PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	user_name    TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	csrf         TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	source_addr  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_name);
