package graph

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/nexus-intel/nexus/internal/ftm"
)

func ent(schema, id string, props ...string) *ftm.Entity {
	e := ftm.NewEntity(schema, id)
	for i := 0; i+1 < len(props); i += 2 {
		e.Add(props[i], props[i+1])
	}
	e.Datasets = []string{"case1"}
	return e
}

// smugglerNetwork: a trafficker shares a phone with a courier who is a member
// of a terrorist organisation; a passport links the courier to a second
// document holder.
func smugglerNetwork() []*ftm.Entity {
	return []*ftm.Entity{
		ent("Person", "smuggler", "name", "Ramon Vega", "topics", "crime.traffick", "phone", "+1 (555) 123-4567"),
		ent("Person", "courier", "name", "Ali Hassan", "phone", "15551234567"),
		ent("Organization", "group", "name", "Northern Front", "topics", "crime.terror"),
		ent("Membership", "m1", "member", "courier", "organization", "group", "role", "fundraiser", "startDate", "2019-03", "endDate", "2021"),
		ent("Passport", "pp1", "holder", "courier", "passportNumber", "X 1234-567"),
		ent("Passport", "pp2", "holder", "other", "passportNumber", "x1234567"),
		ent("Person", "other", "name", "Someone Else"),
		ent("Ownership", "o1", "owner", "smuggler", "asset", "hidden-company"), // dangling
		ent("Person", "lonely", "name", "Lone Person", "topics", "crime"),
	}
}

func TestBuildNetwork(t *testing.T) {
	nw := BuildNetwork(smugglerNetwork(), NetworkOptions{})
	if got, want := len(nw.Nodes), 7; got != want {
		t.Fatalf("got %d nodes, want %d", got, want)
	}
	// links: membership, 2 holder references, shared phone, shared passport number
	kinds := map[string]int{}
	for _, l := range nw.Links {
		kinds[l.Kind+":"+l.Type]++
	}
	want := map[string]int{"edge:Membership": 1, "reference:holder": 2, "identifier:phone": 1, "identifier:passportNumber": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%s: got %d links, want %d (all: %v)", k, kinds[k], n, kinds)
		}
	}
	if nw.Stats.Dangling != 1 {
		t.Errorf("got %d dangling relations, want 1 (the ownership of an absent company)", nw.Stats.Dangling)
	}
	s, _ := nw.Node("smuggler")
	c, _ := nw.Node("courier")
	ls := nw.LinksBetween(s, c)
	if len(ls) != 1 || !strings.Contains(nw.Explain(ls[0]), "share the phone 15551234567") {
		t.Errorf("smuggler–courier link: got %v, want a shared phone", ls)
	}
}

func TestNexusPaths(t *testing.T) {
	nw := BuildNetwork(smugglerNetwork(), NetworkOptions{})
	res := nw.Nexus(NexusQuery{})
	if res.Criminal != 2 || res.Terror != 1 {
		t.Errorf("got %d criminal and %d terror entities, want 2 and 1", res.Criminal, res.Terror)
	}
	if len(res.Paths) != 1 {
		t.Fatalf("got %d nexus paths, want 1: %+v", len(res.Paths), res.Paths)
	}
	p := res.Paths[0]
	if strings.Join(p.Nodes, ">") != "smuggler>courier>group" {
		t.Errorf("got path %v, want smuggler>courier>group", p.Nodes)
	}
	why := p.Hops[1].Why[0]
	for _, w := range []string{"Ali Hassan (courier) is a member of Northern Front (group)", "(fundraiser)", "from 2019-03-01 to 2021-12-31", "[case1]"} {
		if !strings.Contains(why, w) {
			t.Errorf("hop 2 explanation %q lacks %q", why, w)
		}
	}
	// As of 2018 the membership had not begun: no nexus.
	d, _ := ParseDay("2018-06-01", false)
	if r := nw.Window(d, d).Nexus(NexusQuery{}); len(r.Paths) != 0 {
		t.Errorf("as of 2018: got %d nexus paths, want 0", len(r.Paths))
	}
	d, _ = ParseDay("2020", false)
	if r := nw.Window(d, d).Nexus(NexusQuery{}); len(r.Paths) != 1 {
		t.Errorf("as of 2020: got %d nexus paths, want 1", len(r.Paths))
	}
	if r := nw.Nexus(NexusQuery{MaxHops: 1}); len(r.Paths) != 0 {
		t.Errorf("max 1 hop: got %d paths, want 0", len(r.Paths))
	}
}

