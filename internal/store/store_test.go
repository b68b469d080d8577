package store_test

import (
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

var ctx = context.Background()

func person(id, name string, props ...string) *ftm.Entity {
	e := ftm.NewEntity("Person", id)
	e.Target = true
	e.Add("name", name)
	for i := 0; i+1 < len(props); i += 2 {
		e.Add(props[i], props[i+1])
	}
	return e
}

func source(es ...*ftm.Entity) store.Source { return store.SourceOf("test.csv", es...) }

func putPublic(t *testing.T, s *store.Store, name string) {
	t.Helper()
	if err := s.PutDataset(ctx, store.Dataset{Name: name, Title: name, Class: store.ClassPublicList}); err != nil {
		t.Fatal(err)
	}
}

func mustImport(t *testing.T, s *store.Store, dataset string, src store.Source) store.Delta {
	t.Helper()
	d, err := s.Import(ctx, dataset, src, store.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return d
}

func code(err error) string { return nexus.ErrorCode(err) }

var sys = access.SystemViewer()

func TestImportDelta(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		putPublic(t, s, "ofac")
		t0 := clk.Now().Truncate(time.Microsecond)

		org := ftm.NewEntity("Organization", "ofac-1")
		org.Target = true
		org.Add("name", "Los Zetas")
		org.Add("topics", "crime", "crime.traffick")
		v1 := []*ftm.Entity{org, person("ofac-2", "Ali Baba", "alias", "Zeta One"), person("ofac-3", "Jane Roe")}

		d := mustImport(t, s, "ofac", source(v1...))
		want := store.Delta{Dataset: "ofac", Version: 1, Time: t0, Added: []string{"ofac-1", "ofac-2", "ofac-3"},
			Changed: []string{}, Removed: []string{}, Entities: 3, Statements: 9}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("first import delta (-want +got):\n%s", diff)
		}

		clk.Advance(time.Hour)
		t1 := clk.Now().Truncate(time.Microsecond)
		d = mustImport(t, s, "ofac", source(v1...))
		if !d.Empty() || d.Unchanged != 3 || d.Version != 2 {
			t.Errorf("identical re-import: got %+v, want empty delta, 3 unchanged, version 2", d)
		}
		stmts, err := s.EntityStatements(ctx, sys, "ofac-2")
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stmts {
			if !st.FirstSeen.Equal(t0) || !st.LastSeen.Equal(t1) {
				t.Errorf("statement %s/%s: got first_seen %v last_seen %v, want %v and %v", st.Prop, st.Value, st.FirstSeen, st.LastSeen, t0, t1)
			}
		}

		clk.Advance(time.Hour)
		t2 := clk.Now().Truncate(time.Microsecond)
		v3 := []*ftm.Entity{org, person("ofac-2", "Ali Baba", "alias", "Zeta One", "alias", "Ali B."), person("ofac-4", "John Doe")}
		d = mustImport(t, s, "ofac", source(v3...))
		want = store.Delta{Dataset: "ofac", Version: 3, Time: t2, Added: []string{"ofac-4"}, Changed: []string{"ofac-2"},
			Removed: []string{"ofac-3"}, Unchanged: 1, Entities: 3, Statements: 10}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("modified import delta (-want +got):\n%s", diff)
		}
		if _, err := s.Entity(ctx, sys, "ofac-3"); code(err) != nexus.ENOTFOUND {
			t.Errorf("removed entity: got %v, want not_found", err)
		}
		e, err := s.Entity(ctx, sys, "ofac-2")
		if err != nil {
			t.Fatal(err)
		}
		wantE := &ftm.Entity{ID: "ofac-2", Schema: "Person", Target: true, Datasets: []string{"ofac"},
			Properties: map[string][]string{"name": {"Ali Baba"}, "alias": {"Zeta One", "Ali B."}},
			FirstSeen:  t0.Format(time.RFC3339), LastSeen: t2.Format(time.RFC3339)}
		if diff := cmp.Diff(wantE, e); diff != "" {
			t.Errorf("entity (-want +got):\n%s", diff)
		}
		stmts, err = s.EntityStatements(ctx, sys, "ofac-2")
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stmts {
			wantFirst := t0
			if st.Value == "Ali B." {
				wantFirst = t2
			}
			if !st.FirstSeen.Equal(wantFirst) {
				t.Errorf("statement %s: got first_seen %v, want %v", st.Value, st.FirstSeen, wantFirst)
			}
		}
		ds, err := s.GetDataset(ctx, "ofac")
		if err != nil {
			t.Fatal(err)
		}
		if ds.Version != 3 || !ds.UpdatedAt.Equal(t2) {
			t.Errorf("dataset: got version %d updated %v, want 3 and %v", ds.Version, ds.UpdatedAt, t2)
		}
		if _, err := s.Import(ctx, "nope", source(org), store.ImportOptions{}); code(err) != nexus.ENOTFOUND {
			t.Errorf("import into unknown dataset: got %v, want not_found", err)
		}
	})
}

