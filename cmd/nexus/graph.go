package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/graph"
	"github.com/nexus-intel/nexus/internal/network"
)

// cmdGraph runs link analysis on an edge-list file or on the store:
//
//	nexus graph centrality --edges FILE.csv [--directed] [--weight-col C] [--source-col S] [--target-col T] --measures degree,betweenness,closeness,eigenvector,pagerank
//	nexus graph disrupt --edges FILE.csv --strategy betweenness --mode sequential|block [--block-fraction 0.05]
//	nexus graph centrality|disrupt|communities --dataset D [--as USER] [--as-of DATE | --from DATE --to DATE]
//	nexus graph neighbours ID [--hops 2] [--hub-cap 25] [--format json|cytoscape|graphml|gexf|csv]
//	nexus graph paths FROM TO [--mode shortest|k-shortest|simple] [--k 5] [--max-hops 4]
//	nexus graph nexus [--max-hops 4] [--limit 50] [--avoid-hubs N]
//	nexus graph export --format graphml|gexf|cytoscape|csv|csv-nodes
//
// On the store, every command reads as --as (default the system) sees the
// data and is recorded in the audit log.
func cmdGraph(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: nexus graph centrality|disrupt|communities|neighbours|paths|nexus|export [flags]  (nexus graph <sub> -h for flags)")
		return exitError(2)
	}
	switch args[0] {
	case "centrality":
		return cmdGraphCentrality(ctx, e, args[1:])
	case "disrupt":
		return cmdGraphDisrupt(ctx, e, args[1:])
	case "communities":
		return cmdGraphCommunities(ctx, e, args[1:])
	case "neighbours", "neighbors":
		return cmdGraphNeighbours(ctx, e, args[1:])
	case "paths":
		return cmdGraphPaths(ctx, e, args[1:])
	case "nexus":
		return cmdGraphNexus(ctx, e, args[1:])
	case "export":
		return cmdGraphExport(ctx, e, args[1:])
	}
	return fmt.Errorf("graph: unknown subcommand %q (want centrality, disrupt, communities, neighbours, paths, nexus or export)", args[0])
}

// edgeFlags are the flags that say where the graph comes from: an edge
// file, or the store.
type edgeFlags struct {
	edges, weightCol, sourceCol, targetCol string
	directed                               bool
	storeFlags
}

// storeFlags select the store-backed graph: whose view, which dataset and
// which period.
type storeFlags struct {
	dataset, as, asOf, from, to, types string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataset, "dataset", "", "analyse the entity graph of this dataset in the store (empty with no --edges: every dataset)")
	fs.StringVar(&f.as, "as", "", "read the store as this Nexus user (default: the system, audited under your OS user)")
	fs.StringVar(&f.asOf, "as-of", "", "only links active on this date (YYYY, YYYY-MM or YYYY-MM-DD); undated links always count")
	fs.StringVar(&f.from, "from", "", "only links active at some time from this date")
	fs.StringVar(&f.to, "to", "", "only links active at some time up to this date")
	fs.StringVar(&f.types, "types", "", "only links of these kinds (edge, reference, identifier) or types (Membership, Family, phone, passportNumber, holder …), comma-separated")
}

func (f *edgeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.edges, "edges", "", "CSV edge list with a header row (- for stdin)")
	fs.StringVar(&f.weightCol, "weight-col", "", "weight column: lengths for betweenness and closeness, strengths for eigenvector, PageRank and weighted degree (networkx's conventions); parallel edges are summed")
	fs.StringVar(&f.sourceCol, "source-col", "source", "source column")
	fs.StringVar(&f.targetCol, "target-col", "target", "target column")
	fs.BoolVar(&f.directed, "directed", false, "read edges as directed arcs")
	f.storeFlags.register(fs)
}

// window returns the period the flags select.
func (f *storeFlags) window() (from, to int64, err error) {
	from, to = graph.OpenStart, graph.OpenEnd
	if f.asOf != "" {
		if f.from != "" || f.to != "" {
			return 0, 0, errors.New("--as-of: give either --as-of or --from/--to")
		}
		f.from, f.to = f.asOf, f.asOf
	}
	if f.from != "" {
		if from, err = graph.ParseDay(f.from, false); err != nil {
			return 0, 0, fmt.Errorf("--from: %w", err)
		}
	}
	if f.to != "" {
		if to, err = graph.ParseDay(f.to, true); err != nil {
			return 0, 0, fmt.Errorf("--to: %w", err)
		}
	}
	if from > to {
		return 0, 0, fmt.Errorf("--from %s is after --to %s", f.from, f.to)
	}
	return from, to, nil
}

