package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ingest"
	"github.com/nexus-intel/nexus/internal/store"
)

// importer runs one dataset import end to end: make sure the dataset
// exists, stream the file through its reader into the store as one
// transaction, audit it and publish the delta. The CLI, the HTTP upload, the
// starter lists and the list updater all go through it.
type importer struct {
	store  *store.Store
	bus    *events.Bus // nil: no events (the delta is still stored)
	logger *slog.Logger
}

type importJob struct {
	Viewer   access.Viewer
	Source   string // audit source address ("cli", client IP)
	Dataset  store.Dataset
	Format   string
	Path     string
	Strict   bool
	Map      map[string]string
	Edges    ingest.EdgeOptions // format edges
	Note     string
	Progress io.Writer // where to draw progress; nil for none
	Skipped  func(ingest.Problem)
}

// knownDatasets are the descriptions used when a well-known list is imported
// for the first time.
var knownDatasets = map[string]store.Dataset{
	"us_ofac_sdn": {Title: "US OFAC Specially Designated Nationals", Class: store.ClassPublicList, Owner: "us_ofac"},
	"un_sc":       {Title: "UN Security Council Consolidated List", Class: store.ClassPublicList, Owner: "un"},
}

// datasetFor returns the stored description of name, or a new one built from
// the request (falling back to knownDatasets, then to a public list).
func datasetFor(ctx context.Context, st *store.Store, want store.Dataset) (store.Dataset, bool, error) {
	d, err := st.GetDataset(ctx, want.Name)
	if err == nil {
		return d, false, nil
	} else if nexus.ErrorCode(err) != nexus.ENOTFOUND {
		return d, false, err
	}
	d = want
	if k, ok := knownDatasets[want.Name]; ok {
		if d.Title == "" {
			d.Title = k.Title
		}
		if d.Class == "" {
			d.Class = k.Class
		}
		if d.Owner == "" {
			d.Owner = k.Owner
		}
	}
	if d.Class == "" {
		d.Class = store.ClassPublicList
	}
	if d.DefaultMarking.Classification == "" {
		if d.Class == store.ClassPublicList {
			d.DefaultMarking = access.PublicMarking()
		} else if d.Owner != "" {
			// Agency records are visible to the owning agency only until
			// someone shares them on purpose.
			d.DefaultMarking = access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: d.Owner}
		} else {
			return d, false, nexus.Errorf(nexus.EINVALID, "dataset %s: a %s dataset needs an owning agency (--owner) or a --marking", d.Name, d.Class)
		}
	}
	if err := d.DefaultMarking.Validate(); err != nil {
		return d, false, fmt.Errorf("dataset %s: %w", d.Name, err)
	}
	return d, true, nil
}

func (im *importer) run(ctx context.Context, job importJob) (store.Delta, error) {
	delta, err := im.importDataset(ctx, job)
	object := fmt.Sprintf("dataset:%s format:%s", job.Dataset.Name, job.Format)
	if err == nil {
		object += fmt.Sprintf(" version:%d +%d ~%d -%d", delta.Version, len(delta.Added), len(delta.Changed), len(delta.Removed))
	}
	ev := audit.Event{Time: time.Now(), Actor: job.Viewer.Name, Agency: job.Viewer.Agency, Action: audit.ActionImport,
		Object: object, Outcome: audit.Success, SourceAddr: job.Source}
	if err != nil {
		ev.Outcome, ev.Detail = audit.Failure, err.Error()
	}
	if _, aerr := im.store.AppendAudit(ctx, ev); aerr != nil && err == nil {
		err = fmt.Errorf("audit: %w", aerr)
	}
	if err != nil {
		return delta, err
	}
	if im.bus != nil {
		// The store has committed; a lost event only delays other nodes
		// until they rebuild, so it is logged, not returned.
		if perr := publishDelta(ctx, im.bus, delta); perr != nil {
			im.logger.Warn("publish delta", "dataset", delta.Dataset, "version", delta.Version, "err", perr)
		}
	}
	return delta, nil
}