// TestImportManyBatches re-imports a list larger than one batch of either
// dialect with every kind of change, so each batch path upserts rows that
// are new, rows whose metadata changed and rows that only were seen again.
func TestImportManyBatches(t *testing.T) {
	list := func(ids []int, alias func(i int) bool, target func(i int) bool) []*ftm.Entity {
		var es []*ftm.Entity
		for _, i := range ids {
			e := person(fmt.Sprintf("p-%04d", i), fmt.Sprintf("Person %d", i), "idNumber", fmt.Sprintf("ID%d", i),
				"nationality", "mx", "birthDate", fmt.Sprintf("19%02d", i%100))
			if alias(i) {
				e.Add("alias", fmt.Sprintf("Alias %d", i))
			}
			e.Target = target(i)
			es = append(es, e)
		}
		return es
	}
	never := func(int) bool { return false }
	always := func(int) bool { return true }
	var v1, v2 []int
	for i := range 1600 {
		if i < 1500 {
			v1 = append(v1, i)
		}
		if i >= 100 { // 0-99 removed, 1500-1599 added
			v2 = append(v2, i)
		}
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		putPublic(t, s, "big")
		t0 := clk.Now().Truncate(time.Microsecond)
		d := mustImport(t, s, "big", source(list(v1, never, always)...))
		if len(d.Added) != 1500 || d.Statements != 1500*5 {
			t.Fatalf("first import: got %d added, %d statements, want 1500 and %d", len(d.Added), d.Statements, 1500*5)
		}

		clk.Advance(time.Hour)
		t1 := clk.Now().Truncate(time.Microsecond)
		// 100-199 gain an alias, 200-299 stop being targets.
		d = mustImport(t, s, "big", source(list(v2, func(i int) bool { return i < 200 }, func(i int) bool { return i < 200 || i >= 300 })...))
		if len(d.Added) != 100 || len(d.Removed) != 100 || len(d.Changed) != 200 || d.Unchanged != 1200 || d.Statements != 1500*5+100 {
			t.Errorf("second import: got %d added, %d removed, %d changed, %d unchanged, %d statements; want 100, 100, 200, 1200, %d",
				len(d.Added), len(d.Removed), len(d.Changed), d.Unchanged, d.Statements, 1500*5+100)
		}
		if d.Added[0] != "p-1500" || d.Removed[0] != "p-0000" || d.Changed[0] != "p-0100" || d.Changed[199] != "p-0299" {
			t.Errorf("second import: got added %s…, removed %s…, changed %s…%s", d.Added[0], d.Removed[0], d.Changed[0], d.Changed[199])
		}
		for _, tt := range []struct {
			id          string
			first, last time.Time
			target      bool
		}{
			{"p-0150", t0, t1, true},  // gained an alias
			{"p-0250", t0, t1, false}, // no longer a target
			{"p-0999", t0, t1, true},  // unchanged
			{"p-1550", t1, t1, true},  // new
		} {
			stmts, err := s.EntityStatements(ctx, sys, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range stmts {
				first := tt.first
				if st.Prop == "alias" {
					first = t1
				}
				if !st.FirstSeen.Equal(first) || !st.LastSeen.Equal(tt.last) || st.Target != tt.target {
					t.Errorf("%s %s: got first_seen %v, last_seen %v, target %t; want %v, %v, %t",
						tt.id, st.Prop, st.FirstSeen, st.LastSeen, st.Target, first, tt.last, tt.target)
				}
			}
		}
		if _, err := s.Entity(ctx, sys, "p-0050"); code(err) != nexus.ENOTFOUND {
			t.Errorf("removed entity: got %v, want not_found", err)
		}
	})
}

