package store_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

// TestEachTarget checks that the screening index's one-query load returns
// what the general reads do: EachEntity for the system viewer with
// TargetsOnly, EntityMarkings, and EntitiesByID for the public.
func TestEachTarget(t *testing.T) {
	les := access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "A"}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		if err := s.PutDataset(ctx, store.Dataset{Name: "case_a", Class: store.ClassCase, Owner: "A", DefaultMarking: les}); err != nil {
			t.Fatal(err)
		}
		p1 := person("p1", "Ali Baba")
		p1.Add("alias", "Ali B.")
		p1.Add("birthDate", "1970-01-01")
		vessel := ftm.NewEntity("Vessel", "v1")
		vessel.Add("name", "Not A Target")
		mustImport(t, s, "ofac", source(p1, person("p2", "Jane Roe"), vessel))
		mustImport(t, s, "case_a", source(person("s1", "Hidden Person")))
		err := s.PutStatements(ctx, []store.Statement{
			{Statement: ftm.Statement{EntityID: "p1", Schema: "Person", Prop: "alias", Value: "El Secreto", Dataset: "case_a", Target: true}, Marking: les},
			{Statement: ftm.Statement{EntityID: "p2", Schema: "Person", Prop: "notes", Value: "not a target statement", Dataset: "case_a"}, Marking: les},
		})
		if err != nil {
			t.Fatal(err)
		}
		public, err := s.VisibleMarkingIDs(ctx, access.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		var want, got []store.Target
		var ids []string
		err = s.EachEntity(ctx, access.SystemViewer(), store.EntityQuery{TargetsOnly: true}, func(e *ftm.Entity) error {
			want = append(want, store.Target{Entity: e})
			ids = append(ids, e.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		markings, err := s.EntityMarkings(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		pubs, err := s.EntitiesByID(ctx, access.Viewer{}, ids)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]*ftm.Entity{}
		for _, p := range pubs {
			byID[p.ID] = p
		}
		for i := range want {
			want[i].Markings = markings[want[i].Entity.ID]
			want[i].Public = byID[want[i].Entity.ID]
		}
		err = s.EachTarget(ctx, public, func(tg store.Target) error {
			got = append(got, tg)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("got %d targets, want p1, p2 and s1", len(got))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("EachTarget (-general reads +EachTarget):\n%s", diff)
		}
		for _, tg := range got {
			if all := len(tg.Markings) == 1 && public[tg.Markings[0]]; all != (tg.Public == tg.Entity) {
				t.Errorf("%s: Public should be Entity itself exactly when every statement is public", tg.Entity.ID)
			}
		}
	})
}