// network loads the entity graph the viewer may see, windowed, and records
// the read (what, as object) in the audit log.
func (f *storeFlags) network(ctx context.Context, e *env, what string) (*graph.Network, error) {
	from, to, err := f.window()
	if err != nil {
		return nil, err
	}
	st, v, err := e.openStoreAs(ctx, f.as)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if f.dataset != "" {
		if _, err := st.GetDataset(ctx, f.dataset); err != nil {
			return nil, fmt.Errorf("--dataset: %w", err)
		}
	}
	nw, err := network.New(st, network.Options{Logger: e.logger()}).Network(ctx, v, f.dataset)
	object := fmt.Sprintf("graph %s dataset=%q from=%q to=%q types=%q", what, f.dataset, f.from, f.to, f.types)
	action := audit.ActionRead
	if strings.HasPrefix(what, "export") {
		action = audit.ActionExport
	}
	if aerr := record(ctx, st, v, action, object, err); aerr != nil {
		return nil, aerr
	}
	if err != nil {
		return nil, err
	}
	var types []string
	if f.types != "" {
		types = strings.Split(f.types, ",")
	}
	return nw.Window(from, to).OnlyTypes(types), nil
}

func (f *edgeFlags) load(ctx context.Context, e *env, what string) (*graph.Graph, error) {
	if f.edges == "" {
		if f.dataset == "" {
			return nil, errors.New("--edges FILE.csv or --dataset D is required")
		}
		nw, err := f.network(ctx, e, what)
		if err != nil {
			return nil, err
		}
		return nw.G, nil
	}
	if f.dataset != "" {
		return nil, errors.New("give --edges or --dataset, not both")
	}
	r := e.stdin
	if f.edges != "-" {
		file, err := os.Open(f.edges)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		r = file
	}
	o := graph.CSVOptions{Source: f.sourceCol, Target: f.targetCol, Weight: f.weightCol, Directed: f.directed}
	g, err := graph.ReadEdgeCSV(r, o)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.edges, err)
	}
	if f.asOf != "" || f.from != "" || f.to != "" {
		from, to, err := f.window()
		if err != nil {
			return nil, err
		}
		g = g.Overlapping(from, to)
	}
	return g, nil
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func cmdGraphCentrality(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph centrality")
	var ef edgeFlags
	ef.register(fs)
	var (
		measures = fs.String("measures", "degree,betweenness,closeness,eigenvector,pagerank", "comma-separated: degree, in_degree, out_degree, betweenness, closeness, eigenvector, pagerank")
		scaleArg = fs.String("scale", "normalized", "normalized (networkx's default), raw, or standardized (UCINET: normalized × 100)")
		pivots   = fs.Int("pivots", 0, "estimate betweenness from this many sampled sources (0: exact)")
		seed     = fs.Uint64("seed", 1, "seed for sampled betweenness")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	scale, err := parseScale(*scaleArg)
	if err != nil {
		return err
	}
	g, err := ef.load(ctx, e, "centrality")
	if err != nil {
		return err
	}
	weighted := ef.weightCol != ""
	workers := runtime.GOMAXPROCS(0)
	names := strings.Split(*measures, ",")
	cols := make([][]float64, len(names))
	for i, m := range names {
		m = strings.TrimSpace(m)
		names[i] = m
		switch m {
		case "degree":
			cols[i] = graph.Degree(g, false, scale)
		case "in_degree":
			cols[i] = graph.InDegree(g, false, scale)
		case "out_degree":
			cols[i] = graph.OutDegree(g, false, scale)
		case "strength":
			cols[i] = graph.Degree(g, true, graph.Raw)
		case "betweenness":
			r := graph.Betweenness(g, graph.BetweennessOptions{Weighted: weighted, Scale: scale, Pivots: *pivots, Seed: *seed, Workers: workers})
			cols[i] = r.Scores
			if r.ErrorBound > 0 {
				fmt.Fprintf(e.stderr, "betweenness sampled from %d pivots: each score within ±%.4g with 95%% probability (all at once: ±%.4g)\n", r.Pivots, r.ErrorBound, r.UniformErrorBound)
			}
		case "closeness":
			cols[i] = graph.Closeness(g, weighted, scale, workers)
		case "eigenvector":
			cols[i], err = graph.Eigenvector(g, graph.IterOptions{Weighted: weighted, MaxIter: 1000, Workers: workers})
		case "pagerank":
			cols[i], err = graph.PageRank(g, graph.IterOptions{Weighted: weighted, MaxIter: 1000, Workers: workers})
		default:
			return fmt.Errorf("--measures: unknown measure %q", m)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
	}
	w := csv.NewWriter(e.stdout)
	w.Write(append([]string{"node"}, names...))
	row := make([]string, len(names)+1)
	for u := range g.N() {
		row[0] = g.Name(int32(u))
		for i := range cols {
			row[i+1] = formatFloat(cols[i][u])
		}
		w.Write(row)
	}
	w.Flush()
	return w.Error()
}

func parseScale(s string) (graph.Scale, error) {
	switch s {
	case "normalized", "normalised":
		return graph.Normalized, nil
	case "raw":
		return graph.Raw, nil
	case "standardized", "standardised", "ucinet":
		return graph.Standardized, nil
	}
	return 0, fmt.Errorf("--scale: unknown scale %q (want normalized, raw or standardized)", s)
}

func cmdGraphDisrupt(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph disrupt")
	var ef edgeFlags
	ef.register(fs)
	var (
		strategy = fs.String("strategy", "betweenness", "degree, betweenness, eigenvector, pagerank, collective_influence, random or list")
		mode     = fs.String("mode", "sequential", "sequential (one node per step, ranking recomputed) or block (a fraction per step, ranked once per step)")
		fraction = fs.Float64("block-fraction", 0.05, "block mode: share of the nodes removed per step (rounded down, at least 1)")
		seed     = fs.Uint64("seed", 1, "seed for --strategy random")
		list     = fs.String("list", "", "--strategy list: comma-separated node names in removal order")
		keep     = fs.Int("keep", 0, "stop when no more than this many nodes remain")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	st, err := graph.ParseStrategy(*strategy)
	if err != nil {
		return err
	}
	g, err := ef.load(ctx, e, "disrupt")
	if err != nil {
		return err
	}
	o := graph.DisruptOptions{Strategy: st, Weighted: ef.weightCol != "", Seed: *seed, KeepAtLeast: *keep, Workers: runtime.GOMAXPROCS(0)}
	switch *mode {
	case "sequential":
	case "block":
		if *fraction <= 0 || *fraction > 1 {
			return fmt.Errorf("--block-fraction %v: want a share in (0, 1]", *fraction)
		}
		o.Block = max(1, int(math.Floor(*fraction*float64(g.N())+1e-9)))
	default:
		return fmt.Errorf("--mode %q: want sequential or block", *mode)
	}
	if st == graph.ByList {
		for _, name := range strings.Split(*list, ",") {
			id, ok := g.ID(strings.TrimSpace(name))
			if !ok {
				return fmt.Errorf("--list: no node %q in the graph", name)
			}
			o.List = append(o.List, id)
		}
	}
	steps, err := graph.Disrupt(g, o)
	if err != nil {
		return err
	}
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"step", "removed", "lcc_fraction"})
	for _, s := range steps {
		names := make([]string, len(s.Removed))
		for i, v := range s.Removed {
			names[i] = g.Name(v)
		}
		w.Write([]string{strconv.Itoa(s.Step), strings.Join(names, ";"), formatFloat(s.LCCFraction)})
	}
	w.Flush()
	return w.Error()
}

func cmdGraphCommunities(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph communities")
	var ef edgeFlags
	ef.register(fs)
	var (
		resolution = fs.Float64("resolution", 1, "modularity resolution γ (higher: smaller communities)")
		seed       = fs.Uint64("seed", 1, "seed for the order nodes are visited")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if ef.edges == "" && ef.dataset == "" {
		// Communities of the whole store need no dataset.
		nw, err := ef.network(ctx, e, "communities")
		if err != nil {
			return err
		}
		return writeCommunities(e, nw.G, false, *resolution, *seed)
	}
	g, err := ef.load(ctx, e, "communities")
	if err != nil {
		return err
	}
	return writeCommunities(e, g, ef.weightCol != "", *resolution, *seed)
}

func writeCommunities(e *env, g *graph.Graph, weighted bool, resolution float64, seed uint64) error {
	c := graph.Louvain(g, graph.LouvainOptions{Weighted: weighted, Resolution: resolution, Seed: seed})
	fmt.Fprintf(e.stderr, "%d communities, modularity %.4f\n", c.Count, c.Modularity)
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"node", "community"})
	for u := range g.N() {
		w.Write([]string{g.Name(int32(u)), strconv.Itoa(int(c.Of[u]))})
	}
	w.Flush()
	return w.Error()
}

