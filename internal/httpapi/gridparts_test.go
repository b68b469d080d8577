package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

// The grid's link-analysis, criminal-intelligence and transaction parts.
// Each marking of gridMarkings also holds: graph edges (a membership of its
// person in a public terrorist organisation, and a link between two public
// people that only its viewers may know of); an approved and a pending
// criminal-intelligence record about its person, in a criminal_intelligence
// dataset of its own, disseminated to cbp; and a transaction dataset whose
// structuring deposits raise an alert. The public transaction dataset also
// holds an account per marking whose holder is that marking's person, so a
// public SAR draft names a holder only when the viewer may see it.

// gridOrg is the public terrorist organisation every marking's person is a
// member of (under that marking).
const gridOrg = "grid-org"

func ciDataset(i int) string { return fmt.Sprintf("grid_ci_%d", i) }
func txDataset(i int) string { return fmt.Sprintf("grid_tx_%d", i) }
func ciRecord(i int) string  { return fmt.Sprintf("grid-ci-%d", i) }
func ciPending(i int) string { return fmt.Sprintf("grid-ci-%d-pending", i) }

// ciOld and ciOlder are an active and a pending record of marking i that a
// bulk purge request made at setup names, with ciOld of the next marking
// in a second request (see setupParts).
func ciOld(i int) string   { return fmt.Sprintf("grid-ci-%d-old", i) }
func ciOlder(i int) string { return fmt.Sprintf("grid-ci-%d-older", i) }

// nextCI is the non-public marking after i, cycling.
func nextCI(i int) int { return i%(len(gridMarkings)-1) + 1 }

// pointerAllowed says whether marking i's originator lets a viewer who may
// not read its record learn that it holds one. The compartment's (ice)
// does not, so a match on it must yield nothing at all.
func pointerAllowed(i int) bool { return gridMarkings[i].marking.Originator != "ice" }

func pointerContact(agency string) string { return "duty desk " + agency }

// gridEdges are the graph statements of marking i (see above).
func gridEdges(i int) []*ftm.Entity {
	m := ftm.NewEntity("Membership", entityID(i)+"-member")
	m.Add("member", entityID(i))
	m.Add("organization", gridOrg)
	m.Add("role", "member")
	l := ftm.NewEntity("UnknownLink", entityID(i)+"-link")
	l.Add("subject", sharedID)
	l.Add("object", entityID(0))
	return []*ftm.Entity{m, l}
}

// marker is a viewer holding exactly what marking m needs, who submits,
// approves and releases that marking's records at setup.
func marker(name string, m access.Marking) access.Viewer {
	return access.Viewer{UserID: name, Name: name, Agency: m.Originator, CUI: m.Classification == access.CUI, Caveats: m.Caveats,
		SharingGroups: m.SharingGroups, Compartments: m.Compartments, Part23Trained: true, Roles: []string{access.RoleSupervisor}}
}

