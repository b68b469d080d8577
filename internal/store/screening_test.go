package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

func TestEntityMarkings(t *testing.T) {
	les := access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "A"}
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		putPublic(t, s, "ofac")
		if err := s.PutDataset(ctx, store.Dataset{Name: "case_a", Class: store.ClassCase, Owner: "A", DefaultMarking: les}); err != nil {
			t.Fatal(err)
		}
		mustImport(t, s, "ofac", source(person("p1", "Ali Baba"), person("p2", "Jane Roe")))
		mustImport(t, s, "case_a", source(person("s1", "Hidden Person")))
		err := s.PutStatements(ctx, []store.Statement{{Statement: ftm.Statement{EntityID: "p1", Schema: "Person",
			Prop: "alias", Value: "El Secreto", Dataset: "case_a", Target: true}, Marking: les}})
		if err != nil {
			t.Fatal(err)
		}
		public, err := s.VisibleMarkingIDs(ctx, access.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		agencyA, err := s.VisibleMarkingIDs(ctx, access.Viewer{Agency: "A", CUI: true, Caveats: []string{"LES"}})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.EntityMarkings(ctx, []string{"p1", "p2", "s1", "nope"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 3 || len(ms["p1"]) != 2 || len(ms["p2"]) != 1 || len(ms["s1"]) != 1 {
			t.Fatalf("EntityMarkings: got %v, want p1 with two markings, p2 and s1 with one", ms)
		}
		if !public[ms["p2"][0]] || public[ms["s1"][0]] || !agencyA[ms["s1"][0]] {
			t.Errorf("visibility: public %v, agency A %v, markings %v", public, agencyA, ms)
		}
		es, err := s.EntitiesByID(ctx, access.Viewer{}, []string{"p1", "s1", "p2"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.ID+":"+e.First("name")+":"+e.First("alias"))
		}
		if diff := cmp.Diff([]string{"p1:Ali Baba:", "p2:Jane Roe:"}, got); diff != "" {
			t.Errorf("EntitiesByID for the public (-want +got):\n%s", diff)
		}
	})
}

func TestClearances(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		c := store.Clearance{Agency: "fbi", SubjectKey: "q-1", EntityID: "ofac-1", Fingerprint: "f1", Reason: "different DOB", ClearedBy: "alice"}
		got, err := s.PutClearance(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ClearedAt.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("cleared at: got %v, want %v", got.ClearedAt, clk.Now())
		}
		if _, err := s.PutClearance(ctx, store.Clearance{Agency: "fbi", SubjectKey: "q-1", EntityID: "ofac-2", Fingerprint: "f"}); code(err) != nexus.EINVALID {
			t.Errorf("clearance without reason: got %v, want invalid", err)
		}
		clk.Advance(time.Hour)
		c.Fingerprint, c.Reason, c.ClearedBy = "f2", "other person", "carol"
		if _, err := s.PutClearance(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutClearance(ctx, store.Clearance{Agency: "dea", SubjectKey: "q-1", EntityID: "ofac-1", Fingerprint: "f9", Reason: "x", ClearedBy: "bob"}); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Clearances(ctx, "fbi", []string{"q-1", "q-2", "q-1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Fingerprint != "f2" || cs[0].ClearedBy != "carol" || cs[0].Reason != "other person" {
			t.Errorf("fbi clearances: got %+v, want the one replaced by carol", cs)
		}
		if cs, _ := s.Clearances(ctx, "cia", []string{"q-1"}); len(cs) != 0 {
			t.Errorf("another agency's clearances: got %+v, want none", cs)
		}
	})
}

