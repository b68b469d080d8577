package feed_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
	"github.com/nexus-intel/nexus/internal/store/storetest"
)

var ctx = context.Background()

// stores returns a fresh SQLite store and, when NEXUS_TEST_POSTGRES_URL is
// set, one on a fresh PostgreSQL schema.
func stores(t *testing.T) map[string]*store.Store {
	out := map[string]*store.Store{"sqlite": storetest.Open(t, filepath.Join(t.TempDir(), "nexus.db"), store.Options{})}
	if url := storetest.PostgresURL(t); url != "" {
		out["postgres"] = storetest.Open(t, url, store.Options{})
	}
	return out
}

const header = "id,timestamp,from_account,to_account,amount,currency,type\n"

// The fan-in of fan.txt arrives in two imports; the second grows the alert
// the first raised.
const part1 = header + `i1,2024-03-01T09:00:00Z,S1,H,900,USD,transfer
i2,2024-03-01T10:00:00Z,S2,H,950,USD,transfer
i3,2024-03-01T11:00:00Z,S3,H,1000,USD,ach
i5,2024-03-02T09:00:00Z,S4,H,980,USD,transfer
`
const part2 = header + `i6,2024-03-02T10:00:00Z,S5,H,1010,USD,transfer
i7,2024-03-02T11:00:00Z,S7,H,990,USD,transfer
`

const rules = `{"rules": [
 {"typology": "fan_in", "window": "2d", "min_counterparties": 4, "amount_tolerance": 0.2},
 {"typology": "exposure", "window": "30d", "max_hops": 2, "ordered": true}]}`

