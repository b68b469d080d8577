package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/graph"
)

// cmdGraph runs link analysis on an edge-list file:
//
//	nexus graph centrality --edges FILE.csv [--directed] [--weight-col C] [--source-col S] [--target-col T] --measures degree,betweenness,closeness,eigenvector,pagerank
//	nexus graph disrupt --edges FILE.csv --strategy betweenness --mode sequential|block [--block-fraction 0.05]
func cmdGraph(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: nexus graph centrality|disrupt --edges FILE.csv [flags]  (nexus graph <sub> -h for flags)")
		return exitError(2)
	}
	switch args[0] {
	case "centrality":
		return cmdGraphCentrality(ctx, e, args[1:])
	case "disrupt":
		return cmdGraphDisrupt(ctx, e, args[1:])
	case "paths", "neighbours", "neighbors", "nexus", "communities":
		return fmt.Errorf("graph %s: not yet: needs the store-backed graph", args[0])
	}
	return fmt.Errorf("graph: unknown subcommand %q (want centrality or disrupt)", args[0])
}

// edgeFlags are the flags that say how to read the edge file.
type edgeFlags struct {
	edges, dataset, weightCol, sourceCol, targetCol string
	directed                                        bool
}

func (f *edgeFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.edges, "edges", "", "CSV edge list with a header row (- for stdin)")
	fs.StringVar(&f.dataset, "dataset", "", "analyse a dataset in the store (not yet available)")
	fs.StringVar(&f.weightCol, "weight-col", "", "weight column: lengths for betweenness and closeness, strengths for eigenvector, PageRank and weighted degree (networkx's conventions); parallel edges are summed")
	fs.StringVar(&f.sourceCol, "source-col", "source", "source column")
	fs.StringVar(&f.targetCol, "target-col", "target", "target column")
	fs.BoolVar(&f.directed, "directed", false, "read edges as directed arcs")
}

func (f *edgeFlags) load(e *env) (*graph.Graph, error) {
	if f.dataset != "" {
		return nil, errors.New("--dataset: not yet: needs the store-backed graph; use --edges FILE.csv")
	}
	if f.edges == "" {
		return nil, errors.New("--edges FILE.csv is required")
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
	g, err := graph.ReadEdgeCSV(r, graph.CSVOptions{Source: f.sourceCol, Target: f.targetCol, Weight: f.weightCol, Directed: f.directed})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.edges, err)
	}
	return g, nil
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func cmdGraphCentrality(_ context.Context, e *env, args []string) error {
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
	g, err := ef.load(e)
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

func cmdGraphDisrupt(_ context.Context, e *env, args []string) error {
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
	g, err := ef.load(e)
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
