package screening_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

var ctx = context.Background()

var les = access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "fbi"}

var (
	alice = access.Viewer{UserID: "alice", Name: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}}
	bob   = access.Viewer{UserID: "bob", Name: "bob", Agency: "dea", CUI: true, Caveats: []string{"LES"}}
)

func person(id, name string, props ...string) *ftm.Entity {
	e := ftm.NewEntity("Person", id)
	e.Target = true
	e.Add("name", name)
	for i := 0; i+1 < len(props); i += 2 {
		e.Add(props[i], props[i+1])
	}
	return e
}

func source(es ...*ftm.Entity) store.Source { return store.SourceOf("test", es...) }

// setup returns a store with a public list, an FBI case file (LES) and a
// marked alias on a public entity, and users alice (fbi) and bob (dea).
func setup(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutAgency(ctx, store.Agency{Code: "fbi"}))
	must(st.PutAgency(ctx, store.Agency{Code: "dea"}))
	must(st.PutUser(ctx, store.User{Name: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}}))
	must(st.PutUser(ctx, store.User{Name: "bob", Agency: "dea", CUI: true, Caveats: []string{"LES"}}))
	must(st.PutDataset(ctx, store.Dataset{Name: "sdn", Class: store.ClassPublicList}))
	must(st.PutDataset(ctx, store.Dataset{Name: "case", Class: store.ClassCase, Owner: "fbi", DefaultMarking: les}))
	_, err := st.Import(ctx, "sdn", source(person("p1", "Joaquin Guzman Loera", "birthDate", "1957-04-04"),
		person("p2", "Ismael Zambada Garcia")), store.ImportOptions{})
	must(err)
	_, err = st.Import(ctx, "case", source(person("c1", "Tomas Yarrington Ruvalcaba")), store.ImportOptions{})
	must(err)
	var stmts []store.Statement
	for _, s := range person("p2", "").Statements("case", "case:2") {
		stmts = append(stmts, store.Statement{Statement: s, Marking: les})
	}
	stmts = append(stmts, store.Statement{Statement: ftm.Statement{EntityID: "p2", Schema: "Person", Prop: "alias",
		Value: "Vicente Carrillo Fuentes", Dataset: "case", Target: true}, Marking: les})
	must(st.PutStatements(ctx, stmts))
	return st
}

func screenOne(t *testing.T, svc *screening.Service, v access.Viewer, name string) []screening.Match {
	t.Helper()
	res, err := svc.Screen(ctx, v, []screening.Subject{{ID: "1", Query: screen.Query{Schema: "Person", Names: []string{name}}}}, screening.Request{})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].Matches
}

func TestScreenAccess(t *testing.T) {
	st := setup(t)
	svc := screening.New(st, screening.Options{})
	if err := svc.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if got := svc.Len(); got != 3 {
		t.Errorf("indexed %d entities, want 3", got)
	}
	for _, tc := range []struct {
		name   string
		v      access.Viewer
		query  string
		wantID string // "" for no match
	}{
		{"public entity, anyone", access.Viewer{}, "Joaquin Guzman Loera", "p1"},
		{"LES case entity, own agency", alice, "Tomas Yarrington Ruvalcaba", "c1"},
		{"LES case entity, other agency", bob, "Tomas Yarrington Ruvalcaba", ""},
		{"LES case entity, anonymous", access.Viewer{}, "Tomas Yarrington Ruvalcaba", ""},
		{"LES case entity, system", access.SystemViewer(), "Tomas Yarrington Ruvalcaba", "c1"},
		{"LES alias of a public entity, own agency", alice, "Vicente Carrillo Fuentes", "p2"},
		{"LES alias of a public entity, other agency", bob, "Vicente Carrillo Fuentes", ""},
		{"public name of an entity with an LES alias, other agency", bob, "Ismael Zambada Garcia", "p2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := screenOne(t, svc, tc.v, tc.query)
			got := ""
			if len(ms) > 0 {
				got = ms[0].EntityID
			}
			if got != tc.wantID {
				t.Errorf("screen %q: got %q (%+v), want %q", tc.query, got, ms, tc.wantID)
			}
			if len(ms) > 1 && ms[0].EntityID == ms[1].EntityID {
				t.Errorf("entity reported twice: %+v", ms)
			}
		})
	}
}

