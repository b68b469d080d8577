// Package store persists Nexus over database/sql for SQLite (embedded
// default) and PostgreSQL: statements with provenance and markings,
// datasets and their versions, agencies, users, API tokens and the audit
// chain. SQL is written once; a dialect value holds the few differences.
// Every read takes an access.Viewer and filters by marking in the query.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// Record classes of a dataset (DESIGN.md).
const (
	ClassPublicList    = "public_list"
	ClassCriminalIntel = "criminal_intelligence"
	ClassCase          = "case"
	ClassTip           = "tip"
	ClassSAR           = "sar"
	ClassEncounter     = "encounter"
	ClassDeconfliction = "deconfliction"
)

// Options configure Open.
type Options struct {
	Now    func() time.Time // clock; time.Now when nil
	Logger *slog.Logger     // slog.Default() when nil
}

// Store is the database. It is safe for concurrent use.
type Store struct {
	d      dialect
	db     *sql.DB // writes; on SQLite a single connection
	rdb    *sql.DB // reads; the same pool as db on PostgreSQL
	now    func() time.Time
	logger *slog.Logger

	// markings caches the markings table, which is small and append-only,
	// so a viewer's visible marking ids are computed in Go.
	mu       sync.Mutex
	markings []markingRow

	audit auditQueue
}

// Open connects to url and applies pending migrations under a lock.
// url is "postgres://…" / "postgresql://…" for PostgreSQL, otherwise a
// SQLite file path (optionally prefixed "sqlite:").
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, logger: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if isPostgresURL(url) {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.d, s.db, s.rdb = postgresDialect, db, db
	} else {
		w, r, err := openSQLite(url)
		if err != nil {
			return nil, fmt.Errorf("open: %w", err)
		}
		s.d, s.db, s.rdb = sqliteDialect, w, r
	}
	if err := migrateRetrying(ctx, s.db, s.d); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: migrate: %w", s.d.name, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.audit.mu.Lock()
	if s.audit.insert != nil {
		s.audit.insert.Close()
		s.audit.insert = nil
	}
	s.audit.mu.Unlock()
	err := s.db.Close()
	if s.rdb != s.db {
		if rerr := s.rdb.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Ping checks the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.name, err)
	}
	return nil
}

// Dataset is a named source of statements.
type Dataset struct {
	Name           string         `json:"name"`
	Title          string         `json:"title,omitempty"`
	Class          string         `json:"class"`
	Owner          string         `json:"owner,omitempty"` // owning agency code
	DefaultMarking access.Marking `json:"default_marking"`
	Retention      string         `json:"retention,omitempty"` // e.g. "5y"; "" keeps forever
	Version        int64          `json:"version"`             // last imported version, 0 if never
	UpdatedAt      time.Time      `json:"updated_at,omitzero"`
	Entities       int            `json:"entities"` // target entities the viewer can see (Datasets only)
}

// Emit hands one entity read from a source to the store, with the origin
// record it came from (e.g. "sdn.csv:1234").
type Emit = func(e *ftm.Entity, origin string) error

// Source produces a dataset version's entities by calling emit for each.
// Returning an error aborts the import and leaves the store untouched.
type Source func(ctx context.Context, emit Emit) error

// SourceOf returns a Source that emits es in order, with origins
// "<name>:1", "<name>:2", … — for entities already in memory (analyst
// writes, tests).
func SourceOf(name string, es ...*ftm.Entity) Source {
	return func(ctx context.Context, emit Emit) error {
		for i, e := range es {
			if err := emit(e, fmt.Sprintf("%s:%d", name, i+1)); err != nil {
				return err
			}
		}
		return nil
	}
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Marking overrides the dataset's default marking for every statement.
	Marking *access.Marking
	// Progress, when set, is called now and then with the entities read.
	Progress func(entities int)
	// Note is recorded with the version (e.g. file name and sha256).
	Note string
}

// Delta is what an import changed, by entity id.
type Delta struct {
	Dataset    string    `json:"dataset"`
	Version    int64     `json:"version"`
	Time       time.Time `json:"time"`
	Added      []string  `json:"added"`
	Changed    []string  `json:"changed"`
	Removed    []string  `json:"removed"`
	Unchanged  int       `json:"unchanged"`
	Entities   int       `json:"entities"`   // entities in the new version
	Statements int       `json:"statements"` // statements in the new version
}

// Empty reports whether the import changed nothing.
func (d Delta) Empty() bool { return len(d.Added)+len(d.Changed)+len(d.Removed) == 0 }

// Statement is a stored statement with its marking.
type Statement struct {
	ftm.Statement
	Marking access.Marking `json:"marking"`
}

// EntityQuery selects entities. Zero fields do not filter.
type EntityQuery struct {
	Q           string // case-insensitive substring of a name-like value
	Schema      string // schema name, descendants included
	Dataset     string
	ID          string
	TargetsOnly bool
	Limit       int // 0 = no limit
	Offset      int
}

// Agency is an organisation whose users share records.
type Agency struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// User is an account.
type User struct {
	Name          string    `json:"name"` // unique login name
	Agency        string    `json:"agency"`
	Roles         []string  `json:"roles,omitempty"`
	CUI           bool      `json:"cui,omitempty"`
	Caveats       []string  `json:"caveats,omitempty"`
	SharingGroups []string  `json:"sharing_groups,omitempty"`
	Compartments  []string  `json:"compartments,omitempty"`
	Disabled      bool      `json:"disabled,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	// Part23Trained records 28 CFR Part 23 training (needed to approve
	// criminal-intelligence submissions).
	Part23Trained bool `json:"part23_trained,omitempty"`
	// Locked is set by repeated failed logons; only an administrator
	// clears it (Unlock). PutUser leaves it, the credentials and
	// LastActiveAt as they are.
	Locked       bool      `json:"locked,omitempty"`
	LastActiveAt time.Time `json:"last_active_at,omitzero"`
	HasPassword  bool      `json:"has_password,omitempty"`
	TOTPEnrolled bool      `json:"totp_enrolled,omitempty"`
}

// Viewer returns the access viewer for u.
func (u User) Viewer() access.Viewer {
	return access.Viewer{UserID: u.Name, Name: u.Name, Agency: u.Agency, Roles: u.Roles, CUI: u.CUI,
		Caveats: u.Caveats, SharingGroups: u.SharingGroups, Compartments: u.Compartments, Part23Trained: u.Part23Trained}
}

// Token is an API token's stored description (never its secret).
type Token struct {
	ID        string     `json:"id"`
	User      string     `json:"user"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Revoked   bool       `json:"revoked,omitempty"`
	// Scopes are what the token may do (auth.Scopes).
	Scopes []string `json:"scopes"`
}
