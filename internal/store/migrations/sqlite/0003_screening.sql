-- Screening: cleared matches, monitored subjects and the alerts their
-- re-screening raises. Times are UTC text in audit.TimeLayout.

-- A clearance says an analyst of agency decided that the listed entity is
-- not the subject. It holds while the entity's fingerprint is unchanged.
CREATE TABLE clearances (
	agency      TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	entity_id   TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	reason      TEXT NOT NULL,
	cleared_by  TEXT NOT NULL,
	cleared_at  TEXT NOT NULL,
	PRIMARY KEY (agency, subject_key, entity_id)
);

CREATE TABLE monitors (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	agency      TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	query       TEXT NOT NULL,
	threshold   REAL NOT NULL DEFAULT 0,
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX monitors_agency ON monitors (agency, id);

CREATE TABLE alerts (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	monitor_id  INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
	agency      TEXT NOT NULL,
	subject_key TEXT NOT NULL,
	entity_id   TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	score       REAL NOT NULL,
	caption     TEXT NOT NULL DEFAULT '',
	schema      TEXT NOT NULL DEFAULT '',
	datasets    TEXT NOT NULL DEFAULT '[]',
	explanation TEXT NOT NULL DEFAULT '',
	dataset     TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL DEFAULT 'open',
	note        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	updated_by  TEXT NOT NULL DEFAULT '',
	UNIQUE (monitor_id, entity_id, fingerprint)
);
CREATE INDEX alerts_agency ON alerts (agency, id);

-- The markings of the values an alert was computed from: a reader must be
-- able to see every one of them to see the alert.
CREATE TABLE alert_markings (
	alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
	marking_id INTEGER NOT NULL REFERENCES markings(id),
	PRIMARY KEY (alert_id, marking_id)
);
