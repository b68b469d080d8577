package graph

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// LinkInfo is a link as callers show it: ends by entity id, period as dates.
type LinkInfo struct {
	Source   string   `json:"source"`
	Target   string   `json:"target"`
	Kind     string   `json:"kind"`
	Type     string   `json:"type"`
	Directed bool     `json:"directed"`
	Entity   string   `json:"entity,omitempty"`
	Label    string   `json:"label,omitempty"`
	Datasets []string `json:"datasets,omitempty"`
	Start    string   `json:"start,omitempty"`
	End      string   `json:"end,omitempty"`
}

// Info returns link i as callers show it.
func (nw *Network) Info(i int32) LinkInfo {
	l := nw.Links[i]
	li := LinkInfo{Source: nw.Nodes[l.Source].ID, Target: nw.Nodes[l.Target].ID, Kind: l.Kind, Type: l.Type,
		Directed: l.Directed, Entity: l.Entity, Label: l.Label, Datasets: l.Datasets}
	if l.Dated {
		if l.Start != OpenStart {
			li.Start = DayString(l.Start)
		}
		if l.End != OpenEnd {
			li.End = DayString(l.End)
		}
	}
	return li
}

// edgeVerbs say what an edge schema means, read from its source to its
// target.
var edgeVerbs = map[string]string{
	"Membership": "is a member of", "Directorship": "is a director of", "Ownership": "owns",
	"Employment": "is employed by", "Associate": "is an associate of", "Family": "is family of",
	"UnknownLink": "is linked to", "Payment": "paid", "Representation": "represents", "Debt": "owes",
	"Succession": "was succeeded by", "Occupancy": "holds",
}

// Explain says in one sentence what link i means, with its period and
// sources.
func (nw *Network) Explain(i int32) string {
	l := nw.Links[i]
	a, b := nw.caption(l.Source), nw.caption(l.Target)
	var s string
	switch l.Kind {
	case KindIdentifier:
		s = fmt.Sprintf("%s and %s share %s %s", a, b, identifierWord(l.Type), l.Label)
	case KindReference:
		s = fmt.Sprintf("%s has %s %s", a, l.Type, b)
	default:
		verb, ok := edgeVerbs[l.Type]
		if !ok {
			verb = "is linked (" + l.Type + ") to"
		}
		s = fmt.Sprintf("%s %s %s", a, verb, b)
		if l.Label != "" {
			s += " (" + l.Label + ")"
		}
	}
	if l.Dated {
		switch {
		case l.Start != OpenStart && l.End != OpenEnd && l.Start == l.End:
			s += " on " + DayString(l.Start)
		case l.Start != OpenStart && l.End != OpenEnd:
			s += " from " + DayString(l.Start) + " to " + DayString(l.End)
		case l.Start != OpenStart:
			s += " since " + DayString(l.Start)
		case l.End != OpenEnd:
			s += " until " + DayString(l.End)
		}
	}
	if len(l.Datasets) > 0 {
		s += " [" + strings.Join(l.Datasets, ", ") + "]"
	}
	return s
}

func identifierWord(kind string) string {
	switch kind {
	case "phone", "email", "address":
		return "the " + kind
	case "iban":
		return "the IBAN"
	}
	return "the " + kind
}

func (nw *Network) caption(u int32) string {
	n := nw.Nodes[u]
	if n.Caption == "" || n.Caption == n.ID {
		return n.ID
	}
	return fmt.Sprintf("%s (%s)", n.Caption, n.ID)
}

// Hop is one step of an explained path.
type Hop struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Links []LinkInfo `json:"links"`
	// Why has one sentence per link.
	Why []string `json:"why"`
}

// ExplainedPath is a path with every hop explained.
type ExplainedPath struct {
	Nodes []string `json:"nodes"`
	Hops  []Hop    `json:"hops"`
	// Length is the number of hops.
	Length int `json:"length"`
	// Score ranks nexus paths: lower is stronger (see Nexus).
	Score float64 `json:"score,omitempty"`
}

