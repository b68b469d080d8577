package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// dialect holds what differs between SQLite and PostgreSQL. Everything else
// is written once.
type dialect struct {
	name string
	// forUpdate locks the rows a SELECT reads in PostgreSQL. SQLite needs no
	// row lock: its write transactions start with BEGIN IMMEDIATE and so
	// already exclude each other.
	forUpdate string
	// dollar reports whether placeholders are $1, $2 … instead of ?.
	dollar bool
	// arrays reports whether an import sends statements as one array per
	// column (upsertStatementArrays, unnest) instead of a row of
	// parameters per statement (upsertStatements).
	arrays bool
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres", forUpdate: " FOR UPDATE", dollar: true, arrays: true}
)

// rebind rewrites the ? placeholders of query for the dialect. Queries never
// contain a literal ? inside quotes, so a plain scan is enough.
func (d dialect) rebind(query string) string {
	if !d.dollar || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// timeLayout is how every time is stored: UTC, fixed width, microseconds, so
// text order is time order and an audit event reads back exactly as hashed.
const timeLayout = audit.TimeLayout

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// dbError maps driver errors to nexus errors; what is a caller's mistake
// (a duplicate, a dangling reference, a missing row) gets its code, the rest
// stays internal. what names the object for the message.
func dbError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nexus.Errorf(nexus.ENOTFOUND, "%s not found", what)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return nexus.Errorf(nexus.ECONFLICT, "%s already exists", what)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return nexus.Errorf(nexus.EINVALID, "%s refers to something that does not exist", what)
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_CHECK:
			return nexus.Errorf(nexus.EINVALID, "%s is incomplete or invalid", what)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return nexus.Errorf(nexus.ECONFLICT, "%s already exists", what)
		case "23503":
			return nexus.Errorf(nexus.EINVALID, "%s refers to something that does not exist", what)
		case "23502", "23514":
			return nexus.Errorf(nexus.EINVALID, "%s is incomplete or invalid", what)
		}
	}
	return err
}

// isPostgresURL reports whether url names a PostgreSQL database.
func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// openSQLite opens the file at p twice: one connection for writes, whose
// transactions begin IMMEDIATE so writers queue instead of failing to upgrade
// a read lock, and a pool for reads, which WAL lets run beside the writer.
func openSQLite(p string) (w, r *sql.DB, err error) {
	p = strings.TrimPrefix(p, "sqlite:")
	p = strings.TrimPrefix(p, "file:")
	file, query, _ := strings.Cut(p, "?")
	if file == "" {
		return nil, nil, nexus.Errorf(nexus.EINVALID, "sqlite: empty database path")
	}
	if file != ":memory:" {
		if dir := filepath.Dir(file); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, nil, fmt.Errorf("sqlite: %w", err)
			}
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, nil, nexus.Errorf(nexus.EINVALID, "sqlite: bad options %q", query)
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// A large import is one transaction; a page cache that holds its
	// working set keeps SQLite from spilling pages to the WAL half way.
	q.Add("_pragma", "cache_size(-65536)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + file + "?" + q.Encode()
	w, err = sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if file == ":memory:" {
		// Each connection to :memory: is its own database: one is all there is.
		return w, w, nil
	}
	r, err = sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return w, r, nil
}

// migrateRetrying is migrate, tried again while SQLite answers "database
// is locked". Processes opening a new database file at once (serve starting
// while an import runs) race to switch it to WAL; in that window SQLite can
// refuse BEGIN IMMEDIATE at once instead of waiting out busy_timeout.
func migrateRetrying(ctx context.Context, db *sql.DB, d dialect) error {
	deadline := time.Now().Add(15 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := migrate(ctx, db, d)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// migrate applies the pending migrations of the dialect in one transaction
// under a lock, so concurrent Opens (processes or nodes) apply each once.
func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return err
	}
	type migration struct {
		version int
		name    string
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })

	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE on SQLite
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.name == postgresDialect.name {
		// The key is arbitrary but fixed: every nexus node agrees on it.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7236118734001)"); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		body, err := migrationFiles.ReadFile(path.Join(dir, m.name))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, d.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			m.version, m.name, formatTime(time.Now())); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return tx.Commit()
}
