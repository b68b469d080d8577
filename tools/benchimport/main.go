// Command benchimport measures `nexus import` of a real list on SQLite and
// PostgreSQL: wall time, entities and statements per second, and the peak
// resident memory of the importing process. Each run starts from an empty
// database; the table shows the median of the runs.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/nexus-intel/nexus/internal/store/storetest"
)

type result struct {
	seconds    float64
	entities   int
	statements int
	maxRSSMiB  float64
}

func main() {
	var (
		nexus  = flag.String("nexus", "./bin/nexus", "the nexus binary")
		list   = flag.String("list", "../shared/data/lists/us_ofac_sdn/2024-05-03/sdn.csv", "the list to import")
		format = flag.String("format", "ofac", "its format")
		runs   = flag.Int("runs", 3, "runs per backend")
		pgURL  = flag.String("postgres", os.Getenv("NEXUS_TEST_POSTGRES_URL"), "PostgreSQL URL (empty: postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	)
	flag.Parse()
	// The binary runs in a temporary directory, so paths must be absolute.
	for _, p := range []*string{nexus, list} {
		if abs, err := filepath.Abs(*p); err == nil {
			*p = abs
		}
	}
	if *pgURL == "" {
		*pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	if _, err := os.Stat(*list); err != nil {
		fmt.Fprintln(os.Stderr, "benchimport:", err)
		os.Exit(1)
	}
	fmt.Printf("nexus import --format %s %s, median of %d runs, each into an empty database\n\n", *format, *list, *runs)
	fmt.Println("| backend | import | wall s | entities | statements | entities/s | statements/s | peak RSS MiB |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|")
	for _, backend := range []string{"sqlite", "postgres"} {
		var fresh, again []result
		for i := 0; i < *runs; i++ {
			f, a, err := runOnce(*nexus, *list, *format, backend, *pgURL)
			if err != nil {
				fmt.Printf("| %s | error: %v |\n", backend, err)
				break
			}
			fresh, again = append(fresh, f), append(again, a)
		}
		printRow(backend, "new dataset", fresh)
		printRow(backend, "unchanged re-import", again)
	}
}

func printRow(backend, kind string, rs []result) {
	if len(rs) == 0 {
		return
	}
	slices.SortFunc(rs, func(a, b result) int { return int((a.seconds - b.seconds) * 1e6) })
	m := rs[len(rs)/2]
	fmt.Printf("| %s | %s | %.2f | %d | %d | %.0f | %.0f | %.0f |\n", backend, kind, m.seconds, m.entities, m.statements,
		float64(m.entities)/m.seconds, float64(m.statements)/m.seconds, m.maxRSSMiB)
}

// runOnce imports the list into an empty database, then again unchanged.
func runOnce(nexus, list, format, backend, pgURL string) (fresh, again result, err error) {
	dir, err := os.MkdirTemp("", "nexus-bench-")
	if err != nil {
		return fresh, again, err
	}
	defer os.RemoveAll(dir)
	args := []string{"import", "--data-dir", dir, "--dataset", "bench", "--format", format, "--json", list}
	if backend == "postgres" {
		url, drop, err := storetest.NewSchema(context.Background(), pgURL, "nexus_bench_")
		if err != nil {
			return fresh, again, err
		}
		defer drop()
		args = append([]string{args[0], "--database-url", url}, args[1:]...)
	}
	if fresh, err = timeImport(nexus, args, dir); err != nil {
		return fresh, again, err
	}
	again, err = timeImport(nexus, args, dir)
	return fresh, again, err
}

func timeImport(nexus string, args []string, dir string) (result, error) {
	cmd := exec.CommandContext(context.Background(), nexus, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "NEXUS_NATS_URL=") // embedded bus in the temp dir
	cmd.Dir = filepath.Dir(dir)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%v: %s", err, lastLine(errb.String()))
	}
	el := time.Since(start).Seconds()
	var delta struct {
		Entities   int `json:"entities"`
		Statements int `json:"statements"`
	}
	if err := json.Unmarshal(out.Bytes(), &delta); err != nil {
		return result{}, fmt.Errorf("parse delta: %v", err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return result{seconds: el, entities: delta.Entities, statements: delta.Statements, maxRSSMiB: float64(ru.Maxrss) / 1024}, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
