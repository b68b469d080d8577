package graph

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Node is one entity of a Network.
type Node struct {
	ID       string   `json:"id"`
	Schema   string   `json:"schema"`
	Caption  string   `json:"caption"`
	Topics   []string `json:"topics,omitempty"`
	Datasets []string `json:"datasets,omitempty"`
}

// Link kinds: a relation recorded as an FtM edge entity (Membership,
// Ownership …), an entity property pointing at another entity (a passport's
// holder, an address entity), or two records sharing an identifier.
const (
	KindEdge       = "edge"
	KindReference  = "reference"
	KindIdentifier = "identifier"
)

// Link is one relation between two nodes, with why it exists and where it
// comes from.
type Link struct {
	Source int32 `json:"-"`
	Target int32 `json:"-"`
	// Kind is KindEdge, KindReference or KindIdentifier.
	Kind string `json:"kind"`
	// Type is the edge schema (Membership …), the referring property
	// (holder, addressEntity …) or the shared identifier's kind (phone,
	// email, address, passportNumber …).
	Type     string `json:"type"`
	Directed bool   `json:"directed"`
	// Entity is the edge entity's id (KindEdge) or the referring entity's.
	Entity string `json:"entity,omitempty"`
	// Label is the edge's caption (a role, a relationship) or, for a shared
	// identifier, the value both records hold.
	Label    string   `json:"label,omitempty"`
	Datasets []string `json:"datasets,omitempty"`
	// Start and End bound the period the link was active, in days since
	// 1970-01-01; Dated false means no period is known.
	Dated bool  `json:"dated"`
	Start int64 `json:"-"`
	End   int64 `json:"-"`
}

// Network is the entity graph an analyst explores: entities as nodes,
// relations as links that explain themselves. G is its undirected adjacency
// (a relation connects both ways for paths, neighbourhoods and centrality),
// with node ids equal to indexes into Nodes and edge weights equal to the
// number of links between the pair. A Network is immutable once built.
type Network struct {
	Nodes []Node
	Links []Link
	G     *Graph
	// pair maps an unordered node pair to the indexes of its links.
	pair  map[uint64][]int32
	index map[string]int32
	Stats NetworkStats
}

// NetworkStats counts what building a Network kept and left out.
type NetworkStats struct {
	Entities int `json:"entities"`
	// Dangling counts relations whose other end is not in the network —
	// absent, or not visible to the viewer it was built for.
	Dangling int `json:"dangling"`
	// SkippedShared counts identifier values held by more records than
	// NetworkOptions.MaxShared; they are too common to mean a connection
	// (a registered agent's address, a switchboard number).
	SkippedShared int `json:"skipped_shared"`
}

// NetworkOptions tune BuildNetwork.
type NetworkOptions struct {
	// MaxShared is the largest number of records one identifier value may
	// link to each other (default 50); more and the value is skipped.
	MaxShared int
	// NoShared turns off shared-identifier links.
	NoShared bool
}

// sharedProps are the identifier properties that link two records holding
// the same value, beyond the phone, email, address and IBAN types.
var sharedProps = map[string]bool{
	"passportNumber": true, "idNumber": true, "number": true, "personalNumber": true,
	"accountNumber": true, "socialSecurityNumber": true, "taxNumber": true, "publicKey": true,
}

// sharedKind returns the kind of identifier p links by, or "".
func sharedKind(p *ftm.Property) string {
	switch p.Type {
	case ftm.TypePhone:
		return "phone"
	case ftm.TypeEmail:
		return "email"
	case ftm.TypeAddress:
		return "address"
	case ftm.TypeIBAN:
		return "iban"
	case ftm.TypeIdentifier:
		if sharedProps[p.Name] {
			return p.Name
		}
	}
	return ""
}