func TestNetworkPathsAndNeighbourhood(t *testing.T) {
	nw := BuildNetwork(smugglerNetwork(), NetworkOptions{})
	r, err := nw.Paths(PathQuery{From: "smuggler", To: "other", Mode: ShortestMode})
	if err != nil {
		t.Fatal(err)
	}
	// smuggler –phone– courier –holder– pp1 –passport no.– pp2 –holder– other
	if len(r.Paths) != 1 || r.Paths[0].Length != 4 {
		t.Fatalf("got %+v, want one path of 4 hops", r.Paths)
	}
	r, _ = nw.Paths(PathQuery{From: "smuggler", To: "other", Mode: AllSimple, MaxHops: 3})
	if len(r.Paths) != 0 {
		t.Errorf("simple paths up to 3 hops: got %d, want 0", len(r.Paths))
	}
	if _, err := nw.Paths(PathQuery{From: "smuggler", To: "nobody"}); err == nil {
		t.Error("path to an absent entity: want an error")
	}
	nh, err := nw.Neighbourhood("courier", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(nh.Sub.Nodes) != 4 || nh.Hops["group"] != 1 || nh.Hops["courier"] != 0 {
		t.Errorf("1-hop neighbourhood of courier: got %d nodes, hops %v; want 4", len(nh.Sub.Nodes), nh.Hops)
	}
	nh, _ = nw.Neighbourhood("smuggler", 2, 1)
	if nh.More["courier"] != 1 {
		t.Errorf("hub cap 1: got more %v, want courier: 1 (pp1 or group left out)", nh.More)
	}
}

func TestExportRoundTrip(t *testing.T) {
	nw := BuildNetwork(smugglerNetwork(), NetworkOptions{})
	var buf bytes.Buffer
	if err := nw.Export(&buf, "graphml"); err != nil {
		t.Fatal(err)
	}
	var gm GraphMLDoc
	if err := xml.Unmarshal(buf.Bytes(), &gm); err != nil {
		t.Fatalf("graphml does not parse: %v", err)
	}
	if len(gm.Graph.Nodes) != len(nw.Nodes) || len(gm.Graph.Edges) != len(nw.Links) {
		t.Errorf("graphml: got %d nodes %d edges, want %d %d", len(gm.Graph.Nodes), len(gm.Graph.Edges), len(nw.Nodes), len(nw.Links))
	}
	keyName := map[string]string{}
	for _, k := range gm.Keys {
		keyName[k.ID] = k.Name
	}
	found := false
	for _, e := range gm.Graph.Edges {
		attrs := map[string]string{}
		for _, d := range e.Data {
			attrs[keyName[d.Key]] = d.Value
		}
		if attrs["type"] == "Membership" {
			found = e.Directed && attrs["label"] == "fundraiser" && attrs["start"] == "2019-03-01" && attrs["datasets"] == "case1"
		}
	}
	if !found {
		t.Error("graphml: membership edge lost its direction, role, start or dataset")
	}

	buf.Reset()
	if err := nw.Export(&buf, "gexf"); err != nil {
		t.Fatal(err)
	}
	var gx GEXFDoc
	if err := xml.Unmarshal(buf.Bytes(), &gx); err != nil {
		t.Fatalf("gexf does not parse: %v", err)
	}
	if len(gx.Graph.Nodes) != len(nw.Nodes) || len(gx.Graph.Edges) != len(nw.Links) || gx.Graph.Mode != "dynamic" {
		t.Errorf("gexf: got %d nodes %d edges mode %s", len(gx.Graph.Nodes), len(gx.Graph.Edges), gx.Graph.Mode)
	}
	for _, n := range gx.Graph.Nodes {
		if n.ID == "group" && (n.Label != "Northern Front" || len(n.Values) == 0) {
			t.Errorf("gexf: group node %+v lost its label or attributes", n)
		}
	}

	buf.Reset()
	if err := nw.Export(&buf, "cytoscape"); err != nil {
		t.Fatal(err)
	}
	var cy CytoscapeDoc
	if err := json.Unmarshal(buf.Bytes(), &cy); err != nil {
		t.Fatal(err)
	}
	if len(cy.Elements.Nodes) != len(nw.Nodes) || len(cy.Elements.Edges) != len(nw.Links) {
		t.Errorf("cytoscape: got %d nodes %d edges", len(cy.Elements.Nodes), len(cy.Elements.Edges))
	}

	buf.Reset()
	if err := nw.Export(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(nw.Links) {
		t.Errorf("csv: got %d rows, want %d", len(rows), 1+len(nw.Links))
	}
	if err := nw.Export(&buf, "dot"); err == nil {
		t.Error("unknown format: want an error")
	}
}

// TestDagBrandesMatchesNetworkxOrder checks the fast pass used for sampled
// and large graphs against the networkx-order pass on every covert network.
func TestDagBrandesMatchesNetworkxOrder(t *testing.T) {
	needNetworks(t)
	bottomUp := 0
	defer func() {
		if bottomUp == 0 {
			t.Error("no level was expanded bottom-up: that path is untested")
		}
	}()
	for _, nw := range coverts() {
		g := load(t, nw)
		want := newBrandesBFS(g.N())
		got := newDagBFS(g)
		for s := range int32(g.N()) {
			want.source(g, s)
			got.source(g, s)
		}
		for i := range g.N() {
			if d := got.bc[i] - want.nodes[i].bc; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: node %s: fast pass %v, networkx order %v", nw.name, g.Name(int32(i)), got.bc[i], want.nodes[i].bc)
				break
			}
		}
		if g.Directed() {
			continue
		}
		// The same on the graph renumbered for locality, mapped back.
		h, old := bfsRelabel(g)
		if h.M() != g.M() && len(h.nbr) != len(g.nbr) {
			t.Fatalf("%s: relabelled graph has %d arcs, want %d", nw.name, len(h.nbr), len(g.nbr))
		}
		rel := newDagBFS(h)
		for s := range int32(h.N()) {
			rel.source(h, s)
		}
		bottomUp += rel.bottomUp
		for i, u := range old {
			if d := rel.bc[i] - want.nodes[u].bc; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: node %s relabelled: %v, want %v", nw.name, g.Name(u), rel.bc[i], want.nodes[u].bc)
				break
			}
		}
	}
}

