package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/network"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

// The route × viewer × marking grid. Every route of routes() is called by
// every grid viewer with requests aimed at every marking, against two
// servers: the real one, holding every statement, and a reference holding
// only the statements the viewer may see. A route that lets a hidden
// statement shape an answer — a value, a count, a rank, a score, an alert —
// answers differently on the two, or names a hidden value outright.

// gridMarking is one handling case with the words its values are made of.
type gridMarking struct {
	name    string
	marking access.Marking
	dataset string
	words   [2]string // a name no other marking shares
}

var gridMarkings = []gridMarking{
	{"public", access.PublicMarking(), "grid_public", [2]string{"Zebulon", "Quarryman"}},
	{"own agency (fbi)", access.Marking{Classification: access.Unclassified, Originator: "fbi"}, "grid_fbi", [2]string{"Ottoline", "Brasswick"}},
	{"caveat LES (fbi)", access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "fbi", TLP: "AMBER"}, "grid_fbi_les", [2]string{"Pangolin", "Veritasz"}},
	{"other agency (dea)", access.Marking{Classification: access.Unclassified, Originator: "dea"}, "grid_dea", [2]string{"Wombat", "Ferrulez"}},
	{"sharing group with LES", access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "dea", SharingGroups: []string{"hidta"}}, "grid_dea_group_les", [2]string{"Narwhal", "Cobbledick"}},
	{"sharing group", access.Marking{Classification: access.Unclassified, Originator: "dea", SharingGroups: []string{"hidta"}}, "grid_dea_group", [2]string{"Axolotl", "Tamsinova"}},
	{"compartment", access.Marking{Classification: access.Unclassified, Originator: "ice", Compartments: []string{"op-ember"}}, "grid_ice_comp", [2]string{"Quokka", "Lindqvistar"}},
}

// gridViewers cover: own agency with and without the caveat, another
// agency in the sharing group holding the caveat, a group member lacking
// it, a compartment member, and an outsider who sees public values only.
// The two holding the caveat are Part 23-trained supervisors, so they can
// approve, revalidate and purge criminal intelligence; the cbp group
// member may send transactions.
var gridViewers = []store.User{
	{Name: "fbi-plain", Agency: "fbi", Roles: []string{"analyst", "screening_officer"}},
	{Name: "fbi-les", Agency: "fbi", Roles: []string{"analyst", "screening_officer", "supervisor"}, CUI: true, Caveats: []string{"LES"}, Part23Trained: true},
	{Name: "dea-group-les", Agency: "dea", Roles: []string{"analyst", "screening_officer", "supervisor"}, CUI: true, Caveats: []string{"LES"}, SharingGroups: []string{"hidta"}, Part23Trained: true},
	{Name: "cbp-group-nocaveat", Agency: "cbp", Roles: []string{"analyst", "importer"}, SharingGroups: []string{"hidta"}},
	{Name: "cbp-compartment", Agency: "cbp", Roles: []string{"screening_officer"}, Compartments: []string{"op-ember"}},
	{Name: "outsider", Agency: "local", Roles: []string{"analyst"}},
}

// wantVisible is the grid written out by hand, so a mistake in the setup
// cannot hide behind the function under test.
var wantVisible = map[string][]string{
	"fbi-plain":          {"public", "own agency (fbi)"},
	"fbi-les":            {"public", "own agency (fbi)", "caveat LES (fbi)"},
	"dea-group-les":      {"public", "other agency (dea)", "sharing group with LES", "sharing group"},
	"cbp-group-nocaveat": {"public", "sharing group"},
	"cbp-compartment":    {"public", "compartment"},
	"outsider":           {"public"},
}

var gridNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func entityID(i int) string { return fmt.Sprintf("grid-%d", i) }

// sharedID is a public entity that carries an alias under every marking:
// field-level redaction on one record.
const sharedID = "grid-shared"

func aliasOf(m gridMarking) string { return m.words[1] + " Okonkwo" }