func TestMonitorsAndAlerts(t *testing.T) {
	les := access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "fbi"}
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := b.open(t, store.Options{Now: clk.Now})
		putPublic(t, s, "ofac")
		if err := s.PutDataset(ctx, store.Dataset{Name: "case", Class: store.ClassCase, Owner: "fbi", DefaultMarking: les}); err != nil {
			t.Fatal(err)
		}
		mustImport(t, s, "ofac", source(person("p1", "Ali Baba")))
		mustImport(t, s, "case", source(person("s1", "Hidden Person")))
		ms, err := s.EntityMarkings(ctx, []string{"p1", "s1"})
		if err != nil {
			t.Fatal(err)
		}

		q := json.RawMessage(`{"schema":"Person","names":["Ali Baba"]}`)
		if _, err := s.CreateMonitor(ctx, store.Monitor{Agency: "fbi", SubjectKey: "k"}); code(err) != nexus.EINVALID {
			t.Errorf("monitor without query: got %v, want invalid", err)
		}
		m1, err := s.CreateMonitor(ctx, store.Monitor{Agency: "fbi", SubjectKey: "k1", Label: "Ali", Query: q, Threshold: 0.8, CreatedBy: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		m2, err := s.CreateMonitor(ctx, store.Monitor{Agency: "dea", SubjectKey: "k2", Query: q, CreatedBy: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if m1.ID == 0 || m2.ID == m1.ID {
			t.Fatalf("monitor ids: %d, %d", m1.ID, m2.ID)
		}
		mons, err := s.Monitors(ctx, access.Viewer{Agency: "fbi"})
		if err != nil {
			t.Fatal(err)
		}
		if len(mons) != 1 || mons[0].ID != m1.ID || string(mons[0].Query) != string(q) || mons[0].Threshold != 0.8 {
			t.Errorf("fbi monitors: got %+v", mons)
		}
		if all, _ := s.Monitors(ctx, sys); len(all) != 2 {
			t.Errorf("system monitors: got %d, want 2", len(all))
		}

		alerts := []store.Alert{
			{MonitorID: m1.ID, Agency: "fbi", SubjectKey: "k1", EntityID: "p1", Fingerprint: "f1", Score: 0.9, Caption: "Ali Baba",
				Schema: "Person", Datasets: []string{"ofac"}, Explanation: "same name", Dataset: "ofac", Version: 1, Markings: ms["p1"]},
			{MonitorID: m1.ID, Agency: "fbi", SubjectKey: "k1", EntityID: "s1", Fingerprint: "f2", Score: 0.8, Caption: "Hidden Person",
				Schema: "Person", Datasets: []string{"case"}, Markings: ms["s1"]},
			{MonitorID: m2.ID, Agency: "dea", SubjectKey: "k2", EntityID: "p1", Fingerprint: "f1", Score: 0.9, Caption: "Ali Baba",
				Schema: "Person", Datasets: []string{"ofac"}, Markings: ms["p1"]},
		}
		added, err := s.AddAlerts(ctx, alerts)
		if err != nil {
			t.Fatal(err)
		}
		if len(added) != 3 {
			t.Fatalf("added %d alerts, want 3", len(added))
		}
		again, err := s.AddAlerts(ctx, append(alerts[:1:1], store.Alert{MonitorID: m1.ID, Agency: "fbi", SubjectKey: "k1",
			EntityID: "p1", Fingerprint: "f3", Score: 0.9, Markings: ms["p1"]}))
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 1 || again[0].Fingerprint != "f3" {
			t.Errorf("re-adding: got %+v, want only the alert with the new fingerprint", again)
		}

		ids := func(as []store.Alert) []string {
			var out []string
			for _, a := range as {
				out = append(out, a.EntityID+"/"+a.Fingerprint)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			v    access.Viewer
			want []string
		}{
			{"fbi with LES", access.Viewer{Name: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}}, []string{"p1/f3", "s1/f2", "p1/f1"}},
			{"fbi without LES", access.Viewer{Name: "eve", Agency: "fbi"}, []string{"p1/f3", "p1/f1"}},
			{"dea with LES", access.Viewer{Name: "bob", Agency: "dea", CUI: true, Caveats: []string{"LES"}}, []string{"p1/f1"}},
			{"system", sys, []string{"p1/f3", "p1/f1", "s1/f2", "p1/f1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.Alerts(ctx, tc.v, store.AlertQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, ids(got)); diff != "" || total != len(tc.want) {
					t.Errorf("alerts (total %d) (-want +got):\n%s", total, diff)
				}
			})
		}
		page, total, err := s.Alerts(ctx, access.Viewer{Agency: "fbi", CUI: true, Caveats: []string{"LES"}}, store.AlertQuery{Limit: 1, Offset: 1})
		if err != nil || total != 3 || len(page) != 1 || page[0].EntityID != "s1" {
			t.Errorf("page 2 of 1: got %v total %d (%v), want s1 of 3", ids(page), total, err)
		}
		if !slices.Equal(page[0].Datasets, []string{"case"}) || page[0].Caption != "Hidden Person" || page[0].Status != store.AlertOpen {
			t.Errorf("alert fields: got %+v", page[0])
		}

		clk.Advance(time.Minute)
		sid := added[1].ID // s1, LES
		if _, err := s.SetAlertStatus(ctx, access.Viewer{Name: "eve", Agency: "fbi"}, sid, store.AlertClosed, "x"); code(err) != nexus.ENOTFOUND {
			t.Errorf("closing an alert the viewer cannot see: got %v, want not_found", err)
		}
		if _, err := s.SetAlertStatus(ctx, access.Viewer{Name: "bob", Agency: "dea", CUI: true, Caveats: []string{"LES"}}, sid, store.AlertClosed, "x"); code(err) != nexus.ENOTFOUND {
			t.Errorf("closing another agency's alert: got %v, want not_found", err)
		}
		if _, err := s.SetAlertStatus(ctx, access.Viewer{Name: "alice", Agency: "fbi"}, sid, "done", ""); code(err) != nexus.EINVALID {
			t.Errorf("unknown status: got %v, want invalid", err)
		}
		a, err := s.SetAlertStatus(ctx, access.Viewer{Name: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}}, sid, store.AlertEscalated, "to the task force")
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != store.AlertEscalated || a.Note != "to the task force" || a.UpdatedBy != "alice" || !a.UpdatedAt.After(a.CreatedAt) {
			t.Errorf("escalated alert: got %+v", a)
		}
		open, total, err := s.Alerts(ctx, sys, store.AlertQuery{Status: store.AlertOpen, MonitorID: m1.ID})
		if err != nil || total != 2 || len(open) != 2 {
			t.Errorf("open alerts of monitor 1: got %v total %d (%v), want 2", ids(open), total, err)
		}
	})
}