func TestClearance(t *testing.T) {
	st := setup(t)
	svc := screening.New(st, screening.Options{})
	if err := svc.Build(ctx); err != nil {
		t.Fatal(err)
	}
	q := screen.Query{Schema: "Person", Names: []string{"Joaquin Guzman Loera"}, BirthDates: []string{"1957"}}
	key := screening.SubjectKey("", q)
	if got := screening.SubjectKey("", screen.Query{Schema: "Person", Names: []string{"  JOAQUÍN guzman loera"}, BirthDates: []string{"1957"}}); got != key {
		t.Errorf("subject key of the same subject written differently: got %s, want %s", got, key)
	}
	if _, err := svc.Clear(ctx, bob, key, "c1", "x"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
		t.Errorf("clearing an entity the viewer cannot see: got %v, want not_found", err)
	}
	if _, err := svc.Clear(ctx, alice, key, "p1", "different person: born 1971"); err != nil {
		t.Fatal(err)
	}
	screenQ := func(v access.Viewer) screening.Match {
		res, err := svc.Screen(ctx, v, []screening.Subject{{ID: "x", Query: q}}, screening.Request{})
		if err != nil || len(res[0].Matches) == 0 {
			t.Fatalf("screen: %v, %+v", err, res)
		}
		return res[0].Matches[0]
	}
	if m := screenQ(alice); !m.Cleared || m.ClearedBy != "alice" || m.ClearedReason != "different person: born 1971" {
		t.Errorf("after clearing: got %+v, want cleared by alice", m)
	}
	if m := screenQ(bob); m.Cleared {
		t.Errorf("another agency: got cleared %+v, want a plain hit", m)
	}
	// The listed entity changes: the clearance no longer holds.
	d, err := st.Import(ctx, "sdn", source(person("p1", "Joaquin Guzman Loera", "birthDate", "1957-04-04", "alias", "El Chapo"),
		person("p2", "Ismael Zambada Garcia")), store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Apply(ctx, screening.Update{Dataset: d.Dataset, Version: d.Version, Added: d.Added, Changed: d.Changed, Removed: d.Removed}); err != nil {
		t.Fatal(err)
	}
	if m := screenQ(alice); m.Cleared {
		t.Errorf("after the entity changed: got cleared %+v, want a new hit", m)
	}
}

func TestMonitoring(t *testing.T) {
	st := setup(t)
	svc := screening.New(st, screening.Options{})
	if err := svc.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateMonitor(ctx, alice, screening.QuerySpec{Schema: "Person"}, "", 0); nexus.ErrorCode(err) != nexus.EINVALID {
		t.Errorf("monitor without a name: got %v, want invalid", err)
	}
	m, err := svc.CreateMonitor(ctx, alice, screening.QuerySpec{Schema: "Person", Name: "Rafael Caro Quintero", BirthDate: "1952"}, "RCQ", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateMonitor(ctx, bob, screening.QuerySpec{Name: "Someone Else Entirely"}, "", 0); err != nil {
		t.Fatal(err)
	}
	apply := func(es ...*ftm.Entity) []store.Alert {
		t.Helper()
		d, err := st.Import(ctx, "sdn", source(es...), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		alerts, err := svc.Apply(ctx, screening.Update{Dataset: d.Dataset, Version: d.Version, Added: d.Added, Changed: d.Changed, Removed: d.Removed})
		if err != nil {
			t.Fatal(err)
		}
		// Re-delivery of the same delta raises nothing new.
		again, err := svc.Apply(ctx, screening.Update{Dataset: d.Dataset, Version: d.Version, Added: d.Added, Changed: d.Changed, Removed: d.Removed})
		if err != nil || len(again) != 0 {
			t.Errorf("re-applying the delta: got %d alerts (%v), want none", len(again), err)
		}
		return alerts
	}
	base := []*ftm.Entity{person("p1", "Joaquin Guzman Loera", "birthDate", "1957-04-04"), person("p2", "Ismael Zambada Garcia")}
	v2 := append(base, person("p3", "CARO QUINTERO, Rafael", "birthDate", "1952-10-03"))
	alerts := apply(v2...)
	if len(alerts) != 1 || alerts[0].EntityID != "p3" || alerts[0].MonitorID != m.ID || alerts[0].Agency != "fbi" || alerts[0].Version != 2 {
		t.Fatalf("alerts after adding a match: got %+v, want one for p3", alerts)
	}
	if got := apply(v2...); len(got) != 0 {
		t.Errorf("identical re-import: got %+v, want no alert", got)
	}
	page, total, err := st.Alerts(ctx, alice, store.AlertQuery{})
	if err != nil || total != 1 || page[0].EntityID != "p3" {
		t.Errorf("alice's alerts: got %+v total %d (%v), want p3", page, total, err)
	}
	if _, total, _ := st.Alerts(ctx, bob, store.AlertQuery{}); total != 0 {
		t.Errorf("bob's alerts: got %d, want 0", total)
	}
	// A matching entity that is already in the index is not re-alerted
	// unless it changes.
	if got := apply(append(base, person("p3", "CARO QUINTERO, Rafael", "birthDate", "1952-10-03", "alias", "El Principe"))...); len(got) != 1 {
		t.Errorf("the matched entity changed: got %d alerts, want 1 (new fingerprint)", len(got))
	}
}