// setupParts loads the parts above whose marking keep allows into g. The
// datasets exist on every server; only their content is filtered.
func (g *gridServer) setupParts(t *testing.T, keep func(access.Marking) bool) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org := ftm.NewEntity("Organization", gridOrg)
	org.Add("name", "Terrorcell Publicus")
	org.Add("topics", "crime.terror")
	var stmts []store.Statement
	for _, s := range org.Statements("grid_public", "grid") {
		stmts = append(stmts, store.Statement{Statement: s, Marking: access.PublicMarking()})
	}
	for i, gm := range gridMarkings {
		if !keep(gm.marking) {
			continue
		}
		for _, e := range gridEdges(i) {
			for _, s := range e.Statements(gm.dataset, "grid") {
				stmts = append(stmts, store.Statement{Statement: s, Marking: gm.marking})
			}
		}
	}
	must(g.st.PutStatements(ctx, stmts))

	rs, err := finint.ParseRules([]byte(finint.DefaultRules))
	must(err)
	g.feed, err = feed.New(feed.Config{Store: g.st, Rules: rs.Rules, Logger: testLogger()})
	must(err)
	amounts := []string{"9500", "9400", "9700"}
	deposit := func(acc string, d int) string {
		return fmt.Sprintf("%s-d%d,2024-03-0%dT09:00:00Z,,%s,%s,USD,cash_deposit,b%d,%s-holder\n", acc, d, d+1, acc, amounts[d], d, acc)
	}
	deposits := func(acc string) string { return deposit(acc, 0) + deposit(acc, 1) + deposit(acc, 2) }
	const header = "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\n"
	// A feed arrives in time order: the public dataset's deposits day by day.
	var public strings.Builder
	public.WriteString(header)
	for d := range amounts {
		for i := range gridMarkings {
			public.WriteString(deposit(fmt.Sprintf("PUB-%d", i), d))
		}
	}
	for i, gm := range gridMarkings {
		must(g.st.PutDataset(ctx, store.Dataset{Name: txDataset(i), Class: store.ClassCase, Owner: gm.marking.Originator, DefaultMarking: gm.marking}))
		if !gm.marking.Public {
			must(g.st.PutDataset(ctx, store.Dataset{Name: ciDataset(i), Class: intel.Class, Owner: gm.marking.Originator, DefaultMarking: gm.marking}))
		}
		// A public account held by marking i's person: linked on every
		// server, as account links are not statements.
		acc := fmt.Sprintf("PUB-%d", i)
		must(g.st.LinkAccount(ctx, store.TxAccount{Dataset: txDataset(0), ID: acc, HolderID: entityID(i)}))
		if !keep(gm.marking) {
			continue
		}
		if i > 0 {
			acc := fmt.Sprintf("ACC-%d", i)
			must(g.st.LinkAccount(ctx, store.TxAccount{Dataset: txDataset(i), ID: acc, HolderID: entityID(i)}))
			_, err := g.feed.Import(ctx, txDataset(i), feed.ReadSource(strings.NewReader(header+deposits(acc)), "csv", "grid"))
			must(err)
		}
		if gm.marking.Public {
			continue
		}
		sub, appr := marker("grid-submitter", gm.marking), marker("grid-approver", gm.marking)
		for _, id := range []string{ciRecord(i), ciPending(i), ciOld(i), ciOlder(i)} {
			e := ftm.NewEntity("Person", id)
			e.Add("name", gm.words[0]+" "+gm.words[1])
			e.Add("birthDate", "1980-02-03")
			_, err := g.st.SubmitIntel(ctx, sub, intel.Submission{Dataset: ciDataset(i), Subject: e,
				Predicate:   intel.Predicate{Narrative: "controlled buys", OffenceCodes: []string{"35A"}},
				Reliability: "B", Validity: "2", Pointer: intel.Pointer{Allowed: pointerAllowed(i), Contact: pointerContact(gm.marking.Originator)}})
			must(err)
		}
		for _, id := range []string{ciRecord(i), ciOld(i)} {
			_, err := g.st.ApproveIntel(ctx, appr, id)
			must(err)
		}
		_, err = g.st.Disseminate(ctx, sub, store.Dissemination{RecordID: ciRecord(i), RecipientAgency: "cbp", Reason: "joint task force"})
		must(err)
	}
	_, err = g.feed.Import(ctx, txDataset(0), feed.ReadSource(strings.NewReader(public.String()), "csv", "grid"))
	must(err)
	// Bulk purge requests awaiting a second person: one over marking i's
	// old records, one over its and the next marking's. A server holds
	// only those whose records it holds.
	g.purges = map[string]string{}
	for i, gm := range gridMarkings {
		if gm.marking.Public || !keep(gm.marking) {
			continue
		}
		reqs := map[string][]string{fmt.Sprint("own", i): {ciOld(i), ciOlder(i)}}
		if keep(gridMarkings[nextCI(i)].marking) {
			reqs[fmt.Sprint("mix", i)] = []string{ciOld(i), ciOld(nextCI(i))}
		}
		for k, ids := range reqs {
			res, err := g.st.RequestPurge(ctx, access.SystemViewer(), ids, false, "grid setup")
			must(err)
			g.purges[k] = res.Request.ID
		}
	}
}

// resolve fills a path's placeholders: {txalert:<dataset>} with the id of
// the dataset's alert on the server holding everything (alert ids follow
// from the transactions, so the reference would number it the same), and
// or of the alert on account A with {txalert:<dataset>:A}, and
// {rdr:N}, {prg:N} with the Nth redress or purge request this server
// answered with (ids are random per server), and {purge:K} with the setup
// purge request K (ownI or mixI) of this server.
var placeholder = regexp.MustCompile(`\{(txalert|rdr|prg|purge):([^}]+)\}`)

