package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus/internal/graph"
)

// rawBody is an answer that is not JSON (a graph export).
type rawBody struct {
	contentType string
	data        []byte
}

// networkFor returns the graph the caller may see for the request's
// dataset and period (as_of, or since/until).
func (s *Server) networkFor(r *http.Request, c *call) (*graph.Network, error) {
	if s.graph == nil {
		return nil, notFound("link analysis is not enabled on this server")
	}
	q := r.URL.Query()
	from, to := graph.OpenStart, graph.OpenEnd
	since, until := q.Get("since"), q.Get("until")
	if asOf := q.Get("as_of"); asOf != "" {
		if since != "" || until != "" {
			return nil, invalid("parameter as_of: give either as_of or since/until")
		}
		since, until = asOf, asOf
	}
	var err error
	if since != "" {
		if from, err = graph.ParseDay(since, false); err != nil {
			return nil, invalid("parameter since: %v", err)
		}
	}
	if until != "" {
		if to, err = graph.ParseDay(until, true); err != nil {
			return nil, invalid("parameter until: %v", err)
		}
	}
	if from > to {
		return nil, invalid("parameter since %s is after until %s", since, until)
	}
	dataset := q.Get("dataset")
	if dataset != "" {
		if _, err := s.store.GetDataset(r.Context(), dataset); err != nil {
			return nil, err
		}
	}
	nw, err := s.graph.Network(r.Context(), c.Viewer, dataset)
	if err != nil {
		return nil, err
	}
	var types []string
	if t := q.Get("types"); t != "" {
		types = strings.Split(t, ",")
	}
	return nw.Window(from, to).OnlyTypes(types), nil
}

// graphView is a network as JSON: nodes, and links between them by entity id.
type graphView struct {
	Nodes []graph.Node       `json:"nodes"`
	Links []graph.LinkInfo   `json:"links"`
	Hops  map[string]int     `json:"hops,omitempty"`
	More  map[string]int     `json:"more,omitempty"`
	Seed  string             `json:"seed,omitempty"`
	Stats graph.NetworkStats `json:"stats"`
}

func viewOf(nw *graph.Network) graphView {
	v := graphView{Nodes: nw.Nodes, Links: make([]graph.LinkInfo, len(nw.Links)), Stats: nw.Stats}
	if v.Nodes == nil {
		v.Nodes = []graph.Node{}
	}
	for i := range v.Links {
		v.Links[i] = nw.Info(int32(i))
	}
	return v
}

func (s *Server) graphNeighbours(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "graph neighbours " + id + " " + r.URL.RawQuery
	hops, err := intParam(r, "hops", 2, 1, 6)
	if err != nil {
		return nil, err
	}
	hubCap, err := intParam(r, "hub_cap", 25, 0, 10000)
	if err != nil {
		return nil, err
	}
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	nh, err := nw.Neighbourhood(id, hops, hubCap)
	if err != nil {
		// The same answer for an entity that does not exist and one the
		// caller may not see.
		return nil, notFound("entity %s not found", id)
	}
	v := viewOf(nh.Sub)
	v.Seed, v.Hops, v.More = nh.Seed, nh.Hops, nh.More
	return v, nil
}

func (s *Server) graphPaths(r *http.Request, c *call) (any, error) {
	q := r.URL.Query()
	c.Object = "graph paths " + r.URL.RawQuery
	from, to := q.Get("source"), q.Get("target")
	if from == "" || to == "" {
		return nil, invalid("parameters source and target (entity ids) are required")
	}
	mode := graph.PathMode(q.Get("mode"))
	if mode != "" && mode != graph.ShortestMode && mode != graph.KShortest && mode != graph.AllSimple {
		return nil, invalid("parameter mode: %q: want shortest, k-shortest or simple", mode)
	}
	k, err := intParam(r, "k", 5, 1, 50)
	if err != nil {
		return nil, err
	}
	maxHops, err := intParam(r, "max_hops", 0, 0, 8)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return nil, err
	}
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	for _, id := range []string{from, to} {
		if _, ok := nw.Node(id); !ok {
			return nil, notFound("entity %s not found", id)
		}
	}
	return nw.Paths(graph.PathQuery{From: from, To: to, Mode: mode, K: k, MaxHops: maxHops, Limit: limit})
}