func newFeed(t *testing.T, s *store.Store, publish func(context.Context, string, any) error) *feed.Feed {
	t.Helper()
	rs, err := finint.ParseRules([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.New(feed.Config{Store: s, Rules: rs.Rules, Designated: feed.DesignatedHolders(s), Publish: publish})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func importCSV(f *feed.Feed, dataset, name, body string) (store.TxImport, error) {
	return f.Import(ctx, dataset, feed.ReadSource(strings.NewReader(body), "csv", name))
}

func TestFeed(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if err := s.PutDataset(ctx, store.Dataset{Name: "bank", Class: store.ClassCase, Owner: "BANK"}); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var raised []feed.Raised
			publish := func(_ context.Context, subject string, v any) error {
				mu.Lock()
				defer mu.Unlock()
				if subject != feed.SubjectAlertRaised {
					t.Errorf("published on %s", subject)
				}
				raised = append(raised, v.(feed.Raised))
				return nil
			}
			f := newFeed(t, s, publish)
			res, err := importCSV(f, "bank", "part1.csv", part1)
			if err != nil {
				t.Fatal(err)
			}
			if res.Transactions != 4 || res.AlertsRaised != 1 {
				t.Fatalf("part 1: got %+v, want 4 transactions and one fan-in alert", res)
			}

			// A malformed row fails the import, names file, line and field, and keeps nothing.
			bad := header + "i8,2024-03-02T12:00:00Z,S8,H,990,USD,transfer\ni9,2024-03-02T13:00:00Z,S9,H,lots,USD,transfer\n"
			_, err = importCSV(f, "bank", "bad.csv", bad)
			if nexus.ErrorCode(err) != nexus.EINVALID || !strings.Contains(err.Error(), "bad.csv:3, field amount") {
				t.Fatalf("bad row: got %v, want invalid naming bad.csv:3, field amount", err)
			}
			// So is a transaction older than what the dataset already holds.
			old := header + "i0,2024-02-01T09:00:00Z,S1,H,900,USD,transfer\n"
			if _, err = importCSV(f, "bank", "old.csv", old); nexus.ErrorCode(err) != nexus.EINVALID || !strings.Contains(err.Error(), "old.csv:2") {
				t.Fatalf("old row: got %v, want invalid naming old.csv:2", err)
			}

			// A restarted server (a new Feed) rebuilds the engine from the store, and the
			// second part grows the stored alert instead of raising another.
			f = newFeed(t, s, publish)
			res, err = importCSV(f, "bank", "part2.csv", part2)
			if err != nil {
				t.Fatal(err)
			}
			if res.Transactions != 2 || res.AlertsRaised != 0 || res.AlertsUpdated != 1 {
				t.Fatalf("part 2: got %+v, want the stored alert updated", res)
			}
			as, total, err := s.TxAlerts(ctx, access.SystemViewer(), store.TxAlertQuery{Dataset: "bank"})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(as[0].Transactions) != 6 || as[0].Typology != finint.FanIn {
				t.Fatalf("alerts: total %d, %+v; want one fan-in with 6 transactions (i8 was never stored)", total, as)
			}
			if len(raised) != 2 || raised[0].ID != as[0].ID || raised[1].ID != as[0].ID {
				t.Errorf("announcements: got %+v, want the alert raised then grown", raised)
			}

			// Detect over stored history agrees with streaming.
			got, err := f.Detect(ctx, "bank", []string{finint.FanIn})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != as[0].ID || len(got[0].Transactions) != 6 {
				t.Errorf("detect: got %+v, want the stored alert", got)
			}
			if _, err := f.Detect(ctx, "bank", []string{"astrology"}); nexus.ErrorCode(err) != nexus.EINVALID {
				t.Errorf("detect with an unknown typology: got %v", err)
			}

			// Exposure: account Z's holder is a sanctioned list entry.
			if err := s.PutDataset(ctx, store.Dataset{Name: "sdn", Class: store.ClassPublicList}); err != nil {
				t.Fatal(err)
			}
			e := ftm.NewEntity("Person", "ofac-1")
			e.Target = true
			e.Add("name", "Designated Person")
			e.Add("topics", "sanction")
			if _, err := s.Import(ctx, "sdn", store.SourceOf("sdn", e), store.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := s.LinkAccount(ctx, store.TxAccount{Dataset: "bank", ID: "Z", HolderID: "ofac-1"}); err != nil {
				t.Fatal(err)
			}
			f = newFeed(t, s, nil)
			if _, err := importCSV(f, "bank", "x.csv", header+"x1,2024-03-03T09:00:00Z,H,Y,5000,USD,wire\nx2,2024-03-03T10:00:00Z,Y,Z,4800,USD,wire\n"); err != nil {
				t.Fatal(err)
			}
			as, _, err = s.TxAlerts(ctx, access.SystemViewer(), store.TxAlertQuery{Dataset: "bank", Typology: finint.Exposure})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 2 {
				t.Fatalf("exposure alerts: got %d, want Y (1 hop) and H (2 hops)", len(as))
			}
			if !strings.Contains(as[0].Explanation+as[1].Explanation, "acct H's money reached designated acct Z in 2 hop(s)") ||
				!strings.Contains(as[0].Explanation, "— holder Designated Person (ofac-1) is a sanctions list entry") {
				t.Errorf("exposure explanations: %q / %q", as[0].Explanation, as[1].Explanation)
			}
		})
	}
}

// TestExposureThroughScreening: the bank's customer record for account Z's
// holder is not on any list, but screens as a sanctioned list entry, so
// money reaching Z raises exposure alerts; a cleared match does not.
func TestExposureThroughScreening(t *testing.T) {
	s := stores(t)["sqlite"]
	for _, d := range []store.Dataset{{Name: "sdn", Class: store.ClassPublicList}, {Name: "kyc", Class: store.ClassCase, Owner: "BANK"},
		{Name: "bank", Class: store.ClassCase, Owner: "BANK"}} {
		if err := s.PutDataset(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	listed := ftm.NewEntity("Person", "ofac-guzman")
	listed.Target = true
	listed.Add("name", "GUZMAN LOERA, Joaquin")
	listed.Add("birthDate", "1957-04-04")
	listed.Add("topics", "sanction")
	if _, err := s.Import(ctx, "sdn", store.SourceOf("sdn", listed), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	customer := ftm.NewEntity("Person", "kyc-1")
	customer.Add("name", "Joaquín Guzmán Loera")
	customer.Add("birthDate", "1957-04-04")
	other := ftm.NewEntity("Person", "kyc-2")
	other.Add("name", "Maria Lopez Fernandez")
	if _, err := s.Import(ctx, "kyc", store.SourceOf("kyc", customer, other), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for acc, holder := range map[string]string{"Z": "kyc-1", "W": "kyc-2"} {
		if err := s.LinkAccount(ctx, store.TxAccount{Dataset: "bank", ID: acc, HolderID: holder}); err != nil {
			t.Fatal(err)
		}
	}
	svc := screening.New(s, screening.Options{})
	if err := svc.Build(ctx); err != nil {
		t.Fatal(err)
	}
	des, err := feed.ScreenedHolders(s, svc, feed.DefaultExposureThreshold)(ctx, "bank")
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 1 || !strings.Contains(des["Z"], "holder Joaquín Guzmán Loera (kyc-1) matches") || !strings.Contains(des["Z"], "(ofac-guzman, sdn)") {
		t.Fatalf("designated accounts: got %v, want Z with the match that designates it", des)
	}
	rs, err := finint.ParseRules([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.New(feed.Config{Store: s, Rules: rs.Rules, Designated: feed.ScreenedHolders(s, svc, feed.DefaultExposureThreshold)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importCSV(f, "bank", "x.csv", header+"x1,2024-03-03T09:00:00Z,A,W,5000,USD,wire\nx2,2024-03-03T10:00:00Z,W,Z,4800,USD,wire\n"); err != nil {
		t.Fatal(err)
	}
	as, _, err := s.TxAlerts(ctx, access.SystemViewer(), store.TxAlertQuery{Dataset: "bank", Typology: finint.Exposure})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 {
		t.Fatalf("exposure alerts: got %d, want W (1 hop) and A (2 hops)", len(as))
	}
	for _, a := range as {
		if !strings.Contains(a.Explanation, "designated acct Z") || !strings.Contains(a.Explanation, "— holder Joaquín Guzmán Loera (kyc-1) matches GUZMAN LOERA, Joaquin") {
			t.Errorf("exposure explanation does not say why Z is designated: %q", a.Explanation)
		}
	}

	// The bank clears the match: Z is no longer designated.
	v := access.Viewer{UserID: "analyst", Name: "analyst", Agency: "BANK"}
	if _, err := svc.Clear(ctx, v, "id:kyc-1", "ofac-guzman", "different person: KYC documents checked"); err != nil {
		t.Fatal(err)
	}
	des, err = feed.ScreenedHolders(s, svc, feed.DefaultExposureThreshold)(ctx, "bank")
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 0 {
		t.Errorf("after clearance: designated %v, want none", des)
	}
}
