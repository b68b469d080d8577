-- Financial intelligence: accounts, transactions and the alerts the
-- typology engine raises over them. Times are UTC text in audit.TimeLayout,
-- except a transaction's, which is Unix microseconds (the table is large and
-- written fast); amounts are integer cents.

-- An account seen in a dataset's transactions, linked to the FtM entity
-- that describes it (BankAccount, CryptoWallet) and to its holder's entity.
CREATE TABLE tx_accounts (
	dataset    TEXT NOT NULL,
	id         TEXT NOT NULL,
	entity_id  TEXT NOT NULL DEFAULT '',
	holder_id  TEXT NOT NULL DEFAULT '',
	first_seen TEXT NOT NULL,
	last_seen  TEXT NOT NULL,
	PRIMARY KEY (dataset, id)
);
CREATE INDEX tx_accounts_holder ON tx_accounts (holder_id) WHERE holder_id <> '';

-- Transactions are many: their own table, not FtM Payment entities. The
-- marking is the importing dataset's. The key leads with the time, so a
-- time-ordered feed appends to the B-tree, and an id is unique per dataset
-- and time (a feed arrives in time order, so an older repeat is refused
-- before it gets here).
CREATE TABLE transactions (
	dataset      TEXT NOT NULL,
	id           TEXT NOT NULL,
	ts           INTEGER NOT NULL, -- Unix microseconds
	from_account TEXT NOT NULL DEFAULT '',
	to_account   TEXT NOT NULL DEFAULT '',
	amount       INTEGER NOT NULL,
	currency     TEXT NOT NULL,
	type         TEXT NOT NULL,
	location     TEXT NOT NULL DEFAULT '',
	conductor    TEXT NOT NULL DEFAULT '',
	marking_id   INTEGER NOT NULL,
	PRIMARY KEY (dataset, ts, id)
) WITHOUT ROWID;

-- One alert per pattern instance (the engine's stable id), updated as the
-- pattern grows. body is the engine's alert with its evidence, as JSON.
CREATE TABLE tx_alerts (
	id          TEXT PRIMARY KEY,
	dataset     TEXT NOT NULL,
	typology    TEXT NOT NULL,
	rule        TEXT NOT NULL,
	score       REAL NOT NULL,
	explanation TEXT NOT NULL,
	accounts    TEXT NOT NULL,
	total       INTEGER NOT NULL,
	start_ts    TEXT NOT NULL,
	end_ts      TEXT NOT NULL,
	version     INTEGER NOT NULL,
	body        TEXT NOT NULL,
	marking_id  INTEGER NOT NULL REFERENCES markings(id),
	status      TEXT NOT NULL DEFAULT 'open',
	note        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	updated_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tx_alerts_dataset ON tx_alerts (dataset, typology, end_ts);
