-- Times are UTC text in audit.TimeLayout (fixed width, so they sort and
-- compare as text). Lists inside users are JSON text.

CREATE TABLE markings (
	id   INTEGER PRIMARY KEY AUTOINCREMENT,
	key  TEXT NOT NULL UNIQUE,
	body TEXT NOT NULL
);

CREATE TABLE datasets (
	name            TEXT PRIMARY KEY,
	title           TEXT NOT NULL DEFAULT '',
	class           TEXT NOT NULL,
	owner           TEXT NOT NULL DEFAULT '',
	default_marking TEXT NOT NULL,
	retention       TEXT NOT NULL DEFAULT '',
	version         INTEGER NOT NULL DEFAULT 0,
	updated_at      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dataset_versions (
	dataset    TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
	version    INTEGER NOT NULL,
	time       TEXT NOT NULL,
	added      INTEGER NOT NULL,
	changed    INTEGER NOT NULL,
	removed    INTEGER NOT NULL,
	unchanged  INTEGER NOT NULL,
	entities   INTEGER NOT NULL,
	statements INTEGER NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (dataset, version)
);

CREATE TABLE statements (
	id           TEXT PRIMARY KEY,
	entity_id    TEXT NOT NULL,
	canonical_id TEXT NOT NULL,
	schema       TEXT NOT NULL,
	prop         TEXT NOT NULL,
	value        TEXT NOT NULL,
	dataset      TEXT NOT NULL REFERENCES datasets(name),
	origin       TEXT NOT NULL DEFAULT '',
	target       BOOLEAN NOT NULL DEFAULT FALSE,
	marking_id   INTEGER NOT NULL REFERENCES markings(id),
	pos          INTEGER NOT NULL DEFAULT 0,
	first_seen   TEXT NOT NULL,
	last_seen    TEXT NOT NULL
);
CREATE INDEX statements_canonical ON statements (canonical_id, marking_id);
CREATE INDEX statements_dataset_entity ON statements (dataset, entity_id);
CREATE INDEX statements_prop ON statements (prop, canonical_id);

CREATE TABLE agencies (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
	name           TEXT PRIMARY KEY,
	agency         TEXT NOT NULL REFERENCES agencies(code),
	roles          TEXT NOT NULL DEFAULT '[]',
	cui            BOOLEAN NOT NULL DEFAULT FALSE,
	caveats        TEXT NOT NULL DEFAULT '[]',
	sharing_groups TEXT NOT NULL DEFAULT '[]',
	compartments   TEXT NOT NULL DEFAULT '[]',
	disabled       BOOLEAN NOT NULL DEFAULT FALSE,
	created_at     TEXT NOT NULL
);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
	name       TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	revoked    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX tokens_user ON tokens (user_name);

CREATE TABLE audit_events (
	seq         INTEGER PRIMARY KEY,
	time        TEXT NOT NULL,
	actor       TEXT NOT NULL,
	agency      TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	object      TEXT NOT NULL DEFAULT '',
	purpose     TEXT NOT NULL DEFAULT '',
	case_number TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL,
	source_addr TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);

-- One row: the last appended event. Appenders update it in the same
-- transaction as their insert, so they serialise on it.
CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
