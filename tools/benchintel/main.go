// Command benchintel measures the 28 CFR Part 23 paths on a store that also
// holds a large public list: submission and approval, the need-to-know check
// every search pays, its cost next to the entity search it guards, the
// pointer search, and the scheduled purge. It prints one table per backend.
// Times are medians of repeated calls; the clock of the store is injected so
// the purge runs five years later without waiting.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	analyst  = access.Viewer{UserID: "alice", Agency: "a", CUI: true, Caveats: []string{"LES"}}
	approver = access.Viewer{UserID: "sam", Agency: "a", CUI: true, Caveats: []string{"LES"}, Part23Trained: true}
	outsider = access.Viewer{UserID: "bob", Agency: "b", CUI: true, Caveats: []string{"LES"}}
)

func main() {
	var (
		entities = flag.Int("entities", 250000, "public-list entities (4 statements each)")
		records  = flag.Int("records", 2000, "criminal-intelligence records (subject plus one identifying record each)")
		reps     = flag.Int("reps", 200, "calls per latency measurement")
		pg       = flag.String("postgres", "", "also run on this PostgreSQL URL (a fresh schema is created and dropped)")
	)
	flag.Parse()
	fmt.Printf("Part 23 paths with %d public entities (%d statements) and %d intelligence records; medians of %d calls\n\n",
		*entities, *entities*4, *records, *reps)
	fmt.Println("| backend | measure | value |")
	fmt.Println("|---|---|---:|")
	dir, err := os.MkdirTemp("", "benchintel-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	if err := run("sqlite", filepath.Join(dir, "nexus.db"), *entities, *records, *reps); err != nil {
		fail(err)
	}
	if *pg != "" {
		url, drop, err := pgSchema(*pg)
		if err != nil {
			fail(err)
		}
		defer drop()
		if err := run("postgres", url, *entities, *records, *reps); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchintel:", err)
	os.Exit(1)
}

func run(backend, url string, entities, records, reps int) error {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(ctx, url, store.Options{Now: clk.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	row := func(measure, value string) { fmt.Printf("| %s | %s | %s |\n", backend, measure, value) }
	for _, a := range []string{"a", "b"} {
		if err := st.PutAgency(ctx, store.Agency{Code: a, Name: a}); err != nil {
			return err
		}
	}
	if err := st.PutDataset(ctx, store.Dataset{Name: "list", Class: store.ClassPublicList}); err != nil {
		return err
	}
	if err := st.PutDataset(ctx, store.Dataset{Name: "a_ci", Class: store.ClassCriminalIntel, Owner: "a",
		DefaultMarking: access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "a"}}); err != nil {
		return err
	}
	start := time.Now()
	_, err = st.Import(ctx, "list", func(ctx context.Context, emit store.Emit) error {
		for i := 0; i < entities; i++ {
			e := ftm.NewEntity("Person", fmt.Sprintf("p-%07d", i))
			e.Target = true
			e.Add("name", fmt.Sprintf("Listed Person %d", i))
			e.Add("birthDate", fmt.Sprintf("19%02d-01-01", i%90+10))
			e.Add("nationality", "mx")
			if err := emit(e, "gen"); err != nil {
				return err
			}
		}
		return nil
	}, store.ImportOptions{})
	if err != nil {
		return err
	}
	row("load public list", fmt.Sprintf("%.1f s", time.Since(start).Seconds()))

	start = time.Now()
	for i := 0; i < records; i++ {
		id := fmt.Sprintf("ci-%05d", i)
		subj := ftm.NewEntity("Person", id)
		subj.Add("name", fmt.Sprintf("Intel Subject %d", i))
		subj.Add("passportNumber", fmt.Sprintf("P%07d", i))
		car := ftm.NewEntity("Vehicle", id+"-car")
		car.Add("registrationNumber", fmt.Sprintf("AZ-%05d", i))
		sub := intel.Submission{Dataset: "a_ci", Subject: subj, Identifying: []*ftm.Entity{car},
			Predicate:   intel.Predicate{Narrative: "controlled buys", OffenceCodes: []string{"35A"}},
			Reliability: "B", Validity: "2", Pointer: intel.Pointer{Allowed: true, Contact: "A duty desk"}}
		if _, err := st.SubmitIntel(ctx, analyst, sub); err != nil {
			return err
		}
		if _, err := st.ApproveIntel(ctx, approver, id); err != nil {
			return err
		}
	}
	el := time.Since(start)
	row("submit + approve", fmt.Sprintf("%.2f ms/record (%.0f records/s)", ms(el)/float64(records), float64(records)/el.Seconds()))

	check := func(v access.Viewer) time.Duration {
		return median(reps, func() error { _, err := st.TouchesCriminalIntel(ctx, v, ""); return err })
	}
	row("need-to-know check, viewer who sees intel", fmtDur(check(analyst)))
	row("need-to-know check, viewer who sees none (worst case)", fmtDur(check(outsider)))
	search := median(max(5, reps/10), func() error {
		_, _, err := st.Entities(ctx, outsider, store.EntityQuery{Q: "listed person 12345", Limit: 50})
		return err
	})
	row("entity search q=… (what the check guards)", fmtDur(search))
	row("check as % of that search (worst case)", fmt.Sprintf("%.1f %%", 100*float64(check(outsider))/float64(search)))
	pointer := median(reps, func() error {
		res, err := st.SearchIntel(ctx, outsider, fmt.Sprintf("Intel Subject %d", records/2))
		if err == nil && len(res.Pointers) != 1 {
			err = fmt.Errorf("pointer search: got %+v", res)
		}
		return err
	})
	row("pointer search (outsider, exact name)", fmtDur(pointer))
	hit := median(reps, func() error {
		res, err := st.SearchIntel(ctx, analyst, fmt.Sprintf("P%07d", records/2))
		if err == nil && len(res.Results) != 1 {
			err = fmt.Errorf("search: got %+v", res)
		}
		return err
	})
	row("intel search (originator, identifier)", fmtDur(hit))

	clk.Add(5*365*24*time.Hour + 48*time.Hour)
	start = time.Now()
	res, err := st.PurgeDue(ctx, "bench", records)
	if err != nil {
		return err
	}
	el = time.Since(start)
	if len(res.Purged) != 2*records {
		return fmt.Errorf("purge: %d tombstones, want %d", len(res.Purged), 2*records)
	}
	row("scheduled purge at five years", fmt.Sprintf("%d records + %d identifying in %.2f s (%.0f records/s)",
		records, records, el.Seconds(), float64(records)/el.Seconds()))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fmtDur(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2f ms", ms(d))
}

func median(n int, fn func() error) time.Duration {
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := fn(); err != nil {
			fail(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// pgSchema creates a fresh schema on url and returns a URL using it and a
// function that drops it.
func pgSchema(url string) (string, func(), error) {
	u, drop, err := storetest.NewSchema(context.Background(), url, "benchintel_")
	if err != nil {
		return "", nil, err
	}
	return u, func() { drop() }, nil
}
