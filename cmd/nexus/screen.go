package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/screening"
)

// stringList is a flag that may be given more than once.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// screenBatch is how many rows are screened together (MatchBatch spreads
// them over the cores).
const screenBatch = 4096

// cmdScreen screens the parties of a CSV file against the lists:
//
//	nexus screen --in queries.csv --out results.jsonl [--threshold T] [--limit N] [--dataset D]… [--algorithm A]
//	nexus screen clear --subject KEY --entity ID --reason TEXT [--as USER]
func cmdScreen(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "clear" {
		return cmdScreenClear(ctx, e, args[1:])
	}
	fs := e.flags("screen")
	var (
		in        = fs.String("in", "", "CSV of queries with a header: id,schema,name[,birth_date,nationality,gender,id_number] (- for stdin)")
		out       = fs.String("out", "-", "where to write one JSON result per query line (- for stdout)")
		threshold = fs.Float64("threshold", 0, fmt.Sprintf("lowest score reported (default %.2f; 0.80 for --algorithm ofac)", screen.DefaultThreshold))
		limit     = fs.Int("limit", screening.DefaultLimit, "most matches per query")
		algorithm = fs.String("algorithm", string(screen.AlgorithmDefault), "scorer: nexus or ofac")
		as        = fs.String("as", "", "screen as this Nexus user: their access and their agency's clearances (default: the system)")
		datasets  stringList
	)
	fs.Var(&datasets, "dataset", "only match entities of this dataset (repeatable)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return nexus.Errorf(nexus.EINVALID, "screen: --in is required")
	}
	if *limit < 1 {
		return nexus.Errorf(nexus.EINVALID, "screen: --limit must be at least 1")
	}
	var r io.Reader = e.stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		defer f.Close()
		r = f
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := screening.New(st, screening.Options{Logger: e.logger()})
	start := time.Now()
	if err := svc.Build(ctx); err != nil {
		return err
	}
	built := time.Since(start)

	var w io.Writer = e.stdout
	var outFile *os.File
	if *out != "-" {
		if outFile, err = os.Create(*out); err != nil {
			return fmt.Errorf("screen: %w", err)
		}
		defer outFile.Close()
		w = outFile
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	req := screening.Request{Threshold: *threshold, Limit: *limit, Algorithm: screen.Algorithm(*algorithm), Datasets: datasets}
	stats, runErr := screenCSV(ctx, svc, v, r, *in, bw, req, e.stderr)
	if err := bw.Flush(); err != nil && runErr == nil {
		runErr = fmt.Errorf("screen: %w", err)
	}
	if outFile != nil {
		if err := outFile.Close(); err != nil && runErr == nil {
			runErr = fmt.Errorf("screen: %w", err)
		}
	}
	object := fmt.Sprintf("screen file:%s queries:%d failed:%d matches:%d cleared:%d datasets:%s algorithm:%s",
		*in, stats.queries, stats.failed, stats.matches, stats.cleared, datasets.String(), *algorithm)
	if err := record(ctx, st, v, audit.ActionSearch, object, runErr); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	el := time.Since(start) - built
	fmt.Fprintf(e.stderr, "screened %d queries against %d entities in %s (%.0f/s; index built in %s): %d matches, %d cleared",
		stats.queries, svc.Len(), el.Round(time.Millisecond), float64(stats.queries)/max(el.Seconds(), 1e-9), built.Round(time.Millisecond),
		stats.matches, stats.cleared)
	if stats.failed > 0 {
		fmt.Fprintf(e.stderr, "; %d rows failed\n", stats.failed)
		return exitError(1)
	}
	fmt.Fprintln(e.stderr)
	return nil
}

type screenStats struct {
	queries, failed, matches, cleared int
}

// screenCSV reads queries from r (named name in messages), screens them in
// batches and writes one JSON line per good row to w. A bad row is reported
// on stderr with its line number and skipped.
func screenCSV(ctx context.Context, svc *screening.Service, v access.Viewer, r io.Reader, name string, w io.Writer,
	req screening.Request, stderr io.Writer) (screenStats, error) {
	var stats screenStats
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return stats, nexus.Errorf(nexus.EINVALID, "%s: header: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	for _, need := range []string{"id", "schema", "name"} {
		if _, ok := col[need]; !ok {
			return stats, nexus.Errorf(nexus.EINVALID, "%s: header has no %q column (want id,schema,name and optionally birth_date,nationality,gender,id_number)", name, need)
		}
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	bar := &screenProgress{w: stderr, on: isTerminal(stderr), start: time.Now()}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var batch []screening.Subject
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := svc.Screen(ctx, v, batch, req)
		if err != nil {
			return err
		}
		for _, r := range res {
			stats.matches += len(r.Matches)
			for _, m := range r.Matches {
				if m.Cleared {
					stats.cleared++
				}
			}
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("write results: %w", err)
			}
		}
		stats.queries += len(batch)
		bar.update(stats.queries)
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				stats.failed++
				fmt.Fprintf(stderr, "%s:%d: %v\n", name, pe.StartLine, pe.Err)
				continue
			}
			return stats, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) != len(header) {
			stats.failed++
			fmt.Fprintf(stderr, "%s:%d: %d fields, the header has %d\n", name, line, len(rec), len(header))
			continue
		}
		spec := screening.QuerySpec{ID: get(rec, "id"), Schema: get(rec, "schema"), Name: get(rec, "name"),
			BirthDate: get(rec, "birth_date"), Nationality: get(rec, "nationality"), Gender: get(rec, "gender"), IDNumber: get(rec, "id_number")}
		if spec.ID == "" {
			stats.failed++
			fmt.Fprintf(stderr, "%s:%d: empty id\n", name, line)
			continue
		}
		q, err := spec.Query()
		if err != nil {
			stats.failed++
			fmt.Fprintf(stderr, "%s:%d: id %s: %s\n", name, line, spec.ID, nexus.ErrorMessage(err))
			continue
		}
		batch = append(batch, screening.Subject{ID: spec.ID, Query: q})
		if len(batch) == screenBatch {
			if err := flush(); err != nil {
				return stats, err
			}
		}
	}
	if err := flush(); err != nil {
		return stats, err
	}
	bar.done()
	return stats, nil
}