// gridStatements are the statements of the grid whose marking keep allows.
// early are loaded before monitors exist; late arrive after, so monitors
// raise alerts on them.
func gridStatements(keep func(access.Marking) bool) (early, late []store.Statement, lateIDs []string) {
	add := func(dst *[]store.Statement, e *ftm.Entity, ds string, m access.Marking) {
		if !keep(m) {
			return
		}
		for _, s := range e.Statements(ds, "grid") {
			*dst = append(*dst, store.Statement{Statement: s, Marking: m})
		}
	}
	pub := ftm.NewEntity("Person", sharedID)
	pub.Add("name", "Sharedperson Publicus")
	pub.Target = true
	add(&early, pub, "grid_public", access.PublicMarking())
	for i, g := range gridMarkings {
		e := ftm.NewEntity("Person", entityID(i))
		e.Add("name", g.words[0]+" "+g.words[1])
		e.Add("topics", "crime")
		e.Target = true
		add(&early, e, g.dataset, g.marking)
		if !g.marking.Public {
			a := ftm.NewEntity("Person", sharedID)
			a.Add("alias", aliasOf(g))
			a.Target = true
			add(&early, a, g.dataset, g.marking)
		}
		// A late record per marking for the monitors to find.
		l := ftm.NewEntity("Person", entityID(i)+"-late")
		l.Add("name", g.words[0]+" "+g.words[1])
		l.Target = true
		before := len(late)
		add(&late, l, g.dataset, g.marking)
		if len(late) > before {
			lateIDs = append(lateIDs, l.ID)
		}
	}
	return early, late, lateIDs
}

// gridServer is a server over a store holding the grid's statements that
// keep allows.
type gridServer struct {
	srv    *httptest.Server
	st     *store.Store
	svc    *screening.Service
	net    *network.Service
	feed   *feed.Feed
	tokens map[string]string
	late   []store.Statement
	lateID []string
	// full is the server holding everything (itself for the real one),
	// which resolves alert placeholders; seen holds the random ids this
	// server answered with, by prefix.
	full *gridServer
	seen map[string][]string
	// purges are the bulk purge requests made at setup, by key.
	purges map[string]string
}

func newGridServer(t *testing.T, full *gridServer, keep func(access.Marking) bool) *gridServer {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: testLogger(), Now: func() time.Time { return gridNow }})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	g := &gridServer{st: st, tokens: map[string]string{}, full: full, seen: map[string][]string{}}
	if full == nil {
		g.full = g
	}
	for _, a := range []string{"fbi", "dea", "cbp", "local"} {
		must(st.PutAgency(ctx, store.Agency{Code: a}))
	}
	for _, u := range gridViewers {
		must(st.PutUser(ctx, u))
		secret, _, err := st.CreateToken(ctx, u.Name, "grid", time.Time{})
		must(err)
		g.tokens[u.Name] = secret
	}
	// One dataset per marking: a value stated in one dataset under two
	// markings would be one statement.
	for _, m := range gridMarkings {
		d := store.Dataset{Name: m.dataset, Class: store.ClassCase, Owner: m.marking.Originator, DefaultMarking: m.marking}
		if m.marking.Public {
			d.Class = store.ClassPublicList
		}
		must(st.PutDataset(ctx, d))
	}
	early, late, lateIDs := gridStatements(keep)
	must(st.PutStatements(ctx, early))
	g.late, g.lateID = late, lateIDs
	g.setupParts(t, keep)
	g.svc = screening.New(st, screening.Options{Logger: testLogger(), Now: func() time.Time { return gridNow }})
	must(g.svc.Build(ctx))
	g.net = network.New(st, network.Options{Logger: testLogger()})
	api := New(Config{Store: st, Logger: testLogger(), Now: func() time.Time { return gridNow }, Registry: prometheus.NewRegistry(),
		Version: "grid", Screening: g.svc, Graph: g.net, Transactions: g.feed})
	g.srv = httptest.NewServer(api.Handler())
	t.Cleanup(g.srv.Close)
	return g
}

