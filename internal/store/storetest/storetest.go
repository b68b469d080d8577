// Package storetest gives the tests of the store and of the packages built on
// it (and the benchmark tools) a fresh PostgreSQL schema to run on, so every
// such test covers both engines the same way.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nexus-intel/nexus/internal/store" // also registers the "pgx" driver
)

// PostgresURL returns a store URL on a fresh PostgreSQL schema, dropped when
// the test ends, or "" when NEXUS_TEST_POSTGRES_URL is not set.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	pg := os.Getenv("NEXUS_TEST_POSTGRES_URL")
	if pg == "" {
		return ""
	}
	url, drop, err := NewSchema(context.Background(), pg, "nexus_t_")
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Error(err)
		}
	})
	return url
}

// NewSchema creates a schema, named prefix and random hex digits, in the
// PostgreSQL database at url. It returns a store URL that works in that
// schema and a function that drops it (with everything in it) and closes
// the connection. Benchmarks use it as the tests do.
func NewSchema(ctx context.Context, url, prefix string) (schemaURL string, drop func() error, err error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	db, err := sql.Open("pgx", url)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, err
	}
	drop = func() error {
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema, drop, nil
}

// Open opens a store at url and closes it when the test ends.
func Open(tb testing.TB, url string, opts store.Options) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), url, opts)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
