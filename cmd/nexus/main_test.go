package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	_ "modernc.org/sqlite"
)

const shared = "../../../shared/data/lists"

func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(shared); err != nil {
		t.Skip("shared data not present:", err)
	}
}

// runner runs one nexus command with NEXUS_DATA_DIR=dir and returns stdout
// and stderr; it fails the test on error unless wantErr.
type runner func(t *testing.T, dir string, wantErr bool, args ...string) (string, string)

// binPath is the nexus binary TestMain builds for the tests that load whole
// real lists. They run it as a user would, as a separate process built
// without the race detector: under -race the pure-Go SQLite is an order of
// magnitude slower, and the packages they exercise have race-checked tests
// of their own. Everything else runs in process through run.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nexus-bin-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "nexus")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build nexus:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// nexusBin runs the built binary.
func nexusBin(t *testing.T, dir string, wantErr bool, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "NEXUS_DATA_DIR="+dir, "NEXUS_DATABASE_URL=", "NEXUS_NATS_URL=")
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if (err != nil) != wantErr {
		t.Fatalf("nexus %s: err = %v, want error %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, wantErr, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// nexusCmd runs the program's run function in process.
func nexusCmd(t *testing.T, dir string, wantErr bool, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	if (err != nil) != wantErr {
		t.Fatalf("nexus %s: err = %v, want error %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, wantErr, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

type deltaJSON struct {
	Version    int64    `json:"version"`
	Added      []string `json:"added"`
	Changed    []string `json:"changed"`
	Removed    []string `json:"removed"`
	Entities   int      `json:"entities"`
	Statements int      `json:"statements"`
}

func importJSON(t *testing.T, nexus runner, dir string, args ...string) deltaJSON {
	t.Helper()
	out, _ := nexus(t, dir, false, append([]string{"import", "--json"}, args...)...)
	var d deltaJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("import output %q: %v", out, err)
	}
	return d
}

func TestImportRealListsAndDelta(t *testing.T) {
	t.Parallel()
	needShared(t)
	dir := t.TempDir()
	ofac2021 := filepath.Join(shared, "us_ofac_sdn/2021-07-07")
	ofac2024 := filepath.Join(shared, "us_ofac_sdn/2024-05-03/sdn.csv")

	d1 := importJSON(t, nexusBin, dir, "--dataset", "us_ofac_sdn", "--format", "ofac", ofac2021)
	if len(d1.Added) == 0 || len(d1.Changed)+len(d1.Removed) != 0 {
		t.Fatalf("first import: got +%d ~%d -%d, want only additions", len(d1.Added), len(d1.Changed), len(d1.Removed))
	}
	count := func() int {
		out, _ := nexusBin(t, dir, false, "entities", "--dataset", "us_ofac_sdn", "--count")
		n, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil {
			t.Fatalf("count output %q: %v", out, err)
		}
		return n
	}
	if got, want := count(), 8976; got != want {
		t.Errorf("OFAC 2021 targets: got %d, want %d", got, want)
	}

	d2 := importJSON(t, nexusBin, dir, "--dataset", "us_ofac_sdn", "--format", "ofac", ofac2024)
	if len(d2.Added) == 0 || len(d2.Removed) == 0 || len(d2.Changed) == 0 {
		t.Errorf("2021 → 2024: got +%d ~%d -%d, want some of each", len(d2.Added), len(d2.Changed), len(d2.Removed))
	}
	if got, want := count(), 14965; got != want {
		t.Errorf("OFAC 2024 targets: got %d, want %d", got, want)
	}
	t.Logf("OFAC 2021 → 2024 delta: +%d ~%d -%d; 2024: %d entities, %d statements",
		len(d2.Added), len(d2.Changed), len(d2.Removed), d2.Entities, d2.Statements)

	d3 := importJSON(t, nexusBin, dir, "--dataset", "us_ofac_sdn", "--format", "ofac", ofac2024)
	if n := len(d3.Added) + len(d3.Changed) + len(d3.Removed); n != 0 {
		t.Errorf("identical re-import: got %d changes, want an empty delta", n)
	}

	out, _ := nexusBin(t, dir, false, "entities", "--id", "ofac-6861")
	var ent struct {
		ID         string              `json:"id"`
		Schema     string              `json:"schema"`
		Properties map[string][]string `json:"properties"`
	}
	if err := json.Unmarshal([]byte(out), &ent); err != nil {
		t.Fatalf("entities --id output %q: %v", out, err)
	}
	if ent.Schema != "Person" || !strings.Contains(strings.ToUpper(strings.Join(ent.Properties["name"], "|")), "GUZMAN LOERA") {
		t.Errorf("ofac-6861: got %s %v, want Person named GUZMAN LOERA", ent.Schema, ent.Properties["name"])
	}

	// UN: 730 individuals + 273 entities.
	un := filepath.Join(shared, "un_sc_consolidated/2026-02-27/UN_consolidated.xml")
	importJSON(t, nexusBin, dir, "--dataset", "un_sc", "--format", "unsc", un)
	out, _ = nexusBin(t, dir, false, "entities", "--dataset", "un_sc", "--count")
	if got := strings.TrimSpace(out); got != "1003" {
		t.Errorf("UN targets: got %s, want 1003", got)
	}
}

func TestTruncatedImportChangesNothing(t *testing.T) {
	t.Parallel()
	needShared(t)
	dir := t.TempDir()
	un := filepath.Join(shared, "un_sc_consolidated/2026-02-27/UN_consolidated.xml")
	before := importJSON(t, nexusBin, dir, "--dataset", "un_sc", "--format", "unsc", un)

	b, err := os.ReadFile(un)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.xml")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := nexusBin(t, dir, true, "import", "--dataset", "un_sc", "--format", "unsc", cut)
	if !strings.Contains(stderr, "cut.xml") || !strings.Contains(stderr, "offset") {
		t.Errorf("truncated import error %q: want it to name the file and the byte offset", stderr)
	}
	out, _ := nexusBin(t, dir, false, "entities", "--dataset", "un_sc", "--count")
	if got := strings.TrimSpace(out); got != "1003" {
		t.Errorf("after a failed import: got %s targets, want 1003 (unchanged)", got)
	}
	again := importJSON(t, nexusBin, dir, "--dataset", "un_sc", "--format", "unsc", un)
	if n := len(again.Added) + len(again.Changed) + len(again.Removed); n != 0 || again.Statements != before.Statements {
		t.Errorf("re-import after the failed one: got %d changes and %d statements, want 0 and %d", n, again.Statements, before.Statements)
	}
}

func TestAuditVerifyDetectsEditedRow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nexusCmd(t, dir, false, "user", "agency", "add", "a", "Agency A")
	nexusCmd(t, dir, false, "user", "add", "alice", "--agency", "a", "--roles", "analyst")
	nexusCmd(t, dir, false, "user", "list")
	out, _ := nexusCmd(t, dir, false, "audit", "verify")
	if !strings.Contains(out, "intact") {
		t.Fatalf("verify on an untouched log: got %q, want intact", out)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "nexus.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, _ = nexusCmd(t, dir, true, "audit", "verify")
	if !strings.Contains(out, "event 2") {
		t.Errorf("verify after editing event 2: got %q, want it to name event 2", out)
	}
}

func TestListsUpdateFromLocalServer(t *testing.T) {
	t.Parallel()
	needShared(t)
	files := map[string]string{
		"/sdn.csv":             filepath.Join(shared, "us_ofac_sdn/2021-07-07/sdn.csv"),
		"/alt.csv":             filepath.Join(shared, "us_ofac_sdn/2021-07-07/alt.csv"),
		"/add.csv":             filepath.Join(shared, "us_ofac_sdn/2021-07-07/add.csv"),
		"/sdn_comments.csv":    filepath.Join(shared, "us_ofac_sdn/2021-07-07/sdn_comments.csv"),
		"/UN_consolidated.xml": filepath.Join(shared, "un_sc_consolidated/2026-02-27/UN_consolidated.xml"),
	}
	var down atomic.Bool // a publisher outage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "<html>maintenance</html>", http.StatusServiceUnavailable)
			return
		}
		path, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, path)
	}))
	defer srv.Close()

	dir := t.TempDir()
	out, _ := nexusBin(t, dir, false, "lists", "update", "--base-url", srv.URL)
	if !strings.Contains(out, "us_ofac_sdn v1") || !strings.Contains(out, "un_sc v1") {
		t.Errorf("lists update: got %q, want a first version of both lists", out)
	}
	out, _ = nexusBin(t, dir, false, "entities", "--dataset", "us_ofac_sdn", "--count")
	if got := strings.TrimSpace(out); got != "8976" {
		t.Errorf("OFAC targets after update: got %s, want 8976", got)
	}
	// A publisher outage must leave the current version in force.
	down.Store(true)
	nexusBin(t, dir, true, "lists", "update", "--base-url", srv.URL)
	out, _ = nexusBin(t, dir, false, "entities", "--dataset", "us_ofac_sdn", "--count")
	if got := strings.TrimSpace(out); got != "8976" {
		t.Errorf("OFAC targets after a failed update: got %s, want 8976", got)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestCSVBrokenRow: a strict import of a list with a broken row changes
// nothing already stored and names the line; a lenient one skips only that
// row.
func TestCSVBrokenRow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := filepath.Join(t.TempDir(), "watch.csv")
	write := func(body string) {
		if err := os.WriteFile(list, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"--dataset", "agency_a_watch", "--format", "csv", "--owner", "agency-a",
		"--map", "name=full_name,birthDate=dob", list}
	write("id,full_name,dob\nW-1,Juan Carlos Ramirez Abadia,1963-02-16\nW-2,Ismael Zambada Garcia,1948-01-01\n")
	first := importJSON(t, nexusCmd, dir, args...)
	if len(first.Added) != 2 {
		t.Fatalf("first import: got %d added, want 2", len(first.Added))
	}

	write("id,full_name,dob\nW-1,Juan Carlos Ramirez Abadia,1963-02-16\nW-3,Broken Row\nW-4,Rafael Caro Quintero,1952-10-03\n")
	nexusCmd(t, dir, true, append([]string{"import", "--strict"}, args...)...)
	out, _ := nexusCmd(t, dir, false, "entities", "--dataset", "agency_a_watch", "--count")
	if got := strings.TrimSpace(out); got != "2" {
		t.Errorf("after a failed strict import: got %s targets, want the 2 stored before", got)
	}
	out, _ = nexusCmd(t, dir, false, "entities", "--id", "agency_a_watch-W-2")
	if !strings.Contains(out, "Zambada") {
		t.Errorf("after a failed strict import W-2 is gone: %q", out)
	}

	var outb, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	if err := run(context.Background(), append([]string{"import", "--json"}, args...), getenv, strings.NewReader(""), &outb, &errb); err != nil {
		t.Fatalf("lenient import: %v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "watch.csv:3") {
		t.Errorf("lenient import: stderr %q does not name line 3", errb.String())
	}
	var d deltaJSON
	if err := json.Unmarshal(outb.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || d.Added[0] != "agency_a_watch-W-4" || len(d.Removed) != 1 || d.Removed[0] != "agency_a_watch-W-2" {
		t.Errorf("lenient import delta: got +%v -%v, want +[W-4] -[W-2] with W-3 skipped", d.Added, d.Removed)
	}
}
