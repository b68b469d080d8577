package store_test

import (
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// backend is one database the conformance suite runs on.
type backend struct {
	name string
	url  string // what store.Open takes
	raw  string // driver name for raw SQL in tests
	dsn  string // what sql.Open takes for raw SQL
}

// open opens a store on b and closes it when the test ends.
func (b backend) open(tb testing.TB, opts store.Options) *store.Store {
	tb.Helper()
	return storetest.Open(tb, b.url, opts)
}

// exec runs SQL on the backend's database directly, behind the store's back.
func (b backend) exec(tb testing.TB, query string) {
	tb.Helper()
	db, err := sql.Open(b.raw, b.dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		tb.Fatalf("exec %q: %v", query, err)
	}
}

// backends returns a fresh SQLite file and, when NEXUS_TEST_POSTGRES_URL is
// set, a fresh PostgreSQL schema that is dropped when the test ends.
func backends(tb testing.TB) []backend {
	tb.Helper()
	file := filepath.Join(tb.TempDir(), "data", "nexus.db")
	out := []backend{{name: "sqlite", url: file, raw: "sqlite", dsn: file + "?_pragma=busy_timeout(10000)"}}
	url := storetest.PostgresURL(tb)
	if url == "" {
		return out
	}
	return append(out, backend{name: "postgres", url: url, raw: "pgx", dsn: url})
}

// forEachBackend runs fn on every backend with a store opened on clock.
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 3, 1, 12, 0, 0, 123456789, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
