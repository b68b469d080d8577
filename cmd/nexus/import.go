package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ingest"
	"github.com/nexus-intel/nexus/internal/store"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("import")
	var (
		dataset = fs.String("dataset", "", "dataset name (required), e.g. us_ofac_sdn")
		format  = fs.String("format", "", "input format: "+strings.Join(ingest.Formats(), ", ")+" (default: guessed from the path)")
		strict  = fs.Bool("strict", false, "abort on the first invalid row instead of skipping it")
		mapping = fs.String("map", "", "csv: FtM property to column mapping, e.g. name=full_name,birthDate=dob")
		title   = fs.String("title", "", "dataset title (new datasets)")
		class   = fs.String("class", "", "record class of a new dataset: public_list, criminal_intelligence, case, tip, sar, encounter, deconfliction")
		owner   = fs.String("owner", "", "owning agency code of a new dataset")
		marking = fs.String("marking", "", `default marking of a new dataset, e.g. "CUI//LES//ORIG:agency-a" or "U//TLP:CLEAR//PUBLIC"`)
		asJSON  = fs.Bool("json", false, "print the delta as JSON")
		as      = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
		edges   ingest.EdgeOptions
	)
	fs.StringVar(&edges.Source, "source-col", "source", "edges: column of the first end")
	fs.StringVar(&edges.Target, "target-col", "target", "edges: column of the second end")
	fs.StringVar(&edges.Weight, "weight-col", "", "edges: optional weight column")
	fs.StringVar(&edges.Time, "time-col", "", "edges: optional time column (a date, or a period such as a wiretap phase)")
	fs.StringVar(&edges.Type, "type-col", "", "edges: optional link type column (an FtM edge schema such as Associate or Family, or any role)")
	fs.StringVar(&edges.Nodes, "nodes", "", "edges: optional node attributes CSV (id column, then Person properties such as name, topics, nationality)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *dataset == "" || fs.NArg() != 1 {
		return fmt.Errorf("usage: nexus import --dataset NAME [--format F] PATH")
	}
	path := fs.Arg(0)
	if *format == "" {
		*format = guessFormat(path)
	}
	if !slices.Contains(ingest.Formats(), *format) {
		return fmt.Errorf("--format %q: want one of %s", *format, strings.Join(ingest.Formats(), ", "))
	}
	d := store.Dataset{Name: *dataset, Title: *title, Class: *class, Owner: *owner}
	if *marking != "" {
		m, err := access.ParseMarking(*marking)
		if err != nil {
			return fmt.Errorf("--marking: %w", err)
		}
		d.DefaultMarking = m
	}
	var m map[string]string
	if *mapping != "" {
		var err error
		if m, err = ingest.ParseMap(*mapping); err != nil {
			return fmt.Errorf("--map: %w", err)
		}
	}

	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	bus, err := e.openBus(ctx)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	defer bus.Close()

	skipped, warned := 0, 0
	job := importJob{Viewer: v, Source: "cli", Dataset: d, Format: *format, Path: path, Strict: *strict, Map: m, Edges: edges,
		Note: "cli " + path,
		Skipped: func(p ingest.Problem) {
			if p.Warning {
				warned++
				fmt.Fprintf(e.stderr, "warning %s\n", p.Error())
				return
			}
			skipped++
			fmt.Fprintf(e.stderr, "skipped %s\n", p.Error())
		}}
	if isTerminal(e.stderr) {
		job.Progress = e.stderr
	}
	im := &importer{store: st, bus: bus, logger: e.logger()}
	delta, err := im.run(ctx, job)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(delta)
	}
	fmt.Fprintln(e.stdout, summary(delta))
	if skipped > 0 {
		fmt.Fprintf(e.stdout, "%d invalid rows skipped (listed above)\n", skipped)
	}
	if warned > 0 {
		fmt.Fprintf(e.stdout, "%d warnings: rows imported with a part dropped (listed above)\n", warned)
	}
	return nil
}

// guessFormat picks a reader from a path's name so the common cases need no
// --format.
func guessFormat(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".xml"):
		return "unsc"
	case strings.HasSuffix(p, ".json"), strings.HasSuffix(p, ".jsonl"), strings.HasSuffix(p, ".ftm"):
		return "ftm"
	case strings.HasSuffix(p, "sdn.csv"), !strings.Contains(p[strings.LastIndex(p, "/")+1:], "."):
		return "ofac"
	}
	return "csv"
}