// ExplainPath explains the path given as node indexes.
func (nw *Network) ExplainPath(nodes []int32) ExplainedPath {
	p := ExplainedPath{Length: len(nodes) - 1, Hops: []Hop{}}
	for _, u := range nodes {
		p.Nodes = append(p.Nodes, nw.Nodes[u].ID)
	}
	for i := 0; i+1 < len(nodes); i++ {
		h := Hop{From: nw.Nodes[nodes[i]].ID, To: nw.Nodes[nodes[i+1]].ID}
		for _, li := range nw.LinksBetween(nodes[i], nodes[i+1]) {
			h.Links = append(h.Links, nw.Info(li))
			h.Why = append(h.Why, nw.Explain(li))
		}
		p.Hops = append(p.Hops, h)
	}
	return p
}

// PathMode selects which paths Paths lists.
type PathMode string

// Path modes.
const (
	ShortestMode PathMode = "shortest" // one shortest path
	KShortest    PathMode = "k-shortest"
	AllSimple    PathMode = "simple" // every simple path up to MaxHops
)

// PathQuery asks for paths between two entities.
type PathQuery struct {
	From, To string
	Mode     PathMode
	// K bounds k-shortest paths (default 5); Limit bounds simple paths
	// (default 100).
	K, Limit int
	// MaxHops bounds the length of simple paths (default 4); shortest and
	// k-shortest paths longer than MaxHops (when set) are dropped.
	MaxHops int
}

// PathResult lists explained paths; Complete is false when Limit cut the
// listing of simple paths short.
type PathResult struct {
	Paths    []ExplainedPath `json:"paths"`
	Complete bool            `json:"complete"`
}

// Paths finds paths between q.From and q.To by hops, along links in either
// direction.
func (nw *Network) Paths(q PathQuery) (PathResult, error) {
	s, ok := nw.Node(q.From)
	if !ok {
		return PathResult{}, fmt.Errorf("entity %q is not in the graph", q.From)
	}
	t, ok := nw.Node(q.To)
	if !ok {
		return PathResult{}, fmt.Errorf("entity %q is not in the graph", q.To)
	}
	res := PathResult{Paths: []ExplainedPath{}, Complete: true}
	var raw [][]int32
	switch q.Mode {
	case ShortestMode, "":
		if p, ok := ShortestPath(nw.G, s, t, false); ok {
			raw = append(raw, p.Nodes)
		}
	case KShortest:
		k := q.K
		if k <= 0 {
			k = 5
		}
		for _, p := range KShortestPaths(nw.G, s, t, k, false) {
			raw = append(raw, p.Nodes)
		}
	case AllSimple:
		hops, limit := q.MaxHops, q.Limit
		if hops <= 0 {
			hops = 4
		}
		if limit <= 0 {
			limit = 100
		}
		raw, res.Complete = SimplePaths(nw.G, s, t, hops, limit)
	default:
		return PathResult{}, fmt.Errorf("path mode %q: want shortest, k-shortest or simple", q.Mode)
	}
	for _, p := range raw {
		if q.MaxHops > 0 && len(p)-1 > q.MaxHops {
			continue
		}
		res.Paths = append(res.Paths, nw.ExplainPath(p))
	}
	return res, nil
}

// NeighbourhoodResult is the k-hop neighbourhood of an entity.
type NeighbourhoodResult struct {
	Seed string `json:"seed"`
	// Sub is the neighbourhood as a network: the nodes reached and every
	// link among them.
	Sub *Network `json:"-"`
	// Hops gives each node's distance from the seed, by entity id.
	Hops map[string]int `json:"hops"`
	// More gives, for each capped hub, how many of its neighbours were
	// left out ("and 240 more").
	More map[string]int `json:"more,omitempty"`
}

// Neighbourhood returns the entities within hops of id along links in either
// direction; a node other than the seed with more than hubCap neighbours
// (hubCap > 0) contributes only its first hubCap.
func (nw *Network) Neighbourhood(id string, hops, hubCap int) (NeighbourhoodResult, error) {
	seed, ok := nw.Node(id)
	if !ok {
		return NeighbourhoodResult{}, fmt.Errorf("entity %q is not in the graph", id)
	}
	kh := KHop(nw.G, seed, hops, hubCap)
	res := NeighbourhoodResult{Seed: nw.Nodes[seed].ID, Sub: nw.Sub(kh.Nodes), Hops: map[string]int{}, More: map[string]int{}}
	for i, u := range kh.Nodes {
		res.Hops[nw.Nodes[u].ID] = kh.Hops[i]
	}
	for u, n := range kh.More {
		res.More[nw.Nodes[u].ID] = n
	}
	return res, nil
}