// writePaths prints explained paths for a reader: one numbered line per
// path, one indented line per link of each hop.
func writePaths(e *env, paths []graph.ExplainedPath) {
	for i, p := range paths {
		fmt.Fprintf(e.stdout, "%d. %s (%d hops)\n", i+1, strings.Join(p.Nodes, " > "), p.Length)
		for _, h := range p.Hops {
			for _, why := range h.Why {
				fmt.Fprintf(e.stdout, "   - %s\n", why)
			}
		}
	}
}

func cmdGraphNeighbours(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph neighbours")
	var sf storeFlags
	sf.register(fs)
	var (
		hops   = fs.Int("hops", 2, "how many links away to go")
		hubCap = fs.Int("hub-cap", 25, "expand at most this many neighbours of any node but the seed (0: no cap)")
		format = fs.String("format", "json", "json, or an export format: "+strings.Join(graph.ExportFormats, ", "))
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: nexus graph neighbours ENTITY_ID [--hops 2] [--hub-cap 25] [--format json]")
	}
	if *hops < 1 {
		return fmt.Errorf("--hops %d: want at least 1", *hops)
	}
	nw, err := sf.network(ctx, e, "neighbours "+fs.Arg(0))
	if err != nil {
		return err
	}
	nh, err := nw.Neighbourhood(fs.Arg(0), *hops, *hubCap)
	if err != nil {
		return err
	}
	for id, n := range nh.More {
		fmt.Fprintf(e.stderr, "%s: and %d more not shown (hub cap %d)\n", id, n, *hubCap)
	}
	if *format != "json" {
		return nh.Sub.Export(e.stdout, *format)
	}
	links := make([]graph.LinkInfo, len(nh.Sub.Links))
	for i := range links {
		links[i] = nh.Sub.Info(int32(i))
	}
	return printJSON(e.stdout, map[string]any{"seed": nh.Seed, "nodes": nh.Sub.Nodes, "links": links, "hops": nh.Hops, "more": nh.More})
}

