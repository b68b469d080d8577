// Command benchgraph prints the link-analysis benchmark table of issue 4
// (`make bench-graph`): build, neighbourhood, paths, PageRank, Louvain and
// sampled betweenness on a seeded synthetic scale-free graph, and time ratios
// against networkx on a smaller graph in the same run.
package main

import (
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nexus-intel/nexus/internal/graph"
)

//go:embed nx_bench.py
var nxScript []byte

func main() {
	var (
		scale   = flag.String("scale", "small", "small (200,000 nodes / 2,000,000 edges) or full (1,000,000 / 10,000,000, the issue's size)")
		nxNodes = flag.Int("nx-nodes", 10000, "nodes of the graph timed against networkx")
		nxEdges = flag.Int("nx-edges", 100000, "edges of the graph timed against networkx")
		nxK     = flag.Int("nx-k", 64, "betweenness pivots in the networkx comparison")
		skipNX  = flag.Bool("no-networkx", false, "skip the networkx comparison")
		only    = flag.String("only", "", "run only these: comma-separated louvain, betweenness (of the big graph, whose build always runs), networkx (the comparison)")
		cpuprof = flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
		pivotsF = flag.Int("pivots", 256, "betweenness pivots on the big graph (the issue's goal is for 256)")
	)
	flag.Parse()
	pivots = *pivotsF
	if *only != "" {
		selected = map[string]bool{}
		for _, m := range strings.Split(*only, ",") {
			selected[strings.TrimSpace(m)] = true
		}
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	nodes, edges := 200_000, 2_000_000
	if *scale == "full" {
		nodes, edges = 1_000_000, 10_000_000
	}
	fmt.Printf("## Link analysis (issue 4) — %s scale: %d nodes, %d edges (Barabási–Albert, seed 1), GOMAXPROCS %d\n\n", *scale, nodes, edges, runtime.GOMAXPROCS(0))
	fmt.Println("| measure | result | goal (at 1M/10M) |")
	fmt.Println("|---|---|---|")
	big(nodes, edges)
	if !*skipNX && (selected == nil || selected["networkx"]) {
		compare(*nxNodes, *nxEdges, *nxK)
	}
}

// generate returns a seeded preferential-attachment edge list: each new node
// links to m distinct earlier nodes chosen in proportion to their degree.
func generate(n, e int, seed uint64) (src, dst []int32) {
	m := max(1, e/n)
	r := rand.New(rand.NewPCG(seed, 42))
	ends := make([]int32, 0, 2*e)
	src = make([]int32, 0, e)
	dst = make([]int32, 0, e)
	// a small clique to start from
	for u := int32(0); u <= int32(m); u++ {
		for v := int32(0); v < u; v++ {
			src, dst = append(src, u), append(dst, v)
			ends = append(ends, u, v)
		}
	}
	picked := make([]int32, 0, m)
	for u := int32(m + 1); int(u) < n; u++ {
		picked = picked[:0]
		for len(picked) < m {
			v := ends[r.IntN(len(ends))]
			if !slices.Contains(picked, v) {
				picked = append(picked, v)
			}
		}
		for _, v := range picked {
			src, dst = append(src, u), append(dst, v)
			ends = append(ends, u, v)
		}
	}
	return src, dst
}

// selected names the measures -only asks for; nil runs them all.
var selected map[string]bool

func want(measure string) bool { return selected == nil || selected[measure] }

func row(name, result, goal string) { fmt.Printf("| %s | %s | %s |\n", name, result, goal) }

func dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func rss() (cur, peak string) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?", "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			cur = f[1] + " kB"
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			peak = f[1] + " kB"
		}
	}
	return mb(cur), mb(peak)
}

func mb(kb string) string {
	v, err := strconv.ParseFloat(strings.TrimSuffix(kb, " kB"), 64)
	if err != nil {
		return kb
	}
	return fmt.Sprintf("%.0f MB", v/1024)
}

