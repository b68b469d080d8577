package httpapi_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/graph"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/network"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// newGraphFixture is a server with link analysis over a public list (a
// trafficker, a courier, a terrorist group) and an FBI case file (LES) that
// records the courier's membership of the group and the trafficker's phone
// on the courier. Alice (FBI) sees the case file, Bob (DEA) does not.
func newGraphFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: quietLogger(), Now: func() time.Time { return fixedNow }})
	f := &fixture{t: t, store: st, tokens: map[string]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutAgency(ctx, store.Agency{Code: "fbi"}))
	must(st.PutAgency(ctx, store.Agency{Code: "dea"}))
	for _, u := range []store.User{
		{Name: "alice", Agency: "fbi", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}},
		{Name: "bob", Agency: "dea", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}},
	} {
		must(st.PutUser(ctx, u))
		secret, _, err := st.CreateToken(ctx, u.Name, "test", time.Time{})
		must(err)
		f.tokens[u.Name] = secret
	}
	ent := func(schema, id string, props ...string) *ftm.Entity {
		e := ftm.NewEntity(schema, id)
		for i := 0; i+1 < len(props); i += 2 {
			e.Add(props[i], props[i+1])
		}
		return e
	}
	must(st.PutDataset(ctx, store.Dataset{Name: "list", Class: store.ClassPublicList, DefaultMarking: access.PublicMarking()}))
	must(st.PutDataset(ctx, store.Dataset{Name: "fbi_case", Class: store.ClassCase, Owner: "fbi", DefaultMarking: caseMarking}))
	_, err := st.Import(ctx, "list", store.SourceOf("list",
		ent("Person", "smuggler", "name", "Ramon Vega", "topics", "crime.traffick", "phone", "+52 55 1234 5678"),
		ent("Person", "courier", "name", "Ali Hassan"),
		ent("Organization", "group", "name", "Northern Front", "topics", "crime.terror"),
	), store.ImportOptions{})
	must(err)
	_, err = st.Import(ctx, "fbi_case", store.SourceOf("fbi_case",
		ent("Membership", "m1", "member", "courier", "organization", "group", "role", "fundraiser", "startDate", "2019"),
	), store.ImportOptions{})
	must(err)
	must(st.PutStatements(ctx, []store.Statement{{Statement: ftm.Statement{EntityID: "courier", Schema: "Person",
		Prop: "phone", Value: "+52 (55) 1234-5678", Dataset: "fbi_case"}, Marking: caseMarking}}))
	api := httpapi.New(httpapi.Config{Store: st, Logger: quietLogger(), Now: func() time.Time { return fixedNow },
		Registry: prometheus.NewRegistry(), Version: "test", Graph: network.New(st, network.Options{Logger: quietLogger()})})
	f.server = httptest.NewServer(api.Handler())
	t.Cleanup(f.server.Close)
	return f
}