// addLate loads the late statements and lets the screening service
// re-screen the monitors against them.
func (g *gridServer) addLate(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if len(g.late) == 0 {
		return
	}
	if err := g.st.PutStatements(ctx, g.late); err != nil {
		t.Fatal(err)
	}
	g.net.Invalidate()
	for _, m := range gridMarkings {
		ds := m.dataset
		if _, err := g.svc.Apply(ctx, screening.Update{Dataset: ds, Added: g.lateID}); err != nil {
			t.Fatal(err)
		}
	}
}

type gridReq struct {
	method, path string
	body         any
	// diff compares the answer with the reference server's; off only
	// where answers are about the caller (tokens, sessions) or numbered
	// by events the reference cannot share (alert ids).
	diff bool
	// subset relaxes diff for screening: each match the real server
	// returns must be in the reference's answer with the same score and
	// explanation, in the same order, but the real server may return
	// fewer (see TestRouteViewerMarkingGrid). clear relaxes it for
	// clearances: the fingerprint may be of the public portion.
	subset, clear bool
	// echo marks answers that repeat what the viewer itself sent earlier
	// (a monitor's query), so they are compared but not searched for
	// hidden words.
	echo bool
	// canon compares answers with the store's random ids blanked and
	// lists sorted (see canon).
	canon bool
	// pointer, for an intelligence search naming marking pointer-1,
	// relaxes diff: a viewer who may not read that marking's record gets
	// a pointer to its agency the reference cannot hold (see pointerAnswer).
	pointer int
	// noNeed sends the request without the need-to-know headers
	// (purpose code and case number) that every other request carries.
	noNeed bool
}