func big(n, e int) {
	src, dst := generate(n, e, 1)
	names := make([]string, n)
	for i := range names {
		names[i] = "n" + strconv.Itoa(i)
	}
	runtime.GC()
	t := time.Now()
	b := graph.NewBuilder(false, graph.MergeSum)
	b.Grow(n, len(src))
	for i := range src {
		b.Add(graph.Edge{Source: names[src[i]], Target: names[dst[i]]})
	}
	g := b.Build()
	b = nil
	build := time.Since(t)
	src, dst = nil, nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	cur, peak := rss()
	row("build from edge stream (names interned)", fmt.Sprintf("%s (%d nodes, %d edges)", dur(build), g.N(), g.M()), "≤ 20 s")
	row("memory after build", fmt.Sprintf("heap %.0f MB, RSS %s (peak %s, incl. generator)", float64(ms.HeapAlloc)/(1<<20), cur, peak), "≤ 2 GB resident")

	if want("louvain") {
		louvain(g)
	}
	if want("betweenness") {
		betweenness(g)
	}
	if selected != nil {
		return
	}
	// median-degree nodes
	ids := make([]int32, g.N())
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(a, c int32) int { return g.OutDegree(a) - g.OutDegree(c) })
	med := ids[len(ids)/2]
	r := rand.New(rand.NewPCG(7, 7))
	var times []time.Duration
	var reached []int
	for range 50 {
		u := ids[len(ids)/2-500+r.IntN(1000)]
		if g.OutDegree(u) != g.OutDegree(med) {
			u = med
		}
		t := time.Now()
		nh := graph.KHop(g, u, 2, 0)
		times = append(times, time.Since(t))
		reached = append(reached, len(nh.Nodes))
	}
	slices.Sort(times)
	slices.Sort(reached)
	row("2-hop neighbourhood, median-degree node, no hub cap (p50 of 50)", fmt.Sprintf("%s (%d nodes reached, degree %d)", dur(times[25]), reached[25], g.OutDegree(med)), "≤ 5 ms")
	times = times[:0]
	for range 50 {
		u := ids[len(ids)/2-500+r.IntN(1000)]
		t := time.Now()
		graph.KHop(g, u, 2, 50)
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	row("2-hop neighbourhood, hub cap 50 (p50)", dur(times[25]), "")

	times = times[:0]
	for range 200 {
		s, d := int32(r.IntN(g.N())), int32(r.IntN(g.N()))
		t := time.Now()
		graph.ShortestPath(g, s, d, false)
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	row("shortest path, random pairs (bidirectional BFS), p50 / p99 of 200", dur(times[100])+" / "+dur(times[197]), "p50 ≤ 20 ms")

	t = time.Now()
	graph.PageRank(g, graph.IterOptions{MaxIter: 20, Tol: 1e-300, Workers: runtime.GOMAXPROCS(0)})
	row("PageRank, 20 iterations", dur(time.Since(t)), "≤ 10 s")

	_, peak = rss()
	row("peak RSS of the whole run so far", peak, "")
	runtime.KeepAlive(g)
}

func louvain(g *graph.Graph) {
	t := time.Now()
	c := graph.Louvain(g, graph.LouvainOptions{Seed: 1})
	row("Louvain", fmt.Sprintf("%s (%d communities, Q = %.3f)", dur(time.Since(t)), c.Count, c.Modularity), "≤ 60 s")
}

// pivots is the -pivots flag.
var pivots int

func betweenness(g *graph.Graph) {
	t, cpu := time.Now(), cpuTime()
	bc := graph.Betweenness(g, graph.BetweennessOptions{Pivots: pivots, Seed: 1, Workers: runtime.GOMAXPROCS(0)})
	wall, used := time.Since(t), cpuTime()-cpu
	// On a shared machine wall time depends on the neighbours; CPU time
	// says what the work costs.
	row(fmt.Sprintf("betweenness, %d sampled pivots", pivots), fmt.Sprintf("%s wall, %s CPU (%.2f s CPU per pivot; ±%.3f per node at 95%%)",
		dur(wall), dur(used), used.Seconds()/float64(pivots), bc.ErrorBound), "≤ 60 s (256 pivots)")
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func compare(n, e, k int) {
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		fmt.Println("\nnetworkx comparison skipped: python3 with networkx not available")
		return
	}
	dir, err := os.MkdirTemp("", "benchgraph-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer os.RemoveAll(dir)
	src, dst := generate(n, e, 2)
	var sb strings.Builder
	sb.WriteString("source,target\n")
	b := graph.NewBuilder(false, graph.MergeSum)
	for i := range src {
		a, c := "n"+strconv.Itoa(int(src[i])), "n"+strconv.Itoa(int(dst[i]))
		sb.WriteString(a + "," + c + "\n")
		b.Add(graph.Edge{Source: a, Target: c})
	}
	g := b.Build()
	edges := filepath.Join(dir, "edges.csv")
	os.WriteFile(edges, []byte(sb.String()), 0o644)
	r := rand.New(rand.NewPCG(3, 3))
	var cn []string
	for range 20 {
		cn = append(cn, g.Name(int32(r.IntN(g.N()))))
	}
	var pairs [][2]int32
	var ps strings.Builder
	for range 200 {
		s, d := int32(r.IntN(g.N())), int32(r.IntN(g.N()))
		pairs = append(pairs, [2]int32{s, d})
		ps.WriteString(g.Name(s) + "," + g.Name(d) + "\n")
	}
	pairsFile := filepath.Join(dir, "pairs.txt")
	os.WriteFile(pairsFile, []byte(ps.String()), 0o644)
	script := filepath.Join(dir, "nx_bench.py")
	os.WriteFile(script, nxScript, 0o644)

	cmd := exec.Command("python3", script, edges, strconv.Itoa(k), strings.Join(cn, ";"), pairsFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Println("\nnetworkx comparison failed:", err)
		return
	}
	var nx map[string]float64
	if err := json.Unmarshal(out, &nx); err != nil {
		fmt.Println("\nnetworkx comparison failed:", err)
		return
	}
	w := runtime.GOMAXPROCS(0)
	fmt.Printf("\n## Against networkx %s, same run — %d nodes, %d edges (Barabási–Albert, seed 2)\n\n", nxVersion(), g.N(), g.M())
	fmt.Println("| measure | nexus (1 core) | nexus (all cores) | networkx | ratio 1 core | ratio all cores | goal |")
	fmt.Println("|---|---|---|---|---|---|---|")
	time1 := func(f func(workers int)) (time.Duration, time.Duration) {
		t := time.Now()
		f(1)
		a := time.Since(t)
		t = time.Now()
		f(w)
		return a, time.Since(t)
	}
	line := func(name string, one, all time.Duration, nxs float64) {
		fmt.Printf("| %s | %s | %s | %s | %.0f× | %.0f× | ≥ 50× |\n", name, dur(one), dur(all), dur(time.Duration(nxs*1e9)), nxs/one.Seconds(), nxs/all.Seconds())
	}
	a, c := time1(func(wk int) { graph.Betweenness(g, graph.BetweennessOptions{Pivots: k, Seed: 1, Workers: wk}) })
	line(fmt.Sprintf("betweenness, %d sampled pivots", k), a, c, nx["betweenness"])
	a, c = time1(func(wk int) { graph.Closeness(g, false, graph.Normalized, wk) })
	per := func(d time.Duration) time.Duration { return d / time.Duration(g.N()) }
	line("closeness, per node (nexus: all nodes / N; networkx: 20 nodes)", per(a), per(c), nx["closeness_per_node"])
	a, c = time1(func(wk int) { graph.PageRank(g, graph.IterOptions{MaxIter: 20, Tol: 1e-300, Workers: wk}) })
	line("PageRank, 20 iterations (networkx: pure-Python version, numpy absent)", a, c, nx["pagerank20"])
	t := time.Now()
	for _, p := range pairs {
		graph.ShortestPath(g, p[0], p[1], false)
	}
	sp := time.Since(t) / time.Duration(len(pairs))
	line("shortest path, per random pair (both bidirectional BFS)", sp, sp, nx["path_per_pair"])
}

func nxVersion() string {
	out, err := exec.Command("python3", "-c", "import networkx; print(networkx.__version__)").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