func (s *Server) graphNexus(r *http.Request, c *call) (any, error) {
	c.Object = "graph nexus " + r.URL.RawQuery
	maxHops, err := intParam(r, "max_hops", 4, 1, 8)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit", 50, 1, 1000)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(r, "offset", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	avoid, err := intParam(r, "avoid_hubs", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	res := nw.Nexus(graph.NexusQuery{MaxHops: maxHops, Limit: offset + limit, AvoidHubs: avoid})
	res.Paths = res.Paths[min(offset, len(res.Paths)):]
	return map[string]any{"criminal": res.Criminal, "terror": res.Terror, "total": res.Total,
		"limit": limit, "offset": offset, "paths": res.Paths}, nil
}

// Above maxExactNodes entities, centrality requests sample betweenness from
// defaultPivots sources (with its error bound) and refuse closeness.
const (
	maxExactNodes = 20000
	defaultPivots = 256
)

// centralityRow is one node's scores.
type centralityRow struct {
	ID      string             `json:"id"`
	Caption string             `json:"caption"`
	Schema  string             `json:"schema"`
	Scores  map[string]float64 `json:"scores"`
}

func (s *Server) graphCentrality(r *http.Request, c *call) (any, error) {
	c.Object = "graph centrality " + r.URL.RawQuery
	measures := strings.Split(r.URL.Query().Get("measures"), ",")
	if measures[0] == "" {
		measures = []string{"degree", "betweenness"}
	}
	limit, err := intParam(r, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(r, "offset", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	pivots, err := intParam(r, "pivots", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	g, workers := nw.G, runtime.GOMAXPROCS(0)
	// Exact betweenness and closeness cost a search from every node; on a
	// large graph a request samples betweenness unless told otherwise and
	// refuses closeness rather than hold a worker for hours.
	if pivots == 0 && g.N() > maxExactNodes {
		pivots = defaultPivots
	}
	if slices.Contains(measures, "closeness") && g.N() > maxExactNodes {
		return nil, invalid("closeness needs a search from each of %d entities; narrow the graph (dataset, as_of, types) below %d", g.N(), maxExactNodes)
	}
	cols := make([][]float64, len(measures))
	bound := 0.0
	for i, m := range measures {
		switch m {
		case "degree":
			cols[i] = graph.Degree(g, false, graph.Normalized)
		case "betweenness":
			res := graph.Betweenness(g, graph.BetweennessOptions{Pivots: pivots, Seed: 1, Workers: workers})
			cols[i], bound = res.Scores, res.ErrorBound
		case "closeness":
			cols[i] = graph.Closeness(g, false, graph.Normalized, workers)
		case "eigenvector":
			cols[i], err = graph.Eigenvector(g, graph.IterOptions{MaxIter: 1000, Workers: workers})
		case "pagerank":
			cols[i], err = graph.PageRank(g, graph.IterOptions{MaxIter: 1000, Workers: workers})
		case "katz":
			cols[i], err = graph.Katz(g, graph.KatzOptions{})
		default:
			return nil, invalid("parameter measures: unknown measure %q (want degree, betweenness, closeness, eigenvector, pagerank, katz)", m)
		}
		if err != nil {
			return nil, invalid("%s: %v", m, err)
		}
	}
	order := make([]int32, g.N())
	for i := range order {
		order[i] = int32(i)
	}
	// Highest first by the first measure; ties by id, so pages are stable.
	slices.SortStableFunc(order, func(a, b int32) int {
		if x, y := cols[0][a], cols[0][b]; x != y {
			if x > y {
				return -1
			}
			return 1
		}
		return strings.Compare(nw.Nodes[a].ID, nw.Nodes[b].ID)
	})
	rows := []centralityRow{}
	for _, u := range order[min(offset, len(order)):min(offset+limit, len(order))] {
		n := nw.Nodes[u]
		row := centralityRow{ID: n.ID, Caption: n.Caption, Schema: n.Schema, Scores: map[string]float64{}}
		for i, m := range measures {
			row.Scores[m] = cols[i][u]
		}
		rows = append(rows, row)
	}
	out := map[string]any{"total": g.N(), "limit": limit, "offset": offset, "measures": measures, "results": rows}
	if bound > 0 {
		out["betweenness_error_bound"] = bound
	}
	return out, nil
}

func (s *Server) graphCommunities(r *http.Request, c *call) (any, error) {
	c.Object = "graph communities " + r.URL.RawQuery
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	cm := graph.Louvain(nw.G, graph.LouvainOptions{Seed: 1})
	groups := make([][]string, cm.Count)
	for u, k := range cm.Of {
		groups[k] = append(groups[k], nw.Nodes[u].ID)
	}
	slices.SortStableFunc(groups, func(a, b []string) int { return len(b) - len(a) })
	return map[string]any{"count": cm.Count, "modularity": cm.Modularity, "communities": groups}, nil
}

// disruptRequest is the body of POST /api/v1/graph/disrupt.
type disruptRequest struct {
	Strategy      string   `json:"strategy"`
	Mode          string   `json:"mode"`
	BlockFraction float64  `json:"block_fraction"`
	List          []string `json:"list"`
	Seed          uint64   `json:"seed"`
}

func (s *Server) graphDisrupt(r *http.Request, c *call) (any, error) {
	c.Object = "graph disrupt " + r.URL.RawQuery
	var req disruptRequest
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, invalid("body: %v", err)
	}
	if req.Strategy == "" {
		req.Strategy = "betweenness"
	}
	st, err := graph.ParseStrategy(req.Strategy)
	if err != nil {
		return nil, invalid("strategy: %v", err)
	}
	c.Object += fmt.Sprintf(" strategy=%s mode=%s", req.Strategy, req.Mode)
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	if st == graph.ByBetweenness && nw.G.N() > maxExactNodes {
		return nil, invalid("betweenness disruption recomputes exact betweenness of %d entities at every step; narrow the graph below %d or use degree, pagerank or collective_influence", nw.G.N(), maxExactNodes)
	}
	o := graph.DisruptOptions{Strategy: st, Seed: req.Seed, Workers: runtime.GOMAXPROCS(0)}
	switch req.Mode {
	case "", "sequential":
	case "block":
		if req.BlockFraction <= 0 || req.BlockFraction > 1 {
			return nil, invalid("block_fraction %v: want a share in (0, 1]", req.BlockFraction)
		}
		o.Block = max(1, int(math.Floor(req.BlockFraction*float64(nw.G.N())+1e-9)))
	default:
		return nil, invalid("mode %q: want sequential or block", req.Mode)
	}
	for _, id := range req.List {
		u, ok := nw.Node(id)
		if !ok {
			return nil, notFound("entity %s not found", id)
		}
		o.List = append(o.List, u)
	}
	steps, err := graph.Disrupt(nw.G, o)
	if err != nil {
		return nil, invalid("%v", err)
	}
	type step struct {
		Step        int      `json:"step"`
		Removed     []string `json:"removed"`
		LCCFraction float64  `json:"lcc_fraction"`
	}
	out := make([]step, len(steps))
	for i, st := range steps {
		out[i] = step{Step: st.Step, LCCFraction: st.LCCFraction, Removed: []string{}}
		for _, u := range st.Removed {
			out[i].Removed = append(out[i].Removed, nw.Nodes[u].ID)
		}
	}
	return map[string]any{"nodes": nw.G.N(), "steps": out}, nil
}

func (s *Server) graphExport(r *http.Request, c *call) (any, error) {
	c.Object = "graph export " + r.URL.RawQuery
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "graphml"
	}
	if !slices.Contains(graph.ExportFormats, format) {
		return nil, invalid("parameter format: %q: want one of %s", format, strings.Join(graph.ExportFormats, ", "))
	}
	hops, err := intParam(r, "hops", 2, 1, 6)
	if err != nil {
		return nil, err
	}
	hubCap, err := intParam(r, "hub_cap", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	nw, err := s.networkFor(r, c)
	if err != nil {
		return nil, err
	}
	// With a seed, the neighbourhood of that entity; else everything.
	if seed := r.URL.Query().Get("seed"); seed != "" {
		nh, err := nw.Neighbourhood(seed, hops, hubCap)
		if err != nil {
			return nil, notFound("entity %s not found", seed)
		}
		nw = nh.Sub
	}
	var buf bytes.Buffer
	if err := nw.Export(&buf, format); err != nil {
		return nil, err
	}
	return rawBody{contentType: graph.ExportContentType(format), data: buf.Bytes()}, nil
}