func cmdGraphPaths(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph paths")
	var sf storeFlags
	sf.register(fs)
	var (
		mode    = fs.String("mode", "shortest", "shortest, k-shortest or simple (every simple path up to --max-hops)")
		k       = fs.Int("k", 5, "k-shortest: how many paths")
		maxHops = fs.Int("max-hops", 0, "longest path to list (simple: default 4)")
		limit   = fs.Int("limit", 100, "simple: stop after this many paths")
		asJSON  = fs.Bool("json", false, "print JSON instead of text")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: nexus graph paths FROM_ID TO_ID [--mode shortest|k-shortest|simple]")
	}
	nw, err := sf.network(ctx, e, "paths "+fs.Arg(0)+" "+fs.Arg(1))
	if err != nil {
		return err
	}
	res, err := nw.Paths(graph.PathQuery{From: fs.Arg(0), To: fs.Arg(1), Mode: graph.PathMode(*mode), K: *k, MaxHops: *maxHops, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	if len(res.Paths) == 0 {
		fmt.Fprintln(e.stdout, "no path")
	}
	writePaths(e, res.Paths)
	if !res.Complete {
		fmt.Fprintf(e.stdout, "(stopped after %d paths; raise --limit for more)\n", *limit)
	}
	return nil
}

func cmdGraphNexus(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph nexus")
	var sf storeFlags
	sf.register(fs)
	var (
		maxHops   = fs.Int("max-hops", 4, "longest path to report")
		limit     = fs.Int("limit", 50, "report at most this many paths")
		avoidHubs = fs.Int("avoid-hubs", 0, "do not route through entities with more links than this (0: no limit)")
		asJSON    = fs.Bool("json", false, "print JSON instead of text")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	nw, err := sf.network(ctx, e, "nexus")
	if err != nil {
		return err
	}
	res := nw.Nexus(graph.NexusQuery{MaxHops: *maxHops, Limit: *limit, AvoidHubs: *avoidHubs})
	if *asJSON {
		return printJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%d entities with a criminal topic, %d with crime.terror; %d nexus paths of at most %d hops\n",
		res.Criminal, res.Terror, res.Total, *maxHops)
	writePaths(e, res.Paths)
	if res.Total > len(res.Paths) {
		fmt.Fprintf(e.stdout, "(and %d more; raise --limit)\n", res.Total-len(res.Paths))
	}
	return nil
}

func cmdGraphExport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("graph export")
	var sf storeFlags
	sf.register(fs)
	format := fs.String("format", "graphml", "one of "+strings.Join(graph.ExportFormats, ", "))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if !slices.Contains(graph.ExportFormats, *format) {
		return fmt.Errorf("--format %q: want one of %s", *format, strings.Join(graph.ExportFormats, ", "))
	}
	nw, err := sf.network(ctx, e, "export "+*format)
	if err != nil {
		return err
	}
	return nw.Export(e.stdout, *format)
}
