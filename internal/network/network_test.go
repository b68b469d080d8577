package network_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/graph"
	"github.com/nexus-intel/nexus/internal/network"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

var ctx = context.Background()

var les = access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "fbi"}

var (
	alice = access.Viewer{UserID: "alice", Name: "alice", Agency: "fbi", CUI: true, Caveats: []string{"LES"}}
	bob   = access.Viewer{UserID: "bob", Name: "bob", Agency: "dea", CUI: true, Caveats: []string{"LES"}}
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// urls returns a fresh SQLite file and, when NEXUS_TEST_POSTGRES_URL is
// set, a fresh PostgreSQL schema dropped when the test ends.
func urls(t *testing.T) map[string]string {
	out := map[string]string{"sqlite": filepath.Join(t.TempDir(), "nexus.db")}
	if url := storetest.PostgresURL(t); url != "" {
		out["postgres"] = url
	}
	return out
}

func ent(schema, id string, props ...string) *ftm.Entity {
	e := ftm.NewEntity(schema, id)
	for i := 0; i+1 < len(props); i += 2 {
		e.Add(props[i], props[i+1])
	}
	return e
}

// setup stores a public list (a trafficker with a phone, a courier, a
// terrorist group) and an FBI case file marked LES that records the
// courier's membership of the group and, on the courier, the trafficker's
// phone number. Alice (FBI) sees the case file; Bob (DEA) does not.
func setup(t *testing.T, url string) *store.Store {
	t.Helper()
	st := storetest.Open(t, url, store.Options{Logger: quiet()})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.PutAgency(ctx, store.Agency{Code: "fbi"}))
	must(st.PutAgency(ctx, store.Agency{Code: "dea"}))
	must(st.PutDataset(ctx, store.Dataset{Name: "list", Class: store.ClassPublicList, DefaultMarking: access.Marking{Public: true}}))
	must(st.PutDataset(ctx, store.Dataset{Name: "case", Class: store.ClassCase, Owner: "fbi", DefaultMarking: les}))
	_, err := st.Import(ctx, "list", store.SourceOf("list",
		ent("Person", "smuggler", "name", "Ramon Vega", "topics", "crime.traffick", "phone", "+52 55 1234 5678"),
		ent("Person", "courier", "name", "Ali Hassan"),
		ent("Organization", "group", "name", "Northern Front", "topics", "crime.terror"),
		ent("Person", "bystander", "name", "Eve Public"),
		ent("Associate", "a1", "person", "bystander", "associate", "smuggler", "relationship", "neighbour"),
	), store.ImportOptions{})
	must(err)
	_, err = st.Import(ctx, "case", store.SourceOf("case",
		ent("Membership", "m1", "member", "courier", "organization", "group", "role", "fundraiser", "startDate", "2019"),
	), store.ImportOptions{})
	must(err)
	must(st.PutStatements(ctx, []store.Statement{{Statement: ftm.Statement{EntityID: "courier", Schema: "Person",
		Prop: "phone", Value: "+52 (55) 1234-5678", Dataset: "case"}, Marking: les}}))
	return st
}

func TestHiddenStatementsNeverShapeTheGraph(t *testing.T) {
	for name, url := range urls(t) {
		t.Run(name, func(t *testing.T) {
			st := setup(t, url)
			svc := network.New(st, network.Options{Logger: quiet()})

			na, err := svc.Network(ctx, alice, "")
			if err != nil {
				t.Fatal(err)
			}
			nb, err := svc.Network(ctx, bob, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(na.Links) != 3 || len(nb.Links) != 1 {
				t.Errorf("got %d links for alice and %d for bob, want 3 (associate, phone, membership) and 1 (associate)", len(na.Links), len(nb.Links))
			}

			ra := na.Nexus(graph.NexusQuery{})
			if len(ra.Paths) != 1 || strings.Join(ra.Paths[0].Nodes, ">") != "smuggler>courier>group" {
				t.Fatalf("alice: got nexus paths %+v, want smuggler>courier>group", ra.Paths)
			}
			if why := strings.Join(ra.Paths[0].Hops[0].Why, ""); !strings.Contains(why, "share the phone 525512345678") {
				t.Errorf("alice: hop 1 explained as %q, want the shared phone", why)
			}
			rb := nb.Nexus(graph.NexusQuery{})
			if len(rb.Paths) != 0 || rb.Total != 0 {
				t.Errorf("bob: got %d nexus paths, want none: the links are in the FBI's case file", len(rb.Paths))
			}

			// Scores: the courier is a broker for alice, isolated for bob.
			for _, c := range []struct {
				who  string
				nw   *graph.Network
				want float64
			}{{"alice", na, 2.0 / 3}, {"bob", nb, 0}} {
				u, ok := c.nw.Node("courier")
				if !ok {
					t.Fatalf("%s: courier (a public entity) missing", c.who)
				}
				got := graph.Betweenness(c.nw.G, graph.BetweennessOptions{}).Scores[u]
				if diff := got - c.want; diff > 1e-9 || diff < -1e-9 {
					t.Errorf("%s: courier betweenness %v, want %v", c.who, got, c.want)
				}
			}

			var buf bytes.Buffer
			if err := nb.Export(&buf, "graphml"); err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"fundraiser", "5678", "m1", "case"} {
				if strings.Contains(buf.String(), secret) {
					t.Errorf("bob's export contains %q", secret)
				}
			}
			nh, err := nb.Neighbourhood("courier", 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(nh.Sub.Nodes) != 1 {
				t.Errorf("bob: courier's neighbourhood has %d nodes, want 1", len(nh.Sub.Nodes))
			}
		})
	}
}

func TestFollowKeepsGraphCurrent(t *testing.T) {
	st := setup(t, filepath.Join(t.TempDir(), "nexus.db"))
	bus, err := events.Open(ctx, events.Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	svc := network.New(st, network.Options{Logger: quiet()})
	stop, err := svc.Follow(ctx, bus)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	before, err := svc.Network(ctx, bob, "")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := svc.Network(ctx, bob, "")
	if again != before {
		t.Error("a second query with no change rebuilt the graph; want the cached one")
	}
	_, err = st.Import(ctx, "list", store.SourceOf("list",
		ent("Person", "smuggler", "name", "Ramon Vega", "topics", "crime.traffick", "phone", "+52 55 1234 5678"),
		ent("Person", "courier", "name", "Ali Hassan"),
		ent("Organization", "group", "name", "Northern Front", "topics", "crime.terror"),
		ent("Person", "bystander", "name", "Eve Public"),
		ent("Associate", "a1", "person", "bystander", "associate", "smuggler", "relationship", "neighbour"),
		ent("Employment", "e1", "employee", "courier", "employer", "group"),
	), store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, events.SubjectListUpdated, map[string]any{"dataset": "list", "version": 2, "changed": []string{"e1"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		nw, err := svc.Network(ctx, bob, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(nw.Links) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after list.updated: bob's graph still has %d links, want 2", len(nw.Links))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
