package graph

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// networks is the shared folder of real covert networks (PROVENANCE.md there).
const networks = "../../../shared/data/networks"

func needNetworks(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(networks); err != nil {
		t.Skip("shared networks not present:", err)
	}
}

// network is one graph read from the shared folder as PROVENANCE.md
// describes it.
type network struct {
	name string
	file string
	opts CSVOptions
	// phase, when set, keeps only edges of this type (a time slice stored
	// as a type column).
	slice string
}

func coverts() []network {
	und := func(w string) CSVOptions { return CSVOptions{Weight: w} }
	dir := func(w string) CSVOptions { return CSVOptions{Weight: w, Directed: true} }
	nets := []network{
		{"krebs_full", "krebs_911/krebs_full_network_edges.csv", und(""), ""},
		{"krebs_hijackers19", "krebs_911/hijackers_trusted_prior_contacts_edges.csv", und("weight"), ""},
		{"latora34", "krebs_911/latora_terrorists34_edges.csv", und(""), ""},
		{"caviar_full", "caviar/caviar_full_edges.csv", dir("weight"), ""},
		{"siren", "siren/siren_edges.csv", und("weight"), ""},
		{"togo", "togo/togo_edges.csv", und("weight"), ""},
		{"ciel", "ciel/cielnet_edges.csv", dir("weight"), ""},
		{"madrid_rodriguez", "madrid_2004_rodriguez/madrid_edges.csv", und("weight"), ""},
		{"ji_koschade_binary", "jemaah_islamiyah_koschade/ji_bali2002_edges.csv", und("binary_tie_table1"), ""},
		{"ji_koschade_strength", "jemaah_islamiyah_koschade/ji_bali2002_edges.csv", und("strength_table2"), ""},
		{"noordin_person_union", "noordin_top/noordin_person_person_edges.csv", und("value"), ""},
		{"noordin_two_mode", "noordin_top/noordin_person_affiliation_edges.csv", CSVOptions{Source: "person", Target: "affiliation", Weight: "value"}, ""},
		{"montagna_meetings", "montagna_sicilian_mafia/montagna_meetings_edges_undirected_summed.csv", und("weight"), ""},
		{"montagna_phonecalls", "montagna_sicilian_mafia/montagna_phonecalls_edges_undirected_summed.csv", und("weight"), ""},
		{"montagna_meetings_raw_last", "montagna_sicilian_mafia/montagna_meetings_edges_raw.csv", CSVOptions{Weight: "weight", Merge: MergeLast}, ""},
		{"infinito_two_mode", "ndrangheta_infinito/infinito_person_summit_edges.csv", CSVOptions{Source: "person", Target: "summit", Weight: "weight"}, ""},
		{"oversize", "ndrangheta_oversize/oversize_edges.csv", und("weight"), ""},
		{"cocaine", "cocaine_dealing_natarajan/cocaine_dealing_edges.csv", dir("weight"), ""},
		{"heroin", "heroin_dealing_natarajan/heroin_dealing_edges.csv", dir("weight"), ""},
		{"italian_gangs", "italian_gangs/italian_gangs_edges.csv", und("weight"), ""},
		{"london_gang", "london_gang/london_gang_edges.csv", und("weight"), ""},
		{"montreal_gangs", "montreal_street_gangs/montreal_gangs_edges.csv", dir("weight"), ""},
	}
	for p := 1; p <= 11; p++ {
		ph := string(rune('0'+p/10)) + string(rune('0'+p%10))
		nets = append(nets, network{"caviar_phase" + ph, "caviar/caviar_phases_edges.csv", CSVOptions{Weight: "weight", Directed: true, Time: "phase"}, ph})
	}
	for _, per := range []string{"1995", "1999", "2001_1", "2003_2", "2004_1"} {
		nets = append(nets, network{"madrid_jjatt_" + per, "madrid_2004_jjatt/madrid_ties_by_period.csv", CSVOptions{Weight: "tie_strength", Type: "period"}, per})
	}
	for _, per := range []string{"1995_1999", "2000", "2002"} {
		nets = append(nets, network{"bali_jjatt_" + per, "bali_2002_jjatt/bali_ties_by_period.csv", CSVOptions{Weight: "tie_strength", Type: "period"}, per})
	}
	return nets
}

