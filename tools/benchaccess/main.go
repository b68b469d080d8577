// Command benchaccess measures what access control costs (issue 6): the
// policy filter on entity listing and search at 1M statements for a
// restricted viewer against an unrestricted one (and against no filter at
// all, the system viewer), audit append throughput from many concurrent
// requests, and verifying a 1M-event audit chain. It prints one table.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// Each entity has statementsPerEntity statements (nine properties and
// its id); a third of the entities
// are public, a third agency a's, a third agency b's under LES, both
// released to a task-force sharing group.
const statementsPerEntity = 10

func main() {
	var (
		statements = flag.Int("statements", 1_000_000, "statements to load for the filter benchmark")
		events     = flag.Int("events", 1_000_000, "audit events to verify")
		appends    = flag.Int("appends", 100_000, "audit events appended concurrently for the throughput row")
		workers    = flag.Int("workers", 64, "concurrent appenders (requests in flight)")
		reps       = flag.Int("reps", 15, "repetitions of each query; the median is shown")
		backends   = flag.String("backends", "sqlite", "comma-separated: sqlite, postgres")
		pgURL      = flag.String("postgres", os.Getenv("NEXUS_TEST_POSTGRES_URL"), "PostgreSQL URL (empty: postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	)
	flag.Parse()
	if *pgURL == "" {
		*pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	fmt.Printf("access-control cost: %d statements (%d entities, 1/3 public, 1/3 agency a, 1/3 agency b LES; both REL task-force); median of %d runs\n\n",
		*statements, *statements/statementsPerEntity, *reps)
	fmt.Println("| backend | measure | system (no filter) | unrestricted viewer | restricted viewer | restricted / unrestricted | goal |")
	fmt.Println("|---|---|---:|---:|---:|---:|---|")
	var rows [][]string
	for _, b := range strings.Split(*backends, ",") {
		url, cleanup, err := openURL(ctx, strings.TrimSpace(b), *pgURL)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchaccess:", err)
			os.Exit(1)
		}
		r, err := bench(ctx, b, url, *statements, *events, *appends, *workers, *reps)
		cleanup()
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchaccess:", b, err)
			os.Exit(1)
		}
		rows = append(rows, r...)
	}
	for _, r := range rows {
		fmt.Println("| " + strings.Join(r, " | ") + " |")
	}
}

// openURL returns a database URL for backend and a function removing it.
func openURL(ctx context.Context, backend, pgURL string) (string, func(), error) {
	switch backend {
	case "sqlite":
		dir, err := os.MkdirTemp("", "benchaccess-")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "nexus.db"), func() { os.RemoveAll(dir) }, nil
	case "postgres":
		url, drop, err := storetest.NewSchema(ctx, pgURL, "benchaccess_")
		if err != nil {
			return "", nil, err
		}
		return url, func() { drop() }, nil
	}
	return "", nil, fmt.Errorf("unknown backend %q", backend)
}