func (im *importer) importDataset(ctx context.Context, job importJob) (store.Delta, error) {
	if !job.Viewer.System && !job.Viewer.HasRole("administrator") && !job.Viewer.HasRole("importer") {
		return store.Delta{}, nexus.Errorf(nexus.EFORBIDDEN, "import needs the administrator or importer role")
	}
	if !slices.Contains(ingest.Formats(), job.Format) {
		return store.Delta{}, nexus.Errorf(nexus.EINVALID, "unknown format %q (want one of %s)", job.Format, strings.Join(ingest.Formats(), ", "))
	}
	d, isNew, err := datasetFor(ctx, im.store, job.Dataset)
	if err != nil {
		return store.Delta{}, err
	}
	if isNew {
		if err := im.store.PutDataset(ctx, d); err != nil {
			return store.Delta{}, fmt.Errorf("create dataset %s: %w", d.Name, err)
		}
	}
	opts := ingest.Options{Dataset: d.Name, Strict: job.Strict, Map: job.Map, Edges: job.Edges, Skipped: job.Skipped}
	src := func(ctx context.Context, emit store.Emit) error {
		return ingest.Read(ctx, job.Format, job.Path, opts, emit)
	}
	iopts := store.ImportOptions{Note: job.Note}
	var bar *progress
	if job.Progress != nil {
		bar = &progress{w: job.Progress, label: "import " + d.Name}
		iopts.Progress = bar.update
	}
	delta, err := im.store.Import(ctx, d.Name, src, iopts)
	if bar != nil {
		bar.done()
	}
	return delta, err
}

// maxIDsPerEvent keeps each delta message well under NATS's 1 MB payload
// limit; a larger delta is published in parts.
const maxIDsPerEvent = 10000

func publishDelta(ctx context.Context, bus *events.Bus, d store.Delta) error {
	var msgs []events.ListUpdated
	cur := events.ListUpdated{Dataset: d.Dataset, Version: d.Version}
	n := 0
	add := func(dst *[]string, id string) {
		*dst = append(*dst, id)
		if n++; n == maxIDsPerEvent {
			msgs, cur, n = append(msgs, cur), events.ListUpdated{Dataset: d.Dataset, Version: d.Version}, 0
		}
	}
	for _, id := range d.Added {
		add(&cur.Added, id)
	}
	for _, id := range d.Changed {
		add(&cur.Changed, id)
	}
	for _, id := range d.Removed {
		add(&cur.Removed, id)
	}
	if n > 0 || len(msgs) == 0 {
		msgs = append(msgs, cur)
	}
	for i := range msgs {
		msgs[i].Part, msgs[i].Parts = i+1, len(msgs)
		if err := bus.Publish(ctx, events.SubjectListUpdated, msgs[i]); err != nil {
			return err
		}
	}
	return nil
}

// summary is the one-line human form of a delta.
func summary(d store.Delta) string {
	if d.Empty() {
		return fmt.Sprintf("%s v%d: no changes (%d entities, %d statements)", d.Dataset, d.Version, d.Entities, d.Statements)
	}
	return fmt.Sprintf("%s v%d: %d added, %d changed, %d removed, %d unchanged (%d entities, %d statements)",
		d.Dataset, d.Version, len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged, d.Entities, d.Statements)
}

// progress draws a one-line counter on a terminal, at most ten times a second.
type progress struct {
	w     io.Writer
	label string
	start time.Time
	last  time.Time
	n     int
}

func (p *progress) update(n int) {
	now := time.Now()
	if p.start.IsZero() {
		p.start = now
	}
	p.n = n
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw()
}

func (p *progress) draw() {
	rate := 0.0
	if el := time.Since(p.start).Seconds(); el > 0 {
		rate = float64(p.n) / el
	}
	fmt.Fprintf(p.w, "\r%s: %d entities (%.0f/s)%s", p.label, p.n, rate, strings.Repeat(" ", 8))
}

func (p *progress) done() {
	if p.n > 0 {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