// load reads a network; a slice keeps the nodes that have an edge in it.
func load(t *testing.T, nw network) *Graph {
	t.Helper()
	f, err := os.Open(filepath.Join(networks, nw.file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ReadEdgeCSV(f, nw.opts)
	if err != nil {
		t.Fatalf("%s: %v", nw.name, err)
	}
	if nw.slice == "" {
		return g
	}
	if nw.opts.Time != "" {
		p, _ := ParseInstant(nw.slice)
		g = g.ActiveAt(p)
	} else {
		g = g.Filter(func(e EdgeInfo) bool { return e.Type == nw.slice })
	}
	keep := make([]bool, g.N())
	for u := range int32(g.N()) {
		keep[u] = g.OutDegree(u)+g.InDegree(u) > 0
	}
	h, _ := g.Induced(keep)
	return h
}

type oracleSpec struct {
	Name     string     `json:"name"`
	Directed bool       `json:"directed"`
	Weighted bool       `json:"weighted"`
	Nodes    []string   `json:"nodes"`
	Edges    [][3]any   `json:"edges"`
	Pairs    [][2]int32 `json:"pairs"`
	// KatzAlpha is half the inverse of the largest degree, a bound on
	// 1/λmax, so Katz converges on every network.
	KatzAlpha float64 `json:"katz_alpha"`
}

type oraclePaths struct {
	Hops    *float64  `json:"hops"`
	WLen    float64   `json:"wlen"`
	KHops   []float64 `json:"k_hops"`
	KWLen   []float64 `json:"k_wlen"`
	Simple4 int       `json:"simple4"`
}

type oracleOut struct {
	Name              string        `json:"name"`
	Degree            []float64     `json:"degree"`
	Closeness         []float64     `json:"closeness"`
	Betweenness       []float64     `json:"betweenness"`
	BetweennessRaw    []float64     `json:"betweenness_raw"`
	Eigenvector       []float64     `json:"eigenvector"`
	PageRank          []float64     `json:"pagerank"`
	Katz              []float64     `json:"katz"`
	ClosenessW        []float64     `json:"closeness_w"`
	BetweennessW      []float64     `json:"betweenness_w"`
	EigenvectorW      []float64     `json:"eigenvector_w"`
	PageRankW         []float64     `json:"pagerank_w"`
	Components        [][]int32     `json:"components"`
	LouvainModularity *float64      `json:"louvain_modularity"`
	LouvainPartition  []int32       `json:"louvain_partition"`
	Paths             []oraclePaths `json:"paths"`
}

func spec(name string, g *Graph) oracleSpec {
	s := oracleSpec{Name: name, Directed: g.Directed(), Weighted: g.Weighted(), Nodes: g.Names()}
	for u := range int32(g.N()) {
		nb, ws := g.Out(u)
		for j, v := range nb {
			if !g.Directed() && v < u {
				continue
			}
			s.Edges = append(s.Edges, [3]any{u, v, weightOf(ws, j)})
		}
	}
	maxDeg := 1
	for u := range int32(g.N()) {
		maxDeg = max(maxDeg, g.OutDegree(u), g.InDegree(u))
	}
	s.KatzAlpha = 0.5 / float64(maxDeg)
	n := int32(g.N())
	s.Pairs = [][2]int32{{0, n - 1}, {1, n / 2}, {n / 3, 2 * n / 3}}
	return s
}

// runOracle runs testdata/oracle.py over specs, or skips without networkx.
func runOracle(t *testing.T, specs []oracleSpec) []oracleOut {
	t.Helper()
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		t.Skip("python3 with networkx not available:", err)
	}
	in, err := json.Marshal(specs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "testdata/oracle.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var res []oracleOut
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func closeAll(t *testing.T, what string, got, want []float64, tol float64, names []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > tol || math.IsNaN(got[i]) {
			if bad < 3 {
				t.Errorf("%s[%s]: got %.12g, want %.12g (diff %.3g > %.0e)", what, names[i], got[i], want[i], d, tol)
			}
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d values differ in all", what, bad)
	}
}

// TestAgainstNetworkx checks every measure on every covert network against
// networkx. Tolerances: degree, closeness and betweenness are the same
// arithmetic as networkx's, so 1e-12; PageRank and eigenvector are power
// iterations run on both sides to a tolerance of 1e-12–1e-13 per node, so
// 1e-9; Louvain is randomised, so our modularity must be at least networkx's
// best of three seeds − 0.02.
func TestAgainstNetworkx(t *testing.T) {
	needNetworks(t)
	nets := coverts()
	graphs := make([]*Graph, len(nets))
	specs := make([]oracleSpec, len(nets))
	for i, nw := range nets {
		graphs[i] = load(t, nw)
		specs[i] = spec(nw.name, graphs[i])
	}
	want := runOracle(t, specs)
	for i, nw := range nets {
		g, w := graphs[i], want[i]
		t.Run(nw.name, func(t *testing.T) {
			names := g.Names()
			closeAll(t, "degree", Degree(g, false, Normalized), w.Degree, 1e-12, names)
			closeAll(t, "closeness", Closeness(g, false, Normalized, 2), w.Closeness, 1e-12, names)
			closeAll(t, "betweenness", Betweenness(g, BetweennessOptions{}).Scores, w.Betweenness, 1e-12, names)
			closeAll(t, "betweenness raw", Betweenness(g, BetweennessOptions{Scale: Raw, Workers: 2}).Scores, w.BetweennessRaw, 1e-9, names)
			kz, err := Katz(g, KatzOptions{Alpha: specs[i].KatzAlpha, MaxIter: 100000, Tol: 1e-12})
			if err != nil {
				t.Errorf("katz: %v", err)
			} else {
				closeAll(t, "katz", kz, w.Katz, 1e-9, names)
			}
			ev, err := Eigenvector(g, IterOptions{MaxIter: 100000, Tol: 1e-12})
			if (err != nil) != (w.Eigenvector == nil) {
				t.Errorf("eigenvector: err = %v, networkx converged = %v", err, w.Eigenvector != nil)
			} else if err == nil {
				closeAll(t, "eigenvector", ev, w.Eigenvector, 1e-9, names)
			}
			pr, err := PageRank(g, IterOptions{MaxIter: 10000, Tol: 1e-13})
			if err != nil {
				t.Error(err)
			}
			closeAll(t, "pagerank", pr, w.PageRank, 1e-9, names)
			if g.Weighted() {
				closeAll(t, "closeness weighted", Closeness(g, true, Normalized, 1), w.ClosenessW, 1e-12, names)
				closeAll(t, "betweenness weighted", Betweenness(g, BetweennessOptions{Weighted: true}).Scores, w.BetweennessW, 1e-12, names)
				ev, err := Eigenvector(g, IterOptions{Weighted: true, MaxIter: 100000, Tol: 1e-12})
				if (err != nil) != (w.EigenvectorW == nil) {
					t.Errorf("eigenvector weighted: err = %v, networkx converged = %v", err, w.EigenvectorW != nil)
				} else if err == nil {
					closeAll(t, "eigenvector weighted", ev, w.EigenvectorW, 1e-9, names)
				}
				pr, _ := PageRank(g, IterOptions{Weighted: true, MaxIter: 10000, Tol: 1e-13})
				closeAll(t, "pagerank weighted", pr, w.PageRankW, 1e-9, names)
			}
			comp, sizes := Components(g)
			got := make([][]int32, len(sizes))
			for v, c := range comp {
				got[c] = append(got[c], int32(v))
			}
			slices.SortFunc(got, slices.Compare)
			if !slices.EqualFunc(got, w.Components, slices.Equal) {
				t.Errorf("components: got %v, want %v", got, w.Components)
			}
			if w.LouvainModularity != nil {
				wq := *w.LouvainModularity
				if q := Modularity(g, w.LouvainPartition, g.Weighted(), 1); math.Abs(q-wq) > 1e-9 {
					t.Errorf("modularity of networkx's partition: got %.12f, want %.12f", q, wq)
				}
				c := Louvain(g, LouvainOptions{Weighted: g.Weighted(), Seed: 1})
				if c.Modularity < wq-0.02 {
					t.Errorf("louvain modularity %.4f < networkx %.4f − 0.02", c.Modularity, wq)
				}
				t.Logf("louvain: %d communities, Q = %.4f (networkx best of 3 seeds %.4f)", c.Count, c.Modularity, wq)
			}
			for pi, p := range specs[i].Pairs {
				wp := w.Paths[pi]
				path, ok := ShortestPath(g, p[0], p[1], false)
				if ok != (wp.Hops != nil) {
					t.Errorf("path %v: reachable %v, networkx %v", p, ok, wp.Hops != nil)
					continue
				}
				if !ok {
					continue
				}
				if path.Length != *wp.Hops {
					t.Errorf("path %v: %v hops, want %v", p, path.Length, *wp.Hops)
				}
				wpath, _ := ShortestPath(g, p[0], p[1], true)
				if math.Abs(wpath.Length-wp.WLen) > 1e-9 {
					t.Errorf("weighted path %v: length %v, want %v", p, wpath.Length, wp.WLen)
				}
				var kh, kw []float64
				for _, q := range KShortestPaths(g, p[0], p[1], 5, false) {
					kh = append(kh, q.Length)
				}
				for _, q := range KShortestPaths(g, p[0], p[1], 5, true) {
					kw = append(kw, q.Length)
				}
				if !slices.Equal(kh, wp.KHops) {
					t.Errorf("k shortest %v: hops %v, want %v", p, kh, wp.KHops)
				}
				closeAll(t, "k shortest weighted", kw, wp.KWLen, 1e-9, names)
				if sp, _ := SimplePaths(g, p[0], p[1], 4, 0); len(sp) != wp.Simple4 {
					t.Errorf("simple paths ≤4 %v: %d, want %d", p, len(sp), wp.Simple4)
				}
			}
		})
	}
}