func (g *gridServer) resolve(t *testing.T, path string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(path, func(p string) string {
		m := placeholder.FindStringSubmatch(p)
		switch m[1] {
		case "purge":
			if id, ok := g.purges[m[2]]; ok {
				return id
			}
			return "prg-0000000000000000"
		case "txalert":
			ds, acc, _ := strings.Cut(m[2], ":")
			as, _, err := g.full.st.TxAlerts(context.Background(), access.SystemViewer(), store.TxAlertQuery{Dataset: ds})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if acc == "" || slices.Contains(a.Accounts, acc) {
					return a.ID
				}
			}
			t.Fatalf("no alert in %s on the full server", m[2])
			return ""
		default:
			var n int
			fmt.Sscan(m[2], &n)
			if ids := g.seen[m[1]]; n < len(ids) {
				return ids[n]
			}
			return m[1] + "-0000000000000000"
		}
	})
}

// randomID matches the ids the store draws at random; canon replaces them.
var randomID = regexp.MustCompile(`\b(rdr|ntc|dis|prg)-[0-9a-f]{16}\b`)

// remember records the random ids of an answer in the order first seen.
func (g *gridServer) remember(b []byte) {
	for _, m := range randomID.FindAllSubmatch(b, -1) {
		id := string(m[0])
		if !slices.Contains(g.seen[string(m[1])], id) {
			g.seen[string(m[1])] = append(g.seen[string(m[1])], id)
		}
	}
}

// canon is an answer with its random ids blanked and its arrays sorted, for
// routes whose lists order same-time entries by those random ids.
func canon(b []byte) []byte {
	b = randomID.ReplaceAll(b, []byte("${1}-*"))
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, y := range x {
				x[k] = walk(y)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			slices.SortFunc(x, func(a, b any) int {
				ab, _ := json.Marshal(a)
				bb, _ := json.Marshal(b)
				return bytes.Compare(ab, bb)
			})
		}
		return x
	}
	out, _ := json.Marshal(walk(v))
	return out
}

// pointerAnswer checks an intelligence search: its results equal the
// reference's, and its pointers are the reference's plus one for the agency
// of the marking the query names (want) when the viewer may not read that
// record and the originator allows pointers — agency and contact only.
func pointerAnswer(v access.Viewer, want int, gs int, gb []byte, rs int, rb []byte) error {
	if gs != rs {
		return fmt.Errorf("status %d, reference %d", gs, rs)
	}
	if gs != 200 {
		if !bytes.Equal(gb, rb) {
			return fmt.Errorf("answer %s, reference %s", gb, rb)
		}
		return nil
	}
	var g, r store.IntelSearch
	if err := json.Unmarshal(gb, &g); err != nil {
		return err
	}
	if err := json.Unmarshal(rb, &r); err != nil {
		return err
	}
	gr, _ := json.Marshal(g.Results)
	rr, _ := json.Marshal(r.Results)
	if !bytes.Equal(gr, rr) {
		return fmt.Errorf("results %s, reference %s", gr, rr)
	}
	exp := slices.Clone(r.Pointers)
	if m := gridMarkings[want].marking; !access.CanSee(v, m) && pointerAllowed(want) {
		a := m.Originator
		exp = append(exp, store.IntelPointer{Agency: a, Contact: pointerContact(a), Message: fmt.Sprintf("a record is held by agency %s; contact %s", a, pointerContact(a))})
	}
	if !slices.Equal(g.Pointers, exp) {
		return fmt.Errorf("pointers %+v, want %+v", g.Pointers, exp)
	}
	return nil
}