// snapshot is everything a failed import must leave as it was.
func snapshot(t *testing.T, s *store.Store) any {
	t.Helper()
	ds, err := s.Datasets(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	var stmts []store.Statement
	err = s.EachEntity(ctx, sys, store.EntityQuery{}, func(e *ftm.Entity) error {
		st, err := s.EntityStatements(ctx, sys, e.ID)
		stmts = append(stmts, st...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return []any{ds, stmts}
}

func TestImportFailureLeavesStoreUntouched(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		src     func(cancel func()) store.Source
		wantErr error
	}{
		{"source error", func(func()) store.Source {
			return func(ctx context.Context, emit store.Emit) error {
				for i := range 700 {
					if err := emit(person(fmt.Sprintf("x-%d", i), "New Person"), ""); err != nil {
						return err
					}
				}
				return boom
			}
		}, boom},
		{"cancelled", func(cancel func()) store.Source {
			return func(ctx context.Context, emit store.Emit) error {
				for i := range 2000 {
					if i == 600 {
						cancel()
					}
					if err := emit(person(fmt.Sprintf("x-%d", i), "New Person"), ""); err != nil {
						return err
					}
				}
				return nil
			}
		}, context.Canceled},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		mustImport(t, s, "ofac", source(person("ofac-1", "Ali Baba"), person("ofac-2", "Jane Roe")))
		before := snapshot(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ictx, cancel := context.WithCancel(ctx)
				defer cancel()
				_, err := s.Import(ictx, "ofac", tt.src(cancel), store.ImportOptions{})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want %v", err, tt.wantErr)
				}
				if diff := cmp.Diff(before, snapshot(t, s)); diff != "" {
					t.Errorf("store changed (-before +after):\n%s", diff)
				}
			})
		}
	})
}

