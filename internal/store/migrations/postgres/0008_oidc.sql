-- OIDC sign-ins under way (issue 6): one row from the redirect to the
-- agency's identity provider until its callback, which deletes it, so a
-- state is redeemed at most once. state_hash and binding_hash are SHA-256
-- of the state parameter and of the browser-binding cookie; nonce and
-- verifier (PKCE) are needed to check the answer. Times are UTC text in
-- audit.TimeLayout.
CREATE TABLE oidc_logins (
	state_hash   TEXT PRIMARY KEY,
	provider     TEXT NOT NULL,
	binding_hash TEXT NOT NULL,
	nonce        TEXT NOT NULL,
	verifier     TEXT NOT NULL,
	source_addr  TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);