func entities(prefix string, n int) []*ftm.Entity {
	es := make([]*ftm.Entity, n)
	for i := range es {
		e := ftm.NewEntity("Person", fmt.Sprintf("%s-%d", prefix, i))
		e.Target = true
		e.Add("name", fmt.Sprintf("%s Person %d", strings.ToUpper(prefix[:1])+prefix[1:], i))
		e.Add("alias", fmt.Sprintf("Alias %d", i), fmt.Sprintf("Other Alias %d", i))
		e.Add("birthDate", fmt.Sprintf("19%02d-01-%02d", i%100, i%28+1))
		e.Add("nationality", "mx")
		e.Add("idNumber", fmt.Sprintf("ID%08d", i))
		e.Add("topics", "crime")
		e.Add("notes", fmt.Sprintf("Linked to organisation %d.", i%50))
		e.Add("position", "Member")
		es[i] = e
	}
	return es
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func bench(ctx context.Context, backend, url string, nStatements, nEvents, nAppends, workers, reps int) ([][]string, error) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, url, store.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, a := range []string{"a", "b"} {
		if err := st.PutAgency(ctx, store.Agency{Code: a}); err != nil {
			return nil, err
		}
	}
	perSet := (nStatements + 3*statementsPerEntity - 1) / statementsPerEntity / 3
	sets := []struct {
		name    string
		marking access.Marking
	}{
		{"public", access.PublicMarking()},
		{"agencya", access.Marking{Classification: access.Unclassified, Originator: "a", SharingGroups: []string{"task-force"}}},
		{"agencyb", access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "b", SharingGroups: []string{"task-force"}}},
	}
	start := time.Now()
	total := 0
	for _, set := range sets {
		class := store.ClassCase
		if set.marking.Public {
			class = store.ClassPublicList
		}
		if err := st.PutDataset(ctx, store.Dataset{Name: set.name, Class: class, Owner: set.marking.Originator, DefaultMarking: set.marking}); err != nil {
			return nil, err
		}
		d, err := st.Import(ctx, set.name, store.SourceOf(set.name, entities(set.name, perSet)...), store.ImportOptions{})
		if err != nil {
			return nil, err
		}
		total += d.Statements
	}
	fmt.Fprintf(os.Stderr, "%s: loaded %d statements in %s\n", backend, total, time.Since(start).Round(time.Millisecond))

	// The unrestricted viewer sees every statement through the filter (a
	// task-force member holding LES); the restricted one sees public
	// records and its own agency's; the system viewer skips the filter.
	viewers := []access.Viewer{
		access.SystemViewer(),
		{UserID: "u", Agency: "a", CUI: true, Caveats: []string{"LES"}, SharingGroups: []string{"task-force"}},
		{UserID: "r", Agency: "a"},
	}
	queries := []struct {
		name string
		q    store.EntityQuery
	}{
		{"list entities, first page of 50", store.EntityQuery{Limit: 50}},
		{"list entities, page at offset 20,000", store.EntityQuery{Limit: 50, Offset: 20000}},
		{"search q=\"person 1234\", first page", store.EntityQuery{Q: "person 1234", Limit: 50}},
		{"search q=\"alias\" (every entity), first page", store.EntityQuery{Q: "alias", Limit: 50}},
	}
	var rows [][]string
	for _, q := range queries {
		var med [3]time.Duration
		var totals [3]int
		for vi, v := range viewers {
			var ds []time.Duration
			for r := 0; r < reps; r++ {
				t0 := time.Now()
				_, n, err := st.Entities(ctx, v, q.q)
				if err != nil {
					return nil, err
				}
				ds = append(ds, time.Since(t0))
				totals[vi] = n
			}
			med[vi] = median(ds)
		}
		ratio := float64(med[2]) / float64(med[1])
		goal := "≤ 1.10 ✓"
		if ratio > 1.10 {
			goal = "≤ 1.10 ✗"
		}
		rows = append(rows, []string{backend, fmt.Sprintf("%s (totals %d / %d / %d)", q.name, totals[0], totals[1], totals[2]),
			ms(med[0]), ms(med[1]), ms(med[2]), fmt.Sprintf("%.2f", ratio), goal})
	}

	// Audit throughput: workers append at once, as concurrent requests do.
	var lat []time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	per := nAppends / workers
	t0 := time.Now()
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, per)
			for i := 0; i < per; i++ {
				s := time.Now()
				if _, err := st.AppendAudit(ctx, audit.Event{Actor: fmt.Sprintf("user%d", w), Agency: "a", Action: audit.ActionRead,
					Object: fmt.Sprintf("entity-%d", i), Outcome: audit.Success, SourceAddr: "10.0.0.1"}); err != nil {
					errs <- err
					return
				}
				mine = append(mine, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	el := time.Since(t0)
	slices.Sort(lat)
	rate := float64(len(lat)) / el.Seconds()
	goal := "≥ 20,000/s ✓"
	if rate < 20000 {
		goal = "≥ 20,000/s ✗"
	}
	rows = append(rows, []string{backend, fmt.Sprintf("audit append, %d concurrent requests, %d events", workers, len(lat)),
		"", "", fmt.Sprintf("%.0f events/s", rate), fmt.Sprintf("append p50 %s, p99 %s", ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100])), goal})

	// Seed the log to nEvents in large batches, then verify it all.
	have := len(lat)
	batch := make([]audit.Event, 0, 10000)
	now := time.Now()
	for have < nEvents {
		batch = batch[:0]
		for i := 0; i < 10000 && have < nEvents; i++ {
			batch = append(batch, audit.Event{Time: now, Actor: "seed", Action: audit.ActionRead, Object: fmt.Sprintf("entity-%d", have), Outcome: audit.Success})
			have++
		}
		if _, err := st.AppendAuditBatch(ctx, batch); err != nil {
			return nil, err
		}
	}
	t0 = time.Now()
	n, err := st.VerifyAudit(ctx)
	if err != nil {
		return nil, err
	}
	el = time.Since(t0)
	goal = "≤ 10 s ✓"
	if el > 10*time.Second {
		goal = "≤ 10 s ✗"
	}
	rows = append(rows, []string{backend, fmt.Sprintf("audit verify, %d events", n), "", "",
		fmt.Sprintf("%.2f s", el.Seconds()), fmt.Sprintf("%.0f events/s", float64(n)/el.Seconds()), goal})
	return rows, nil
}