// normalizeShared reduces an identifier value to the form two records must
// share to be linked, or "" when too short to mean anything.
func normalizeShared(kind, v string) string {
	switch kind {
	case "phone":
		var b strings.Builder
		for _, r := range v {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		if b.Len() < 7 {
			return ""
		}
		return b.String()
	case "email":
		v = strings.ToLower(strings.TrimSpace(v))
		if !strings.Contains(v, "@") {
			return ""
		}
		return v
	case "address":
		f := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(f) < 2 {
			return ""
		}
		return strings.Join(f, " ")
	default:
		var b strings.Builder
		for _, r := range strings.ToUpper(v) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
		if b.Len() < 4 {
			return ""
		}
		return b.String()
	}
}

// BuildNetwork builds the Network of entities: every entity of an edge
// schema becomes a link between its two ends, every other entity a node;
// entity properties of nodes become reference links and records sharing a
// phone, email, address, IBAN or document/account number are linked with the
// identifier as the reason. A relation is kept only when both of its ends
// are among entities, so a network built from what one viewer may see shows
// nothing of what they may not.
func BuildNetwork(entities []*ftm.Entity, o NetworkOptions) *Network {
	if o.MaxShared == 0 {
		o.MaxShared = 50
	}
	nw := &Network{index: map[string]int32{}, pair: map[uint64][]int32{}}
	nw.Stats.Entities = len(entities)
	alias := map[string]int32{}
	var edges []*ftm.Entity
	for _, e := range entities {
		sc, ok := ftm.GetSchema(e.Schema)
		if ok && sc.Edge {
			edges = append(edges, e)
			continue
		}
		id := int32(len(nw.Nodes))
		nw.Nodes = append(nw.Nodes, Node{ID: e.ID, Schema: e.Schema, Caption: caption(e, sc), Topics: e.Get("topics"), Datasets: e.Datasets})
		nw.index[e.ID] = id
		for _, r := range e.Referents {
			alias[r] = id
		}
	}
	lookup := func(ref string) (int32, bool) {
		if id, ok := nw.index[ref]; ok {
			return id, true
		}
		id, ok := alias[ref]
		return id, ok
	}
	for r, id := range alias {
		if _, ok := nw.index[r]; !ok {
			nw.index[r] = id
		}
	}
	for _, e := range edges {
		sc, _ := ftm.GetSchema(e.Schema)
		label := ""
		for _, p := range sc.EdgeCaption {
			if label = e.First(p); label != "" {
				break
			}
		}
		dated, start, end := period(e)
		for _, sv := range e.Get(sc.EdgeSource) {
			for _, tv := range e.Get(sc.EdgeTarget) {
				s, ok1 := lookup(sv)
				t, ok2 := lookup(tv)
				if !ok1 || !ok2 || s == t {
					nw.Stats.Dangling++
					continue
				}
				nw.addLink(Link{Source: s, Target: t, Kind: KindEdge, Type: e.Schema, Directed: sc.EdgeDirected,
					Entity: e.ID, Label: label, Datasets: e.Datasets, Dated: dated, Start: start, End: end})
			}
		}
	}
	shared := map[string][]int32{}
	var sharedKeys []string
	for _, e := range entities {
		sc, ok := ftm.GetSchema(e.Schema)
		if !ok || sc.Edge {
			continue
		}
		u := nw.index[e.ID]
		dated, start, end := period(e)
		for _, pn := range e.PropNames() {
			p, ok := sc.Property(pn)
			if !ok {
				continue
			}
			if p.Type == ftm.TypeEntity {
				for _, ref := range e.Get(pn) {
					v, ok := lookup(ref)
					if !ok || v == u {
						nw.Stats.Dangling++
						continue
					}
					nw.addLink(Link{Source: u, Target: v, Kind: KindReference, Type: pn, Directed: true,
						Entity: e.ID, Datasets: e.Datasets, Dated: dated, Start: start, End: end})
				}
				continue
			}
			kind := sharedKind(p)
			if kind == "" || o.NoShared {
				continue
			}
			for _, val := range e.Get(pn) {
				norm := normalizeShared(kind, val)
				if norm == "" {
					continue
				}
				key := kind + "\x00" + norm
				ids, seen := shared[key]
				if !seen {
					sharedKeys = append(sharedKeys, key)
				}
				if !slices.Contains(ids, u) {
					shared[key] = append(ids, u)
				}
			}
		}
	}
	for _, key := range sharedKeys {
		ids := shared[key]
		if len(ids) < 2 {
			continue
		}
		if len(ids) > o.MaxShared {
			nw.Stats.SkippedShared++
			continue
		}
		kind, value, _ := strings.Cut(key, "\x00")
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				a, b := nw.Nodes[ids[i]], nw.Nodes[ids[j]]
				nw.addLink(Link{Source: ids[i], Target: ids[j], Kind: KindIdentifier, Type: kind, Label: value,
					Datasets: sortedUnion(a.Datasets, b.Datasets)})
			}
		}
	}
	nw.G = nw.buildGraph(nil)
	return nw
}

func (nw *Network) addLink(l Link) {
	i := int32(len(nw.Links))
	nw.Links = append(nw.Links, l)
	k := pairKey(l.Source, l.Target)
	nw.pair[k] = append(nw.pair[k], i)
}

func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(uint32(a))<<32 | uint64(uint32(b))
}

// buildGraph returns the undirected adjacency of the links keep accepts
// (all when nil), weighted by the number of links per pair.
func (nw *Network) buildGraph(keep func(l *Link) bool) *Graph {
	b := NewBuilder(false, MergeSum)
	b.Grow(len(nw.Nodes), len(nw.Links))
	for _, n := range nw.Nodes {
		b.Node(n.ID)
	}
	for i := range nw.Links {
		l := &nw.Links[i]
		if keep == nil || keep(l) {
			b.AddIDs(l.Source, l.Target, 1)
		}
	}
	return b.Build()
}

