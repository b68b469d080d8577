// Package storetest gives the tests of the store and of the packages built on
// it a fresh PostgreSQL schema to run on, so every such test covers both
// engines the same way.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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
	b := make([]byte, 6)
	rand.Read(b)
	schema := "nexus_t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", pg)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		tb.Fatalf("postgres: %v", err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(pg, "?") {
		sep = "&"
	}
	return pg + sep + "search_path=" + schema
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
