-- 28 CFR Part 23 lifecycle (internal/intel): criminal-intelligence records,
-- their reviews, purge tombstones and requests, the dissemination log
-- (separate from the audit log), correction notices and redress requests.
-- Times are UTC text in audit.TimeLayout; lists are JSON text.

CREATE TABLE intel_records (
	id                  TEXT PRIMARY KEY,
	dataset             TEXT NOT NULL REFERENCES datasets(name),
	parent_id           TEXT NOT NULL DEFAULT '',
	nci                 BOOLEAN NOT NULL DEFAULT FALSE,
	state               TEXT NOT NULL,
	originator          TEXT NOT NULL,
	submitter           TEXT NOT NULL,
	approver            TEXT NOT NULL DEFAULT '',
	privacy_approver    TEXT NOT NULL DEFAULT '',
	narrative           TEXT NOT NULL DEFAULT '',
	offence_codes       TEXT NOT NULL DEFAULT '[]',
	reliability         TEXT NOT NULL DEFAULT '',
	validity            TEXT NOT NULL DEFAULT '',
	fa_categories       TEXT NOT NULL DEFAULT '[]',
	fa_nexus            BOOLEAN NOT NULL DEFAULT FALSE,
	fa_justification    TEXT NOT NULL DEFAULT '',
	marking             TEXT NOT NULL,
	pointer_allowed     BOOLEAN NOT NULL DEFAULT FALSE,
	pointer_contact     TEXT NOT NULL DEFAULT '',
	body                TEXT NOT NULL DEFAULT '',
	submitted_at        TEXT NOT NULL,
	approved_at         TEXT NOT NULL DEFAULT '',
	validated_at        TEXT NOT NULL DEFAULT '',
	review_due          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intel_records_parent ON intel_records (parent_id);
CREATE INDEX intel_records_due ON intel_records (state, review_due);

CREATE TABLE intel_reviews (
	record_id   TEXT NOT NULL,
	time        TEXT NOT NULL,
	reviewer    TEXT NOT NULL,
	decision    TEXT NOT NULL,
	explanation TEXT NOT NULL
);
CREATE INDEX intel_reviews_record ON intel_reviews (record_id, time);

CREATE TABLE intel_tombstones (
	id          TEXT PRIMARY KEY,
	originator  TEXT NOT NULL,
	dataset     TEXT NOT NULL,
	purged_at   TEXT NOT NULL,
	reason      TEXT NOT NULL,
	purged_by   TEXT NOT NULL,
	approved_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE intel_purge_requests (
	id           TEXT PRIMARY KEY,
	requested_by TEXT NOT NULL,
	requested_at TEXT NOT NULL,
	reason       TEXT NOT NULL,
	record_ids   TEXT NOT NULL,
	state        TEXT NOT NULL,
	approved_by  TEXT NOT NULL DEFAULT '',
	approved_at  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE intel_disseminations (
	id               TEXT PRIMARY KEY,
	record_id        TEXT NOT NULL,
	time             TEXT NOT NULL,
	released_by      TEXT NOT NULL,
	releasing_agency TEXT NOT NULL,
	recipient_agency TEXT NOT NULL,
	recipient_person TEXT NOT NULL DEFAULT '',
	reason           TEXT NOT NULL,
	channel          TEXT NOT NULL DEFAULT '',
	marking          TEXT NOT NULL
);
CREATE INDEX intel_disseminations_record ON intel_disseminations (record_id);
CREATE INDEX intel_disseminations_time ON intel_disseminations (time);

CREATE TABLE intel_notices (
	id               TEXT PRIMARY KEY,
	record_id        TEXT NOT NULL,
	kind             TEXT NOT NULL,
	recipient_agency TEXT NOT NULL,
	recipient_person TEXT NOT NULL DEFAULT '',
	reason           TEXT NOT NULL,
	time             TEXT NOT NULL
);
CREATE INDEX intel_notices_recipient ON intel_notices (recipient_agency, time);

CREATE TABLE intel_redress (
	id          TEXT PRIMARY KEY,
	filed_at    TEXT NOT NULL,
	filed_by    TEXT NOT NULL,
	requester   TEXT NOT NULL,
	record_id   TEXT NOT NULL DEFAULT '',
	request     TEXT NOT NULL,
	routed_to   TEXT NOT NULL,
	state       TEXT NOT NULL,
	answer      TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT '',
	answered_by TEXT NOT NULL DEFAULT '',
	answered_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intel_redress_routed ON intel_redress (routed_to, state);