func TestGraphAPIPerViewer(t *testing.T) {
	f := newGraphFixture(t)

	var nexus struct {
		Criminal, Terror, Total int
		Paths                   []graph.ExplainedPath
	}
	f.get("/api/v1/graph/nexus", "alice", http.StatusOK, &nexus)
	if nexus.Total != 1 || strings.Join(nexus.Paths[0].Nodes, ">") != "smuggler>courier>group" {
		t.Fatalf("alice: got nexus %+v, want smuggler>courier>group", nexus)
	}
	if why := nexus.Paths[0].Hops[1].Why[0]; !strings.Contains(why, "is a member of Northern Front (group) (fundraiser) since 2019-01-01 [fbi_case]") {
		t.Errorf("alice: hop 2 explained as %q", why)
	}
	if ev := f.lastAudit(); ev.Actor != "alice" || ev.Action != audit.ActionSearch || !strings.HasPrefix(ev.Object, "graph nexus") {
		t.Errorf("nexus audit event %+v", ev)
	}
	nexus.Paths, nexus.Total = nil, -1
	f.get("/api/v1/graph/nexus", "bob", http.StatusOK, &nexus)
	if nexus.Total != 0 || len(nexus.Paths) != 0 || nexus.Criminal != 1 || nexus.Terror != 1 {
		t.Errorf("bob: got %+v, want the two public entities and no path", nexus)
	}
	// Only FtM edge entities: the shared phone is left out, so no path.
	f.get("/api/v1/graph/nexus?types=edge", "alice", http.StatusOK, &nexus)
	if nexus.Total != 0 {
		t.Errorf("alice, edge links only: got %d paths, want 0", nexus.Total)
	}
	// Before the membership began there is no nexus even for alice.
	f.get("/api/v1/graph/nexus?as_of=2018-06", "alice", http.StatusOK, &nexus)
	if nexus.Total != 0 {
		t.Errorf("alice as of 2018-06: got %d paths, want 0", nexus.Total)
	}

	var paths graph.PathResult
	f.get("/api/v1/graph/paths?source=smuggler&target=group&mode=k-shortest&k=3", "alice", http.StatusOK, &paths)
	if len(paths.Paths) != 1 || paths.Paths[0].Length != 2 {
		t.Errorf("alice: paths %+v, want one of 2 hops", paths.Paths)
	}
	f.get("/api/v1/graph/paths?source=smuggler&target=group", "bob", http.StatusOK, &paths)
	if len(paths.Paths) != 0 {
		t.Errorf("bob: got %d paths, want none", len(paths.Paths))
	}

	var cent struct {
		Total   int
		Results []struct {
			ID     string
			Scores map[string]float64
		}
	}
	f.get("/api/v1/graph/centrality?measures=betweenness,degree,katz&limit=1", "alice", http.StatusOK, &cent)
	if cent.Total != 3 || len(cent.Results) != 1 || cent.Results[0].ID != "courier" || cent.Results[0].Scores["betweenness"] != 1 {
		t.Errorf("alice: centrality %+v, want the courier first with betweenness 1", cent)
	}
	f.get("/api/v1/graph/centrality?measures=betweenness", "bob", http.StatusOK, &cent)
	for _, r := range cent.Results {
		if r.Scores["betweenness"] != 0 {
			t.Errorf("bob: %s has betweenness %v, want 0 in a graph with no links", r.ID, r.Scores["betweenness"])
		}
	}

	var nh struct {
		Nodes []graph.Node
		Links []graph.LinkInfo
	}
	f.get("/api/v1/graph/neighbours/courier?hops=1", "alice", http.StatusOK, &nh)
	if len(nh.Nodes) != 3 || len(nh.Links) != 2 {
		t.Errorf("alice: courier's neighbourhood has %d nodes %d links, want 3 and 2", len(nh.Nodes), len(nh.Links))
	}
	f.get("/api/v1/graph/neighbours/courier?hops=1", "bob", http.StatusOK, &nh)
	if len(nh.Nodes) != 1 || len(nh.Links) != 0 {
		t.Errorf("bob: courier's neighbourhood has %d nodes %d links, want 1 and 0", len(nh.Nodes), len(nh.Links))
	}
	f.get("/api/v1/graph/neighbours/nobody", "alice", http.StatusNotFound, nil)

	status, body := f.do("GET", "/api/v1/graph/export?format=graphml", "bob", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("bob export: status %d %s", status, body)
	}
	var doc graph.GraphMLDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("bob export is not GraphML: %v", err)
	}
	if len(doc.Graph.Nodes) != 3 || len(doc.Graph.Edges) != 0 || strings.Contains(string(body), "fundraiser") {
		t.Errorf("bob export: %d nodes %d edges; want 3 and 0 and nothing from the case file", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	if ev := f.lastAudit(); ev.Actor != "bob" || ev.Action != audit.ActionExport {
		t.Errorf("export audit event %+v", ev)
	}
	status, body = f.do("GET", "/api/v1/graph/export?format=gexf&seed=smuggler&hops=2", "alice", nil, nil)
	var gx graph.GEXFDoc
	if err := xml.Unmarshal(body, &gx); status != http.StatusOK || err != nil || len(gx.Graph.Nodes) != 3 || len(gx.Graph.Edges) != 2 {
		t.Errorf("alice gexf of smuggler's neighbourhood: status %d err %v, %d nodes %d edges, want 3 and 2", status, err, len(gx.Graph.Nodes), len(gx.Graph.Edges))
	}

	var comm struct {
		Count      int
		Modularity float64
	}
	f.get("/api/v1/graph/communities", "alice", http.StatusOK, &comm)
	if comm.Count < 1 {
		t.Errorf("communities: %+v", comm)
	}
	status, body = f.do("POST", "/api/v1/graph/disrupt", "alice", strings.NewReader(`{"strategy":"betweenness"}`), nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"removed":["courier"]`) {
		t.Errorf("disrupt: status %d body %s, want the courier removed first", status, body)
	}
	for _, bad := range []string{"/api/v1/graph/nexus?as_of=2019-13", "/api/v1/graph/paths?source=smuggler", "/api/v1/graph/centrality?measures=magic", "/api/v1/graph/export?format=dot"} {
		f.get(bad, "alice", http.StatusBadRequest, nil)
	}
	f.get("/api/v1/graph/nexus", "", http.StatusUnauthorized, nil)
	f.get(fmt.Sprintf("/api/v1/graph/centrality?dataset=%s", "nope"), "alice", http.StatusNotFound, nil)
}