func TestMarkings(t *testing.T) {
	les := access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "A"}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		if err := s.PutDataset(ctx, store.Dataset{Name: "case_a", Class: store.ClassCase, Owner: "A", DefaultMarking: les}); err != nil {
			t.Fatal(err)
		}
		mustImport(t, s, "ofac", source(person("p1", "Ali Baba")))
		mustImport(t, s, "case_a", source(person("s1", "Hidden Person", "alias", "El Secreto Dos")))
		err := s.PutStatements(ctx, []store.Statement{{Statement: ftm.Statement{EntityID: "p1", Schema: "Person",
			Prop: "alias", Value: "El Secreto", Dataset: "case_a", Target: true}, Marking: les}})
		if err != nil {
			t.Fatal(err)
		}

		type want struct {
			seeHidden bool // s1 and p1's alias
			total     int  // Entities and CountEntities, no filter
			caseA     int  // Datasets count for case_a
		}
		viewers := []struct {
			name string
			v    access.Viewer
			want want
		}{
			{"agency A with CUI and LES", access.Viewer{Agency: "A", CUI: true, Caveats: []string{"LES"}}, want{true, 2, 2}},
			{"agency B with CUI and LES", access.Viewer{Agency: "B", CUI: true, Caveats: []string{"LES"}}, want{false, 1, 0}},
			{"agency A without LES", access.Viewer{Agency: "A", CUI: true}, want{false, 1, 0}},
			{"anonymous", access.Viewer{}, want{false, 1, 0}},
			{"system", sys, want{true, 2, 2}},
		}
		for _, vt := range viewers {
			t.Run(vt.name, func(t *testing.T) {
				v, w := vt.v, vt.want
				_, err := s.Entity(ctx, v, "s1")
				if got := err == nil; got != w.seeHidden {
					t.Errorf("Entity(s1): got err %v, want visible %v", err, w.seeHidden)
				}
				if !w.seeHidden && code(err) != nexus.ENOTFOUND {
					t.Errorf("Entity(s1): got %v, want not_found", err)
				}
				if _, err := s.EntityStatements(ctx, v, "s1"); (err == nil) != w.seeHidden {
					t.Errorf("EntityStatements(s1): got err %v, want visible %v", err, w.seeHidden)
				}
				p1, err := s.Entity(ctx, v, "p1")
				if err != nil {
					t.Fatalf("Entity(p1): %v", err)
				}
				if got := slices.Contains(p1.Get("alias"), "El Secreto"); got != w.seeHidden {
					t.Errorf("p1 alias visible: got %v, want %v", got, w.seeHidden)
				}
				if got := p1.First("name"); got != "Ali Baba" {
					t.Errorf("p1 name: got %q, want Ali Baba", got)
				}
				stmts, err := s.EntityStatements(ctx, v, "p1")
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range stmts {
					if !access.CanSee(v, st.Marking) {
						t.Errorf("statement %s %q with marking %s returned to a viewer who cannot see it", st.Prop, st.Value, st.Marking)
					}
				}
				if got, want := len(stmts), map[bool]int{true: 3, false: 2}[w.seeHidden]; got != want {
					t.Errorf("p1 statements: got %d, want %d", got, want)
				}
				es, total, err := s.Entities(ctx, v, store.EntityQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if total != w.total || len(es) != w.total {
					t.Errorf("Entities: got %d entities, total %d, want %d", len(es), total, w.total)
				}
				wantQ := map[bool]int{true: 2, false: 0}[w.seeHidden]
				for _, q := range []store.EntityQuery{{Q: "secreto"}, {Q: "SECRETO", TargetsOnly: true}, {Dataset: "case_a"}} {
					es, total, err := s.Entities(ctx, v, q)
					if err != nil {
						t.Fatal(err)
					}
					n, err := s.CountEntities(ctx, v, q)
					if err != nil {
						t.Fatal(err)
					}
					if total != wantQ || len(es) != wantQ || n != wantQ {
						t.Errorf("query %+v: got %d entities, total %d, count %d, want %d", q, len(es), total, n, wantQ)
					}
				}
				n, err := s.CountEntities(ctx, v, store.EntityQuery{TargetsOnly: true})
				if err != nil || n != w.total {
					t.Errorf("CountEntities: got %d (%v), want %d", n, err, w.total)
				}
				ds, err := s.Datasets(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int{}
				for _, d := range ds {
					got[d.Name] = d.Entities
				}
				if diff := cmp.Diff(map[string]int{"ofac": 1, "case_a": w.caseA}, got); diff != "" {
					t.Errorf("Datasets counts (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestEntitiesQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		var es []*ftm.Entity
		var wantIDs []string
		for i := range 1203 {
			id := fmt.Sprintf("e-%05d", i)
			var e *ftm.Entity
			switch i % 3 {
			case 0:
				e = person(id, fmt.Sprintf("Person %d", i))
			case 1:
				e = ftm.NewEntity("Company", id)
				e.Target = true
				e.Add("name", fmt.Sprintf("Company %d_x", i))
			case 2:
				e = ftm.NewEntity("Address", id)
				e.Add("full", "1 Main St")
			}
			es = append(es, e)
			wantIDs = append(wantIDs, id)
		}
		mustImport(t, s, "ofac", source(es...))
		var got []string
		err := s.EachEntity(ctx, sys, store.EntityQuery{}, func(e *ftm.Entity) error {
			got = append(got, e.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantIDs, got); diff != "" {
			t.Errorf("EachEntity ids (-want +got):\n%s", diff)
		}
		tests := []struct {
			q         store.EntityQuery
			wantTotal int
			wantFirst string
			wantLen   int
		}{
			{store.EntityQuery{}, 1203, "e-00000", 1203},
			{store.EntityQuery{Limit: 10, Offset: 5}, 1203, "e-00005", 10},
			{store.EntityQuery{TargetsOnly: true}, 802, "e-00000", 802},
			{store.EntityQuery{Schema: "Company"}, 401, "e-00001", 401},
			{store.EntityQuery{Schema: "LegalEntity", Limit: 3}, 802, "e-00000", 3},
			{store.EntityQuery{Q: "company 10_"}, 1, "e-00010", 1}, // _ is not a wildcard
			{store.EntityQuery{Q: "COMPANY 10"}, 39, "e-00010", 39},
			{store.EntityQuery{Q: "%"}, 0, "", 0},
			{store.EntityQuery{ID: "e-00007"}, 1, "e-00007", 1},
			{store.EntityQuery{Dataset: "other"}, 0, "", 0},
		}
		for _, tt := range tests {
			es, total, err := s.Entities(ctx, sys, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			first := ""
			if len(es) > 0 {
				first = es[0].ID
			}
			if total != tt.wantTotal || len(es) != tt.wantLen || first != tt.wantFirst {
				t.Errorf("Entities(%+v): got %d entities from %q, total %d; want %d from %q, total %d",
					tt.q, len(es), first, total, tt.wantLen, tt.wantFirst, tt.wantTotal)
			}
			var n int
			err = s.EachEntity(ctx, sys, tt.q, func(*ftm.Entity) error { n++; return nil })
			if err != nil || n != tt.wantLen {
				t.Errorf("EachEntity(%+v): got %d (%v), want %d", tt.q, n, err, tt.wantLen)
			}
		}
	})
}

func TestPutStatements(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "notes")
		st := store.Statement{Statement: ftm.Statement{EntityID: "n1", Schema: "Person", Prop: "name", Value: "Analyst Note", Dataset: "notes"}}
		if err := s.PutStatements(ctx, []store.Statement{st}); err != nil {
			t.Fatal(err)
		}
		got, err := s.EntityStatements(ctx, access.Viewer{}, "n1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != ftm.StatementID("notes", "n1", "name", "Analyst Note") || got[0].Marking.Key() != access.PublicMarking().Key() {
			t.Errorf("got %+v, want one statement with the computed id and the dataset's public marking", got)
		}
		st.Dataset = "missing"
		if err := s.PutStatements(ctx, []store.Statement{st}); code(err) != nexus.ENOTFOUND && code(err) != nexus.EINVALID {
			t.Errorf("unknown dataset: got %v, want not_found or invalid", err)
		}
		st.Dataset, st.Marking = "notes", access.Marking{Classification: "SECRET", Public: true}
		if err := s.PutStatements(ctx, []store.Statement{st}); code(err) != nexus.EINVALID {
			t.Errorf("bad marking: got %v, want invalid", err)
		}
	})
}

func TestTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		if err := s.PutUser(ctx, store.User{Name: "ann", Agency: "A"}); code(err) != nexus.EINVALID {
			t.Errorf("user of unknown agency: got %v, want invalid", err)
		}
		if err := s.PutAgency(ctx, store.Agency{Code: "A", Name: "Agency A"}); err != nil {
			t.Fatal(err)
		}
		ann := store.User{Name: "ann", Agency: "A", Roles: []string{"analyst"}, CUI: true, Caveats: []string{"LES"}}
		if err := s.PutUser(ctx, ann); err != nil {
			t.Fatal(err)
		}
		u, err := s.GetUser(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ann, u, cmpopts.IgnoreFields(store.User{}, "CreatedAt")); diff != "" {
			t.Errorf("user (-want +got):\n%s", diff)
		}
		if _, err := s.GetUser(ctx, "bob"); code(err) != nexus.ENOTFOUND {
			t.Errorf("unknown user: got %v, want not_found", err)
		}
		forever, tk1, err := s.CreateToken(ctx, "ann", "cli", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		hourly, _, err := s.CreateToken(ctx, "ann", "ci", clk.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateToken(ctx, "bob", "x", time.Time{}); code(err) != nexus.ENOTFOUND {
			t.Errorf("token for unknown user: got %v, want not_found", err)
		}
		for _, secret := range []string{forever, hourly} {
			v, err := s.Authenticate(ctx, secret)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ann.Viewer(), v); diff != "" {
				t.Errorf("viewer (-want +got):\n%s", diff)
			}
		}
		clk.Advance(2 * time.Hour)
		if _, err := s.Authenticate(ctx, hourly); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("expired: got %v, want unauthenticated", err)
		}
		if _, err := s.Authenticate(ctx, forever); err != nil {
			t.Errorf("unexpired token: %v", err)
		}
		if err := s.RevokeToken(ctx, tk1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, forever); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("revoked: got %v, want unauthenticated", err)
		}
		if _, err := s.Authenticate(ctx, "nxs_nothing"); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("unknown: got %v, want unauthenticated", err)
		}
		clk.Advance(time.Second)
		third, _, err := s.CreateToken(ctx, "ann", "web", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		ann.Disabled = true
		if err := s.PutUser(ctx, ann); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, third); code(err) != nexus.EUNAUTHENTICATED {
			t.Errorf("disabled user: got %v, want unauthenticated", err)
		}
		tks, err := s.Tokens(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tk := range tks {
			names = append(names, fmt.Sprintf("%s revoked=%v expires=%v", tk.Name, tk.Revoked, tk.ExpiresAt != nil))
		}
		if diff := cmp.Diff([]string{"cli revoked=true expires=false", "ci revoked=false expires=true", "web revoked=false expires=false"}, names); diff != "" {
			t.Errorf("tokens (-want +got):\n%s", diff)
		}
		if err := s.RevokeToken(ctx, "tok_none"); code(err) != nexus.ENOTFOUND {
			t.Errorf("revoke unknown: got %v, want not_found", err)
		}
	})
}