// TestDagBrandesDeepGraph checks the fallback for searches deeper than the
// byte levels hold: a 600-node path with a branch.
func TestDagBrandesDeepGraph(t *testing.T) {
	b := NewBuilder(false, MergeSum)
	for i := range 600 {
		b.Add(Edge{Source: "p" + strconv.Itoa(i), Target: "p" + strconv.Itoa(i+1)})
	}
	b.Add(Edge{Source: "p300", Target: "x"})
	g := b.Build()
	want := newBrandesBFS(g.N())
	got := newDagBFS(g)
	for s := range int32(g.N()) {
		want.source(g, s)
		got.source(g, s)
	}
	for i := range g.N() {
		if d := got.bc[i] - want.nodes[i].bc; d > 1e-9 || d < -1e-9 {
			t.Fatalf("node %s: fast pass %v, networkx order %v", g.Name(int32(i)), got.bc[i], want.nodes[i].bc)
		}
	}
	if p, _ := g.ID("p300"); want.nodes[p].bc == 0 {
		t.Fatal("p300 has no betweenness: the test graph is wrong")
	}
}

func TestOnlyTypes(t *testing.T) {
	nw := BuildNetwork(smugglerNetwork(), NetworkOptions{})
	if r := nw.OnlyTypes([]string{"edge"}).Nexus(NexusQuery{}); len(r.Paths) != 0 {
		t.Errorf("edge links only: got %d nexus paths, want 0 (the first hop is a shared phone)", len(r.Paths))
	}
	if r := nw.OnlyTypes([]string{"phone", "Membership"}).Nexus(NexusQuery{}); len(r.Paths) != 1 {
		t.Errorf("phone and Membership links: got %d nexus paths, want 1", len(r.Paths))
	}
}

// TestSampledBetweennessLargeGraph runs the path Betweenness takes on large
// graphs (relabelled for locality, fast pass, two workers) and checks it
// against the networkx-order pass on the same sampled sources.
func TestSampledBetweennessLargeGraph(t *testing.T) {
	n := fastBrandesNodes + 1000
	b := NewBuilder(false, MergeSum)
	for i := range n {
		b.Node("v" + strconv.Itoa(i))
	}
	// a ring with chords: connected, many shortest paths
	for i := range int32(n) {
		b.AddIDs(i, (i+1)%int32(n), 1)
		b.AddIDs(i, (i*7919+13)%int32(n), 1)
	}
	g := b.Build()
	got := Betweenness(g, BetweennessOptions{Pivots: 6, Seed: 3, Workers: 2})
	sources := pivotSources(n, 6, 3)
	ref := newBrandesBFS(n)
	for _, s := range sources {
		ref.source(g, s)
	}
	want := make([]float64, n)
	for i := range want {
		want[i] = ref.nodes[i].bc
	}
	rescaleBetweenness(want, n, false, Normalized, true, sources)
	nonzero := 0
	for i := range want {
		if d := got.Scores[i] - want[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("node %d: got %v, want %v", i, got.Scores[i], want[i])
		}
		if want[i] > 0 {
			nonzero++
		}
	}
	if nonzero < n/2 {
		t.Errorf("only %d nodes with betweenness: the test graph is wrong", nonzero)
	}
}