func caption(e *ftm.Entity, sc *ftm.Schema) string {
	if sc != nil {
		for _, p := range sc.Caption {
			if v := e.First(p); v != "" {
				return v
			}
		}
	}
	for _, p := range []string{"name", "full", "number", "title"} {
		if v := e.First(p); v != "" {
			return v
		}
	}
	return e.ID
}

// period reads an entity's startDate/endDate/date as days since 1970-01-01,
// widening partial dates ("2003", "2003-05") to their whole span.
func period(e *ftm.Entity) (dated bool, start, end int64) {
	start, end = OpenStart, OpenEnd
	first := func(props ...string) string {
		for _, p := range props {
			if v := e.First(p); v != "" {
				return v
			}
		}
		return ""
	}
	if s := first("startDate", "date"); s != "" {
		if lo, _, ok := dateSpan(s); ok {
			start, dated = lo, true
		}
	}
	if s := first("endDate", "date"); s != "" {
		if _, hi, ok := dateSpan(s); ok {
			end, dated = hi, true
		}
	}
	return dated, start, end
}

// dateSpan returns the first and last day a (possibly partial) ISO date
// covers.
func dateSpan(s string) (lo, hi int64, ok bool) {
	if len(s) > 10 {
		s = s[:10]
	}
	switch len(s) {
	case 4:
		t, err := time.Parse("2006", s)
		if err != nil {
			return 0, 0, false
		}
		return Day(t), Day(t.AddDate(1, 0, -1)), true
	case 7:
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return 0, 0, false
		}
		return Day(t), Day(t.AddDate(0, 1, -1)), true
	case 10:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0, 0, false
		}
		return Day(t), Day(t), true
	}
	return 0, 0, false
}

// ParseDay reads an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as days since
// 1970-01-01; last chooses the last day a partial date covers.
func ParseDay(s string, last bool) (int64, error) {
	lo, hi, ok := dateSpan(strings.TrimSpace(s))
	if !ok || len(strings.TrimSpace(s)) > 10 {
		return 0, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if last {
		return hi, nil
	}
	return lo, nil
}

// DayString formats days since 1970-01-01 as YYYY-MM-DD.
func DayString(d int64) string {
	return time.Unix(d*86400, 0).UTC().Format(time.DateOnly)
}

func sortedUnion(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Node returns the index of the node with entity id (or a merged referent's
// id).
func (nw *Network) Node(id string) (int32, bool) {
	i, ok := nw.index[id]
	return i, ok
}

// LinksBetween returns the indexes of the links between nodes a and b.
func (nw *Network) LinksBetween(a, b int32) []int32 { return nw.pair[pairKey(a, b)] }

// Window returns the network of the links active at some time in [from, to]
// (days since 1970-01-01; OpenStart/OpenEnd for no bound); undated links are
// always kept, since an undated relation is not known to have ended. Nodes
// are kept, so indexes stay the same.
func (nw *Network) Window(from, to int64) *Network {
	if from == OpenStart && to == OpenEnd {
		return nw
	}
	out := &Network{Nodes: nw.Nodes, index: nw.index, pair: map[uint64][]int32{}, Stats: nw.Stats}
	for _, l := range nw.Links {
		if !l.Dated || (l.Start <= to && from <= l.End) {
			out.addLink(l)
		}
	}
	out.G = out.buildGraph(nil)
	return out
}

// OnlyTypes returns the network of the links whose kind (edge, reference,
// identifier) or type (Membership, phone, holder …) is in types; nil or
// empty keeps every link. Nodes are kept, so indexes stay the same.
func (nw *Network) OnlyTypes(types []string) *Network {
	if len(types) == 0 {
		return nw
	}
	out := &Network{Nodes: nw.Nodes, index: nw.index, pair: map[uint64][]int32{}, Stats: nw.Stats}
	for _, l := range nw.Links {
		if slices.Contains(types, l.Kind) || slices.Contains(types, l.Type) {
			out.addLink(l)
		}
	}
	out.G = out.buildGraph(nil)
	return out
}

// Sub returns the network of the given nodes and the links among them,
// nodes renumbered in the order given.
func (nw *Network) Sub(nodes []int32) *Network {
	newID := make(map[int32]int32, len(nodes))
	out := &Network{index: map[string]int32{}, pair: map[uint64][]int32{}, Stats: nw.Stats}
	for _, u := range nodes {
		if _, dup := newID[u]; dup {
			continue
		}
		newID[u] = int32(len(out.Nodes))
		out.index[nw.Nodes[u].ID] = newID[u]
		out.Nodes = append(out.Nodes, nw.Nodes[u])
	}
	for _, l := range nw.Links {
		s, ok1 := newID[l.Source]
		t, ok2 := newID[l.Target]
		if ok1 && ok2 {
			l.Source, l.Target = s, t
			out.addLink(l)
		}
	}
	out.G = out.buildGraph(nil)
	return out
}