func appendN(t *testing.T, s *store.Store, n int) []audit.Event {
	t.Helper()
	var out []audit.Event
	for i := range n {
		e, err := s.AppendAudit(ctx, audit.Event{Actor: "ann", Agency: "A", Action: audit.ActionRead,
			Object: fmt.Sprintf("entity/%d", i), Outcome: audit.Success, Detail: "ünïcode ✓"})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestAudit(t *testing.T) {
	tamper := []struct {
		name, sql, want string
	}{
		{"edited actor", "UPDATE audit_events SET actor = 'mallory' WHERE seq = 4", "audit event 4:"},
		{"deleted middle", "DELETE FROM audit_events WHERE seq = 4", "audit event 5:"},
		{"deleted last", "DELETE FROM audit_events WHERE seq = 10", "audit event 10:"},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		events := appendN(t, s, 10)
		if n, err := s.VerifyAudit(ctx); err != nil || n != 10 {
			t.Fatalf("verify: got %d, %v; want 10, nil", n, err)
		}
		var got []audit.Event
		if err := s.EachAuditEvent(ctx, 5, func(e audit.Event) error { got = append(got, e); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(events[5:], got); diff != "" {
			t.Errorf("events after 5 (-appended +read):\n%s", diff)
		}
		if !got[0].Time.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("time: got %v, want the clock's", got[0].Time)
		}
		_ = b
	})
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b backend) {
				s := b.open(t, store.Options{})
				appendN(t, s, 10)
				b.exec(t, tt.sql)
				_, err := s.VerifyAudit(ctx)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got %v, want an error naming %q", err, tt.want)
				}
			})
		})
	}
	t.Run("concurrent", func(t *testing.T) {
		forEachBackend(t, func(t *testing.T, b backend) {
			// Two stores on one database stand in for two processes.
			stores := []*store.Store{b.open(t, store.Options{}), b.open(t, store.Options{})}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Go(func() {
					for i := range 10 {
						_, err := stores[g%2].AppendAudit(ctx, audit.Event{Actor: fmt.Sprintf("u%d", g), Action: audit.ActionSearch,
							Object: fmt.Sprint(i), Outcome: audit.Success})
						if err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if n, err := stores[0].VerifyAudit(ctx); err != nil || n != 80 {
				t.Errorf("verify: got %d, %v; want 80, nil", n, err)
			}
		})
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := store.Open(ctx, b.url, store.Options{})
				if err != nil {
					errs <- err
					return
				}
				errs <- s.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent open: %v", err)
			}
		}
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		s2 := b.open(t, store.Options{})
		if _, err := s2.GetDataset(ctx, "ofac"); err != nil {
			t.Errorf("second open: %v", err)
		}
		if got := s2.Dialect(); got != b.name {
			t.Errorf("dialect: got %q, want %q", got, b.name)
		}
		if err := s2.Ping(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestNoDatabaseMocks keeps the suite honest: it runs on real databases, so
// no test file may import a SQL mock or implement a database/sql driver.
func TestNoDatabaseMocks(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); p == "database/sql/driver" || strings.Contains(p, "sqlmock") || strings.Contains(p, "mock") {
				t.Errorf("%s imports %s: store tests use real databases", f, p)
			}
		}
	}
}