// screenProgress draws a query counter on a terminal, at most ten times a
// second, and nothing elsewhere.
type screenProgress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	n     int
}

func (p *screenProgress) update(n int) {
	p.n = n
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rscreen: %d queries (%.0f/s)   ", n, float64(n)/max(time.Since(p.start).Seconds(), 1e-9))
}

func (p *screenProgress) done() {
	if p.on && p.n > 0 {
		fmt.Fprintln(p.w)
	}
}

// cmdScreenClear records that an entity is not a match for a subject.
func cmdScreenClear(ctx context.Context, e *env, args []string) error {
	fs := e.flags("screen clear")
	var (
		subject = fs.String("subject", "", "subject key, as a screening result's \"subject\" reports it")
		entity  = fs.String("entity", "", "id of the listed entity that is not the subject")
		reason  = fs.String("reason", "", "why it is not a match (kept with the clearance)")
		as      = fs.String("as", "", "clear as this Nexus user, for their agency (default: the system)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *subject == "" || *entity == "" || strings.TrimSpace(*reason) == "" {
		return nexus.Errorf(nexus.EINVALID, "screen clear: --subject, --entity and --reason are required")
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := screening.New(st, screening.Options{Logger: e.logger()})
	if err := svc.Build(ctx); err != nil {
		return err
	}
	c, err := svc.Clear(ctx, v, *subject, *entity, *reason)
	if aerr := record(ctx, st, v, audit.ActionWrite, fmt.Sprintf("clearance subject:%s entity:%s", *subject, *entity), err); aerr != nil {
		return aerr
	}
	if err != nil {
		return err
	}
	b, _ := json.Marshal(c)
	fmt.Fprintln(e.stdout, string(b))
	return nil
}