// partRequests adds the probes of the graph, intelligence and transaction
// routes.
func partRequests(add func(string, ...gridReq), ids []string) {
	ids = append(slices.Clone(ids), gridOrg)
	// Graph: every answer must be the reference's, byte for byte — a
	// hidden edge or entity would change a node, a path, a score, a
	// community or a removal order.
	for _, id := range ids {
		add("GET /api/v1/graph/neighbours/{id}", gridReq{method: "GET", path: "/api/v1/graph/neighbours/" + id + "?hops=2", diff: true})
		add("GET /api/v1/graph/paths", gridReq{method: "GET", path: "/api/v1/graph/paths?source=" + id + "&target=" + gridOrg + "&mode=k-shortest&k=5", diff: true})
	}
	for _, id := range []string{sharedID, gridOrg, entityID(0), entityID(4), entityID(6)} {
		add("GET /api/v1/graph/neighbours/{id}", gridReq{method: "GET", path: "/api/v1/graph/neighbours/" + id + "?hops=1&types=edge", diff: true})
		add("GET /api/v1/graph/export", gridReq{method: "GET", path: "/api/v1/graph/export?format=gexf&seed=" + id, diff: true})
	}
	add("GET /api/v1/graph/paths", gridReq{method: "GET", path: "/api/v1/graph/paths?source=" + sharedID + "&target=" + entityID(0) + "&mode=simple", diff: true})
	add("GET /api/v1/graph/nexus",
		gridReq{method: "GET", path: "/api/v1/graph/nexus", diff: true},
		gridReq{method: "GET", path: "/api/v1/graph/nexus?max_hops=6&limit=3&offset=1", diff: true},
		gridReq{method: "GET", path: "/api/v1/graph/nexus?types=edge", diff: true})
	add("GET /api/v1/graph/centrality",
		gridReq{method: "GET", path: "/api/v1/graph/centrality?measures=degree,betweenness,closeness,pagerank,katz", diff: true},
		gridReq{method: "GET", path: "/api/v1/graph/centrality?measures=betweenness&limit=2&offset=1", diff: true})
	add("GET /api/v1/graph/communities", gridReq{method: "GET", path: "/api/v1/graph/communities", diff: true})
	add("POST /api/v1/graph/disrupt",
		gridReq{method: "POST", path: "/api/v1/graph/disrupt", body: map[string]any{"strategy": "betweenness"}, diff: true},
		gridReq{method: "POST", path: "/api/v1/graph/disrupt", body: map[string]any{"strategy": "degree", "mode": "block", "block_fraction": 0.5}, diff: true})
	add("GET /api/v1/graph/export",
		gridReq{method: "GET", path: "/api/v1/graph/export?format=graphml", diff: true},
		gridReq{method: "GET", path: "/api/v1/graph/export?format=graphml&dataset=grid_dea_group", diff: true})
	for i, m := range gridMarkings {
		add("GET /api/v1/graph/nexus", gridReq{method: "GET", path: "/api/v1/graph/nexus?dataset=" + m.dataset, diff: true})
		add("POST /api/v1/graph/disrupt", gridReq{method: "POST", path: "/api/v1/graph/disrupt", body: map[string]any{"list": []string{entityID(i), sharedID}}, diff: true})
	}

	// The need-to-know gate: searches without purpose code and case
	// number are refused exactly when they can reach criminal intelligence
	// the viewer may see, so the refusal must not depend on what it may not.
	// Screening answers are subsets as in gridRequests; the status must
	// still be the reference's.
	add("GET /api/v1/entities",
		gridReq{method: "GET", path: "/api/v1/entities?q=Okonkwo", noNeed: true, diff: true},
		gridReq{method: "GET", path: "/api/v1/entities?dataset=grid_public", noNeed: true, diff: true})
	for i := range gridMarkings {
		if i > 0 {
			add("GET /api/v1/entities", gridReq{method: "GET", path: "/api/v1/entities?dataset=" + ciDataset(i), noNeed: true, diff: true})
		}
		add("POST /api/v1/screen", gridReq{method: "POST", path: "/api/v1/screen", noNeed: true, subset: true,
			body: map[string]any{"queries": []map[string]any{{"id": "q", "schema": "Person", "name": "Okonkwo"}}, "datasets": []string{gridMarkings[i].dataset, ciDataset(i)}}})
	}
	add("POST /api/v1/screen", gridReq{method: "POST", path: "/api/v1/screen", noNeed: true, subset: true,
		body: map[string]any{"queries": []map[string]any{{"id": "q", "schema": "Person", "name": "Okonkwo"}}}})
	add("POST /match/{dataset}", gridReq{method: "POST", path: "/match/default", noNeed: true, subset: true,
		body: map[string]any{"queries": map[string]any{"q": map[string]any{"schema": "Person", "properties": map[string]any{"name": []string{"Okonkwo"}}}}}})

	// Criminal intelligence. Answers carrying ids the store draws at random
	// (redress, notices, disseminations, purge requests) are compared
	// canonically: those ids blanked and lists sorted.
	for i, m := range gridMarkings {
		if m.marking.Public {
			continue
		}
		name := m.words[0] + " " + m.words[1]
		add("GET /api/v1/intel/search",
			gridReq{method: "GET", path: "/api/v1/intel/search?q=" + strings.ReplaceAll(name, " ", "+"), pointer: i + 1},
			// Without purpose and case: refused alike for everyone.
			gridReq{method: "GET", path: "/api/v1/intel/search?q=" + strings.ReplaceAll(name, " ", "+"), noNeed: true, diff: true})
		for _, id := range []string{ciRecord(i), ciPending(i)} {
			add("GET /api/v1/intel/records/{id}", gridReq{method: "GET", path: "/api/v1/intel/records/" + id, diff: true, canon: true})
			add("GET /api/v1/intel/records/{id}/disseminations", gridReq{method: "GET", path: "/api/v1/intel/records/" + id + "/disseminations", diff: true, canon: true})
			add("POST /api/v1/intel/records/{id}/approve", gridReq{method: "POST", path: "/api/v1/intel/records/" + id + "/approve", diff: true})
			add("POST /api/v1/intel/records/{id}/privacy-approve", gridReq{method: "POST", path: "/api/v1/intel/records/" + id + "/privacy-approve", diff: true})
			add("POST /api/v1/intel/records/{id}/revalidate", gridReq{method: "POST", path: "/api/v1/intel/records/" + id + "/revalidate",
				body: map[string]any{"explanation": "still active"}, diff: true})
			add("POST /api/v1/intel/records/{id}/disseminations", gridReq{method: "POST", path: "/api/v1/intel/records/" + id + "/disseminations",
				body: map[string]any{"recipient_agency": "local", "reason": "grid", "channel": "portal"}, diff: true, canon: true})
			fixed := map[string]any{"id": id, "schema": "Person", "properties": map[string]any{"name": []string{name}, "birthDate": []string{"1980-03-02"}}}
			add("POST /api/v1/intel/records/{id}/correct", gridReq{method: "POST", path: "/api/v1/intel/records/" + id + "/correct",
				body: map[string]any{"entity": fixed, "reason": "date of birth transposed"}, diff: true, canon: true})
		}
		// Filed about a record: routed to its originator when the viewer
		// may see it, else refused unless routed_to is given.
		add("POST /api/v1/redress",
			gridReq{method: "POST", path: "/api/v1/redress", body: map[string]any{"requester": "grid requester", "request": "not me", "record_id": ciRecord(i)}, diff: true, canon: true},
			gridReq{method: "POST", path: "/api/v1/redress", body: map[string]any{"requester": "grid requester", "request": "not me", "record_id": ciPending(i), "routed_to": "fbi"}, diff: true, canon: true})
		sub := map[string]any{"id": fmt.Sprintf("grid-sub-%d", i), "schema": "Person", "properties": map[string]any{"name": []string{name + " Junior"}}}
		add("POST /api/v1/intel/submissions", gridReq{method: "POST", path: "/api/v1/intel/submissions", body: map[string]any{"dataset": ciDataset(i), "subject": sub,
			"predicate": map[string]any{"narrative": "launders", "offence_codes": []string{"26B"}}, "source_reliability": "B", "content_validity": "2"}, diff: true})
		// A marking change on the record's statements: raising to TLP RED
		// (anyone who sees them), and lowering to public (originator only).
		red := m.marking
		red.TLP = "RED"
		add("POST /api/v1/entities/{id}/marking",
			gridReq{method: "POST", path: "/api/v1/entities/" + ciRecord(i) + "/marking", body: map[string]any{"dataset": ciDataset(i), "marking": red}, diff: true},
			gridReq{method: "POST", path: "/api/v1/entities/" + entityID(i) + "/marking", body: map[string]any{"dataset": m.dataset, "marking": access.PublicMarking()}, diff: true},
			gridReq{method: "POST", path: "/api/v1/entities/" + sharedID + "/marking", body: map[string]any{"dataset": m.dataset, "marking": red}, diff: true})
		// Bulk purge requests (the marking's records, and one of them with
		// the next marking's); a single record is purged at once, here two
		// markings' main records.
		add("POST /api/v1/intel/purges",
			gridReq{method: "POST", path: "/api/v1/intel/purges", body: map[string]any{"record_ids": []string{ciRecord(i), ciPending(i)}, "reason": "grid"}, diff: true, canon: true},
			gridReq{method: "POST", path: "/api/v1/intel/purges", body: map[string]any{"record_ids": []string{ciPending(i), ciPending(nextCI(i))}, "reason": "grid"}, diff: true, canon: true})
		if i == 2 || i == 5 {
			add("POST /api/v1/intel/purges", gridReq{method: "POST", path: "/api/v1/intel/purges", body: map[string]any{"record_ids": []string{ciRecord(i)}, "reason": "grid"}, diff: true, canon: true})
		}
		// The setup's requests, approved by a second person.
		add("POST /api/v1/intel/purges/{id}/approve",
			gridReq{method: "POST", path: fmt.Sprintf("/api/v1/intel/purges/{purge:mix%d}/approve", i), diff: true, canon: true},
			gridReq{method: "POST", path: fmt.Sprintf("/api/v1/intel/purges/{purge:own%d}/approve", i), diff: true, canon: true})
	}
	add("POST /api/v1/intel/purges", gridReq{method: "POST", path: "/api/v1/intel/purges", body: map[string]any{"due": true, "reason": "grid"}, diff: true, canon: true})
	for n := range 3 {
		// The viewer's own requests: a second person must approve.
		add("POST /api/v1/intel/purges/{id}/approve", gridReq{method: "POST", path: fmt.Sprintf("/api/v1/intel/purges/{prg:%d}/approve", n), diff: true, canon: true})
		add("POST /api/v1/redress/{id}/answer", gridReq{method: "POST", path: fmt.Sprintf("/api/v1/redress/{rdr:%d}/answer", n),
			body: map[string]any{"answer": "checked", "outcome": "no_change"}, diff: true, canon: true})
	}
	add("GET /api/v1/intel/notices",
		gridReq{method: "GET", path: "/api/v1/intel/notices", diff: true, canon: true},
		gridReq{method: "GET", path: "/api/v1/intel/notices?agency=cbp", diff: true, canon: true})
	add("GET /api/v1/redress", gridReq{method: "GET", path: "/api/v1/redress", diff: true, canon: true})
	// No grid viewer holds an oversight role (privacy officer, auditor),
	// whose report lists every agency's record metadata by design; the
	// probe checks the refusal is the same whatever is stored.
	add("GET /api/v1/privacy/report", gridReq{method: "GET", path: "/api/v1/privacy/report?sample=50", diff: true})

	// Transactions: typology alerts, SAR drafts (which name account holders)
	// and new transactions, for every marking's dataset.
	add("GET /api/v1/alerts", gridReq{method: "GET", path: "/api/v1/alerts?kind=typology", diff: true},
		gridReq{method: "GET", path: "/api/v1/alerts?kind=typology&typology=structuring&limit=3&offset=2", diff: true})
	filer := map[string]any{"name": "First Grid Bank", "ein": "12-3456789", "street": "1 Main St", "city": "Laredo", "state": "TX",
		"zip": "78040", "phone": "9565550100", "contact": "BSA Officer", "regulator": "4"}
	for i := range gridMarkings {
		add("GET /api/v1/alerts", gridReq{method: "GET", path: "/api/v1/alerts?kind=typology&dataset=" + txDataset(i), diff: true})
		add("POST /api/v1/alerts/{id}/report", gridReq{method: "POST", path: "/api/v1/alerts/{txalert:" + txDataset(i) + "}/report", body: map[string]any{"filer": filer}, diff: true})
		more := []map[string]any{{"id": fmt.Sprintf("late-%d", i), "time": "2024-03-04T09:00:00Z", "to": fmt.Sprintf("ACC-%d", i),
			"amount": "9900", "currency": "USD", "type": "cash_deposit", "location": "b9", "conductor": "grid"}}
		add("POST /api/v1/transactions", gridReq{method: "POST", path: "/api/v1/transactions?dataset=" + txDataset(i), body: more, diff: true})
	}
	// The SAR drafts of the public dataset's alerts name the holders: the
	// account of marking i is held by marking i's person.
	for i := range gridMarkings {
		add("POST /api/v1/alerts/{id}/report", gridReq{method: "POST", path: fmt.Sprintf("/api/v1/alerts/{txalert:%s:PUB-%d}/report", txDataset(0), i),
			body: map[string]any{"filer": filer}, diff: true})
	}
}