func (g *gridServer) do(t *testing.T, user string, r gridReq) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if r.body != nil {
		b, _ := json.Marshal(r.body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(r.method, g.srv.URL+g.resolve(t, r.path), rd)
	req.Header.Set("Authorization", "Bearer "+g.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	if !r.noNeed {
		req.Header.Set(HeaderPurpose, "grid")
		req.Header.Set(HeaderCase, "grid-1")
	}
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if r.method != "GET" {
		// What the server's bus subscription does on every change.
		g.net.Invalidate()
	}
	if r.canon {
		if r.method == "POST" {
			g.remember(b)
		}
		b = canon(b)
	}
	return resp.StatusCode, b
}

// gridRequests returns, for every route, the requests that probe it. A
// route missing here fails the test: new routes join the grid.
func gridRequests() map[string][]gridReq {
	var names []string
	var ids []string
	for i, m := range gridMarkings {
		names = append(names, m.words[0]+" "+m.words[1])
		if !m.marking.Public {
			names = append(names, aliasOf(m))
		}
		ids = append(ids, entityID(i), entityID(i)+"-late")
	}
	ids = append(ids, sharedID, "no-such-entity")
	out := map[string][]gridReq{}
	add := func(key string, r ...gridReq) { out[key] = append(out[key], r...) }

	add("GET /api/v1/entities",
		gridReq{method: "GET", path: "/api/v1/entities", diff: true},
		gridReq{method: "GET", path: "/api/v1/entities?limit=2&offset=1", diff: true},
		gridReq{method: "GET", path: "/api/v1/entities?targets=true&schema=Person", diff: true})
	for _, m := range gridMarkings {
		ds := m.dataset
		add("GET /api/v1/entities", gridReq{method: "GET", path: "/api/v1/entities?dataset=" + ds, diff: true})
	}
	for _, n := range names {
		for _, w := range strings.Fields(n) {
			add("GET /api/v1/entities", gridReq{method: "GET", path: "/api/v1/entities?q=" + w, diff: true})
		}
	}
	for _, id := range ids {
		add("GET /api/v1/entities/{id}",
			gridReq{method: "GET", path: "/api/v1/entities/" + id, diff: true},
			gridReq{method: "GET", path: "/api/v1/entities/" + id + "?statements=true", diff: true})
	}
	add("GET /api/v1/datasets", gridReq{method: "GET", path: "/api/v1/datasets", diff: true})
	add("POST /api/v1/import", gridReq{method: "POST", path: "/api/v1/import?dataset=grid_fbi&format=ftm", diff: true})

	var queries []map[string]any
	yente := map[string]any{}
	for i, n := range names {
		queries = append(queries, map[string]any{"id": fmt.Sprint("q", i), "schema": "Person", "name": n})
		yente[fmt.Sprint("q", i)] = map[string]any{"schema": "Person", "properties": map[string]any{"name": []string{n}}}
	}
	add("POST /api/v1/screen",
		gridReq{method: "POST", path: "/api/v1/screen", body: map[string]any{"queries": queries}, subset: true},
		gridReq{method: "POST", path: "/api/v1/screen", body: map[string]any{"queries": queries, "threshold": 0.3, "limit": 20}, subset: true})
	for _, ds := range []string{"default", "grid_public", "grid_fbi", "grid_dea_group"} {
		add("POST /match/{dataset}", gridReq{method: "POST", path: "/match/" + ds, body: map[string]any{"queries": yente}, subset: true})
	}
	for _, id := range ids {
		add("POST /api/v1/clearances", gridReq{method: "POST", path: "/api/v1/clearances",
			body: map[string]any{"subject": "subject-" + id, "entity_id": id, "reason": "grid"}, clear: true})
	}
	add("POST /api/v1/monitors", gridReq{method: "POST", path: "/api/v1/monitors",
		body: map[string]any{"query": map[string]any{"schema": "Person", "names": names}, "label": "grid", "threshold": 0.5}, diff: true})
	add("GET /api/v1/monitors", gridReq{method: "GET", path: "/api/v1/monitors", diff: true, echo: true})
	// Alerts are numbered by every agency's monitors, so they are checked
	// for hidden values rather than compared.
	add("GET /api/v1/alerts", gridReq{method: "GET", path: "/api/v1/alerts"}, gridReq{method: "GET", path: "/api/v1/alerts?status=open&limit=500"})
	for i := 1; i <= 12; i++ {
		add("POST /api/v1/alerts/{id}/status", gridReq{method: "POST", path: fmt.Sprintf("/api/v1/alerts/%d/status", i),
			body: map[string]any{"status": "escalated", "note": "grid"}})
	}
	add("GET /api/v1/login", gridReq{method: "GET", path: "/api/v1/login", diff: true})
	add("POST /api/v1/login", gridReq{method: "POST", path: "/api/v1/login", body: map[string]any{"user": "fbi-les", "password": "x", "acknowledge_banner": true}, diff: true})
	// OIDC sign-in: the grid servers configure no provider, and a made-up
	// state signs nobody on; neither answer may depend on the viewer.
	add("GET /api/v1/oidc/{provider}/login", gridReq{method: "GET", path: "/api/v1/oidc/grid/login?acknowledge_banner=true", diff: true})
	add("GET /api/v1/oidc/{provider}/callback", gridReq{method: "GET", path: "/api/v1/oidc/grid/callback?state=x&code=y", diff: true})
	add("POST /api/v1/logout", gridReq{method: "POST", path: "/api/v1/logout", diff: true})
	add("GET /api/v1/session", gridReq{method: "GET", path: "/api/v1/session"})
	add("GET /api/v1/tokens", gridReq{method: "GET", path: "/api/v1/tokens"})
	add("POST /api/v1/tokens", gridReq{method: "POST", path: "/api/v1/tokens", body: map[string]any{"scopes": []string{"read"}}})
	add("DELETE /api/v1/tokens/{id}", gridReq{method: "DELETE", path: "/api/v1/tokens/tok_0000000000000000", diff: true})
	add("GET /api/v1/audit", gridReq{method: "GET", path: "/api/v1/audit", diff: true})
	for _, p := range []string{"/healthz", "/readyz", "/api/openapi.json"} {
		add("GET "+p, gridReq{method: "GET", path: p, diff: true})
	}
	add("GET /metrics", gridReq{method: "GET", path: "/metrics"})
	partRequests(add, ids)
	return out
}

// hiddenWords are the words of the markings v may not see.
func hiddenWords(v access.Viewer) []string {
	var out []string
	for _, m := range gridMarkings {
		if !access.CanSee(v, m.marking) {
			out = append(out, m.words[0], m.words[1])
		}
	}
	return out
}

func TestRouteViewerMarkingGrid(t *testing.T) {
	// The hand-written grid and the policy agree, so the reference servers
	// below hold what each viewer is meant to see.
	for _, u := range gridViewers {
		var got []string
		for _, m := range gridMarkings {
			if access.CanSee(u.Viewer(), m.marking) {
				got = append(got, m.name)
			}
		}
		if want := wantVisible[u.Name]; !slices.Equal(got, want) {
			t.Fatalf("viewer %s sees %v, want %v", u.Name, got, wantVisible[u.Name])
		}
	}

	reqs := gridRequests()
	s := New(Config{Logger: testLogger()})
	var routeKeys []string
	for _, rt := range s.routes() {
		key := rt.Method + " " + rt.Pattern
		routeKeys = append(routeKeys, key)
		if len(reqs[key]) == 0 {
			t.Errorf("route %s is not in the grid: add requests for it to gridRequests", key)
		}
	}
	if t.Failed() {
		return
	}
	sort.Strings(routeKeys)

	probes, narrower := 0, 0
	for _, u := range gridViewers {
		v := u.Viewer()
		t.Run(u.Name, func(t *testing.T) {
			real := newGridServer(t, nil, func(access.Marking) bool { return true })
			ref := newGridServer(t, real, func(m access.Marking) bool { return access.CanSee(v, m) })
			pub := newGridServer(t, real, func(m access.Marking) bool { return m.Public })
			hidden := hiddenWords(v)
			run := func(phase string, keys []string) {
				for _, key := range keys {
					for _, r := range reqs[key] {
						probes++
						gs, gb := real.do(t, u.Name, r)
						rs, rb := ref.do(t, u.Name, r)
						label := fmt.Sprintf("%s %s %s (%s)", phase, r.method, r.path, key)
						switch {
						case r.pointer > 0:
							if err := pointerAnswer(v, r.pointer-1, gs, gb, rs, rb); err != nil {
								t.Errorf("%s: for %s, %v", label, u.Name, err)
							}
						case r.subset:
							if err := subsetAnswer(gs, gb, rs, rb); err != nil {
								t.Errorf("%s: for %s, %v", label, u.Name, err)
							}
							if !bytes.Equal(gb, rb) {
								narrower++
							}
						case r.clear:
							ps, pb := pub.do(t, u.Name, r)
							if gs != rs || (!bytes.Equal(gb, rb) && !(gs == ps && bytes.Equal(withoutFingerprint(gb), withoutFingerprint(rb)) && bytes.Equal(gb, pb))) {
								g, w := around(gb, rb)
								t.Errorf("%s: clearance differs from both references for %s:\n got %d %s\nwant %d %s", label, u.Name, gs, g, rs, w)
							}
						}
						if r.diff && (gs != rs || !bytes.Equal(gb, rb)) {
							g, w := around(gb, rb)
							t.Errorf("%s: answer differs from the reference holding only what %s may see:\n got %d %s\nwant %d %s",
								label, u.Name, gs, g, rs, w)
						}
						// Requests naming a hidden value may echo it back; the
						// comparison above covers those.
						reqText := r.path
						if r.echo {
							continue
						}
						if r.body != nil {
							b, _ := json.Marshal(r.body)
							reqText += string(b)
						}
						for _, w := range hidden {
							if !strings.Contains(reqText, w) && strings.Contains(string(gb), w) {
								t.Errorf("%s: answer names %q, a value %s may not see:\n%s", label, w, u.Name, clip(gb))
							}
						}
					}
				}
			}
			run("before", routeKeys)
			// New records arrive; monitors re-screen and raise alerts.
			real.addLate(t)
			ref.addLate(t)
			run("after", routeKeys)
		})
	}
	t.Logf("%d routes × %d viewers × %d markings: %d probes; %d screening answers narrower than the viewer's full view (a viewer who sees only some restricted values of an entity is screened against its public portion)",
		len(routeKeys), len(gridViewers), len(gridMarkings), probes, narrower)
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// around returns the two answers near where they first differ.
func around(a, b []byte) (string, string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	cut := func(x []byte) string {
		lo, hi := max(0, i-200), min(len(x), i+300)
		return "…" + string(x[lo:hi]) + "…"
	}
	return cut(a), cut(b)
}

// subsetAnswer checks a screening answer against the reference's: same
// status and shape, and every match list a subsequence of the reference's,
// element for element equal — so nothing hidden added a match, raised a
// score or moved a rank.
func subsetAnswer(gs int, gb []byte, rs int, rb []byte) error {
	if gs != rs {
		return fmt.Errorf("status %d, reference %d", gs, rs)
	}
	var g, r any
	if err := json.Unmarshal(gb, &g); err != nil {
		return fmt.Errorf("answer: %v", err)
	}
	if err := json.Unmarshal(rb, &r); err != nil {
		return fmt.Errorf("reference: %v", err)
	}
	return subsetJSON(g, r, "")
}

func subsetJSON(g, r any, key string) error {
	switch gv := g.(type) {
	case map[string]any:
		rv, ok := r.(map[string]any)
		if !ok || len(rv) != len(gv) {
			return fmt.Errorf("%s: object differs from the reference's", key)
		}
		for k, x := range gv {
			if k == "total" {
				gt, _ := x.(map[string]any)
				rt, _ := rv[k].(map[string]any)
				if gt == nil || rt == nil || gt["value"].(float64) > rt["value"].(float64) {
					return fmt.Errorf("%s.total: %v above the reference's %v", key, x, rv[k])
				}
				continue
			}
			if err := subsetJSON(x, rv[k], key+"."+k); err != nil {
				return err
			}
		}
		return nil
	case []any:
		rv, ok := r.([]any)
		if !ok {
			return fmt.Errorf("%s: array differs from the reference's", key)
		}
		if strings.HasSuffix(key, ".matches") || (strings.HasSuffix(key, ".results") && strings.Contains(key, ".responses.")) {
			j := 0
			for _, x := range gv {
				xb, _ := json.Marshal(x)
				for j < len(rv) {
					yb, _ := json.Marshal(rv[j])
					j++
					if bytes.Equal(xb, yb) {
						xb = nil
						break
					}
				}
				if xb != nil {
					return fmt.Errorf("%s: match %s is not in the reference's answer (in order, with the same score): a hidden value shaped it", key, clip(xb))
				}
			}
			return nil
		}
		if len(rv) != len(gv) {
			return fmt.Errorf("%s: %d items, reference %d", key, len(gv), len(rv))
		}
		for i := range gv {
			if err := subsetJSON(gv[i], rv[i], fmt.Sprintf("%s[%d]", key, i)); err != nil {
				return err
			}
		}
		return nil
	default:
		if fmt.Sprint(g) != fmt.Sprint(r) {
			return fmt.Errorf("%s: %v, reference %v", key, g, r)
		}
		return nil
	}
}

// withoutFingerprint drops a clearance's fingerprint for comparison.
func withoutFingerprint(b []byte) []byte {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	delete(m, "fingerprint")
	out, _ := json.Marshal(m)
	return out
}

// TestAPIRoutesHaveScopes keeps every API route behind a token scope; only
// the routes about the caller's own session take any authenticated caller.
func TestAPIRoutesHaveScopes(t *testing.T) {
	selfOnly := map[string]bool{"POST /api/v1/logout": true, "GET /api/v1/session": true}
	for _, rt := range New(Config{Logger: testLogger()}).routes() {
		key := rt.Method + " " + rt.Pattern
		if rt.API != nil && rt.Scope == "" && !selfOnly[key] {
			t.Errorf("API route %s has no Scope: pick one of auth.Scopes", key)
		}
		if rt.API == nil && rt.Scope != "" {
			t.Errorf("public route %s has a Scope, which is never checked", key)
		}
	}
}