// IsCriminal reports whether topics mark a criminal entity: crime or any
// crime.* topic other than crime.terror.
func IsCriminal(topics []string) bool {
	return slices.ContainsFunc(topics, func(t string) bool {
		return t == "crime" || (strings.HasPrefix(t, "crime.") && t != "crime.terror")
	})
}

// IsTerror reports whether topics mark a terrorist entity (crime.terror).
func IsTerror(topics []string) bool { return slices.Contains(topics, "crime.terror") }

// NexusQuery tunes Nexus.
type NexusQuery struct {
	// MaxHops bounds path length (default 4).
	MaxHops int
	// Limit bounds the number of paths returned (default 50).
	Limit int
	// AvoidHubs, when > 0, does not route through nodes with more
	// neighbours than this (a bank, a registered agent): such paths say
	// little.
	AvoidHubs int
}

// NexusResult lists ranked nexus paths.
type NexusResult struct {
	Criminal int             `json:"criminal"` // entities with a criminal topic
	Terror   int             `json:"terror"`   // entities with crime.terror
	Total    int             `json:"total"`    // paths found before Limit
	Paths    []ExplainedPath `json:"paths"`
}

// Nexus finds, for each pair of an entity with a criminal topic and one
// with crime.terror, a shortest path between them of at most MaxHops, and
// ranks them: fewer hops first; among equal lengths, paths through
// better-connected intermediaries (log₂ of degree summed) last, since a hub
// links many who never met; then by the number of independent links per
// hop (more corroboration first). An entity with both topics is a path of
// length 0.
func (nw *Network) Nexus(q NexusQuery) NexusResult {
	if q.MaxHops <= 0 {
		q.MaxHops = 4
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	n := len(nw.Nodes)
	var res NexusResult
	terror := make([]bool, n)
	var sources []int32
	for u, nd := range nw.Nodes {
		if IsTerror(nd.Topics) {
			terror[u] = true
			res.Terror++
		}
		if IsCriminal(nd.Topics) {
			sources = append(sources, int32(u))
			res.Criminal++
		}
	}
	type found struct {
		nodes []int32
		score float64
		links int
	}
	var all []found
	seen := make([]uint32, n)
	parent := make([]int32, n)
	depth := make([]int32, n)
	stamp := uint32(0)
	var frontier, next []int32
	for _, s := range sources {
		stamp++
		seen[s], parent[s], depth[s] = stamp, -1, 0
		frontier = append(frontier[:0], s)
		if terror[s] {
			all = append(all, found{nodes: []int32{s}})
		}
		for d := int32(0); d < int32(q.MaxHops) && len(frontier) > 0; d++ {
			next = next[:0]
			for _, v := range frontier {
				if v != s && q.AvoidHubs > 0 && nw.G.OutDegree(v) > q.AvoidHubs {
					continue
				}
				nb, _ := nw.G.Out(v)
				for _, w := range nb {
					if seen[w] == stamp {
						continue
					}
					seen[w], parent[w], depth[w] = stamp, v, d+1
					if terror[w] {
						var p []int32
						for x := w; x >= 0; x = parent[x] {
							p = append(p, x)
						}
						slices.Reverse(p)
						all = append(all, found{nodes: p})
						// A path does not run on through a terrorist entity
						// to reach another: the first one is the nexus.
						continue
					}
					next = append(next, w)
				}
			}
			frontier, next = next, frontier
		}
	}
	for i := range all {
		f := &all[i]
		for j := 1; j+1 < len(f.nodes); j++ {
			f.score += math.Log2(float64(max(1, nw.G.OutDegree(f.nodes[j]))))
		}
		for j := 0; j+1 < len(f.nodes); j++ {
			f.links += len(nw.LinksBetween(f.nodes[j], f.nodes[j+1]))
		}
	}
	slices.SortStableFunc(all, func(a, b found) int {
		if len(a.nodes) != len(b.nodes) {
			return len(a.nodes) - len(b.nodes)
		}
		if a.score != b.score {
			if a.score < b.score {
				return -1
			}
			return 1
		}
		return b.links - a.links
	})
	res.Total = len(all)
	res.Paths = []ExplainedPath{}
	for _, f := range all[:min(len(all), q.Limit)] {
		p := nw.ExplainPath(f.nodes)
		p.Score = float64(p.Length) + f.score/100
		res.Paths = append(res.Paths, p)
	}
	return res
}
