package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/store"
)

func txn(id string, at time.Time, from, to string, dollars int64) finint.Transaction {
	return finint.Transaction{ID: id, Time: at, From: from, To: to, Amount: finint.Dollars(dollars), Currency: "USD", Type: finint.Wire}
}

func TestImportTransactions(t *testing.T) {
	bank := access.Marking{Classification: access.CUI, Originator: "BANK"}
	t0 := time.Date(2024, 1, 30, 10, 0, 0, 0, time.UTC)
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t, store.Options{})
		if err := s.PutDataset(ctx, store.Dataset{Name: "bank_feed", Class: store.ClassCase, Owner: "BANK", DefaultMarking: bank}); err != nil {
			t.Fatal(err)
		}
		// Three months, so PostgreSQL makes three partitions.
		txs := []finint.Transaction{
			txn("t1", t0, "a", "b", 100), txn("t2", t0.Add(48*time.Hour), "b", "c", 90),
			txn("t3", t0.Add(40*24*time.Hour), "c", "a", 80),
		}
		alert := finint.Alert{ID: "cycle-a-1", Typology: finint.Cycle, Rule: "cycle", Accounts: []string{"a", "b", "c"},
			Transactions: []string{"t1", "t2", "t3"}, Total: finint.Dollars(270), Start: t0, End: txs[2].Time, Score: 0.7,
			Explanation: "money went round a → b → c → a", Version: 1}
		res, err := s.ImportTransactions(ctx, "bank_feed", func(w *store.TxWriter) error {
			for i, tx := range txs {
				if err := w.Add(tx, fmt.Sprintf("feed.csv:%d", i+2)); err != nil {
					return err
				}
			}
			w.Alerts([]finint.Alert{alert})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Transactions != 3 || res.Accounts != 3 || res.AlertsRaised != 1 || res.AlertsUpdated != 0 {
			t.Errorf("import: got %+v, want 3 transactions, 3 accounts, 1 alert raised", res)
		}

		// A duplicate id fails the whole import, naming where it came from, and stores nothing of it.
		_, err = s.ImportTransactions(ctx, "bank_feed", func(w *store.TxWriter) error {
			if err := w.Add(txn("t4", t0.Add(50*24*time.Hour), "a", "d", 5), "more.csv:2"); err != nil {
				return err
			}
			if err := w.Add(txs[0], "more.csv:3"); err != nil {
				return err
			}
			w.Alerts([]finint.Alert{{ID: "other", Typology: finint.FanIn, Rule: "fan_in", Start: t0, End: t0}})
			return nil
		})
		if nexus.ErrorCode(err) != nexus.ECONFLICT {
			t.Fatalf("duplicate: got %v, want a conflict", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "more.csv:2") || !strings.Contains(msg, "more.csv:3") {
			t.Errorf("duplicate error %q does not name the rows", msg)
		}
		var ids []string
		if err := s.EachTransaction(ctx, sys, store.TxQuery{Dataset: "bank_feed"}, func(tx finint.Transaction) error {
			ids = append(ids, tx.ID)
			if tx.ID == "t2" && (tx.Amount != finint.Dollars(90) || tx.From != "b" || !tx.Time.Equal(txs[1].Time) || tx.Type != finint.Wire) {
				t.Errorf("t2 read back as %+v", tx)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids) != "[t1 t2 t3]" {
			t.Errorf("stored transactions: got %v, want [t1 t2 t3] (the failed import left nothing)", ids)
		}

		// Visibility: the bank's own CUI viewer sees the alert and the rows; the public sees neither.
		bankViewer := access.Viewer{Agency: "BANK", CUI: true}
		for _, c := range []struct {
			v    access.Viewer
			want int
		}{{bankViewer, 1}, {access.Viewer{Agency: "OTHER", CUI: true}, 0}, {access.Viewer{}, 0}} {
			as, total, err := s.TxAlerts(ctx, c.v, store.TxAlertQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != c.want || total != c.want {
				t.Errorf("viewer %+v: got %d alerts (total %d), want %d", c.v, len(as), total, c.want)
			}
			n := 0
			if err := s.EachTransaction(ctx, c.v, store.TxQuery{}, func(finint.Transaction) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if n != 3*c.want {
				t.Errorf("viewer %+v: got %d transactions, want %d", c.v, n, 3*c.want)
			}
		}
		got, err := s.TxAlert(ctx, bankViewer, "cycle-a-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != alert.Total || got.Explanation != alert.Explanation || got.Status != store.AlertOpen || got.Kind != "typology" {
			t.Errorf("alert read back as %+v", got)
		}
		if _, err := s.TxAlert(ctx, access.Viewer{}, "cycle-a-1"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("hidden alert: got %v, want not found", err)
		}

		// The same pattern instance growing updates the stored alert.
		alert.Transactions = append(alert.Transactions, "t5")
		alert.Version = 2
		res, err = s.ImportTransactions(ctx, "bank_feed", func(w *store.TxWriter) error {
			if err := w.Add(txn("t5", t0.Add(41*24*time.Hour), "a", "b", 70), "late.csv:2"); err != nil {
				return err
			}
			w.Alerts([]finint.Alert{alert})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.AlertsRaised != 0 || res.AlertsUpdated != 1 {
			t.Errorf("growth: got %+v, want one alert updated", res)
		}
		as, total, err := s.TxAlerts(ctx, sys, store.TxAlertQuery{Typology: finint.Cycle})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(as[0].Transactions) != 4 || as[0].Stored != 2 {
			t.Errorf("after growth: total %d, alert %+v; want one alert with 4 transactions, stored twice", total, as)
		}
		if _, err := s.SetTxAlertStatus(ctx, access.Viewer{}, "cycle-a-1", store.AlertClosed, "x"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("status by a viewer who cannot see it: got %v, want not found", err)
		}
		closed, err := s.SetTxAlertStatus(ctx, bankViewer, "cycle-a-1", store.AlertClosed, "explained by payroll")
		if err != nil || closed.Status != store.AlertClosed || closed.Note != "explained by payroll" {
			t.Errorf("close: got %+v, %v", closed, err)
		}

		// Accounts: seen ones are stored; linking keeps what is not given.
		if err := s.LinkAccount(ctx, store.TxAccount{Dataset: "bank_feed", ID: "a", EntityID: "acct-entity-a"}); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkAccount(ctx, store.TxAccount{Dataset: "bank_feed", ID: "a", HolderID: "person-1"}); err != nil {
			t.Fatal(err)
		}
		accs, err := s.TxAccounts(ctx, "bank_feed", false)
		if err != nil {
			t.Fatal(err)
		}
		if len(accs) != 3 || accs[0].EntityID != "acct-entity-a" || accs[0].HolderID != "person-1" || !accs[0].LastSeen.Equal(t0.Add(41*24*time.Hour)) {
			t.Errorf("accounts: got %+v", accs)
		}

		if _, err := s.ImportTransactions(ctx, "nope", func(*store.TxWriter) error { return nil }); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("unknown dataset: got %v, want not found", err)
		}
		boom := errors.New("boom")
		if _, err := s.ImportTransactions(ctx, "bank_feed", func(w *store.TxWriter) error {
			w.Add(txn("t9", t0.Add(60*24*time.Hour), "x", "y", 1), "x:1")
			return boom
		}); !errors.Is(err, boom) {
			t.Errorf("failing source: got %v, want boom", err)
		}
		if b.name == "postgres" {
			var n int
			rawCount(t, b, "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent WHERE c.relname = 'transactions' AND c.relnamespace = current_schema()::regnamespace", &n)
			if n != 3 {
				t.Errorf("partitions: got %d, want 3 (2024-01 to 2024-03)", n)
			}
		}
	})
}

// rawCount runs a counting query on the backend's database directly.
func rawCount(t *testing.T, b backend, query string, n *int) {
	t.Helper()
	db, err := sql.Open(b.raw, b.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(query).Scan(n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestImportTransactionsManyBatches crosses several insert batches, which
// are written in the background while the caller adds more: a large import
// is stored whole, and one that fails late (a duplicate id in a later
// batch, or a failing source after batches were written) stores nothing.
func TestImportTransactionsManyBatches(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	forEachBackend(t, func(t *testing.T, b backend) {
		n := 4_100 // more than two batches of 2,000 rows on SQLite
		if b.name == "postgres" {
			n = 11_000 // more than two batches of 5,000 arrays
		}
		late := n * 3 / 5 // in the second batch, written in the background
		s := b.open(t, store.Options{})
		if err := s.PutDataset(ctx, store.Dataset{Name: "big", Class: store.ClassCase, Owner: "BANK"}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			k := 0
			if err := s.EachTransaction(ctx, sys, store.TxQuery{Dataset: "big"}, func(finint.Transaction) error { k++; return nil }); err != nil {
				t.Fatal(err)
			}
			return k
		}
		res, err := s.ImportTransactions(ctx, "big", func(w *store.TxWriter) error {
			for i := range n {
				if err := w.Add(txn(fmt.Sprintf("b%d", i), at(i), fmt.Sprintf("a%d", i%700), fmt.Sprintf("a%d", (i+1)%700), int64(i+1)), fmt.Sprintf("big.csv:%d", i+2)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Transactions != n || res.Accounts != 700 {
			t.Errorf("import: got %+v, want %d transactions over 700 accounts", res, n)
		}
		if got := count(); got != n {
			t.Fatalf("stored %d transactions, want %d", got, n)
		}

		// A duplicate of b3 (same id and time) far into the import: a conflict naming its batch, and nothing of the import kept.
		_, err = s.ImportTransactions(ctx, "big", func(w *store.TxWriter) error {
			for i := range n {
				tx := txn(fmt.Sprintf("c%d", i), at(n+i), "x", "y", 1)
				if i == late {
					tx = txn("b3", at(3), "x", "y", 1)
				}
				if err := w.Add(tx, fmt.Sprintf("more.csv:%d", i+2)); err != nil {
					return err
				}
			}
			return nil
		})
		if nexus.ErrorCode(err) != nexus.ECONFLICT || !strings.Contains(err.Error(), "more.csv:") {
			t.Fatalf("late duplicate: got %v, want a conflict naming more.csv rows", err)
		}
		if got := count(); got != n {
			t.Errorf("after a failed import: %d transactions stored, want %d", got, n)
		}

		// A source failing after whole batches went to the writer keeps nothing either.
		boom := errors.New("boom near the end")
		_, err = s.ImportTransactions(ctx, "big", func(w *store.TxWriter) error {
			for i := range n - 100 {
				if err := w.Add(txn(fmt.Sprintf("d%d", i), at(n+i), "x", "y", 1), "late.csv"); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failing source: got %v, want boom", err)
		}
		if got := count(); got != n {
			t.Errorf("after a failing source: %d transactions stored, want %d", got, n)
		}
		accs, err := s.TxAccounts(ctx, "big", false)
		if err != nil {
			t.Fatal(err)
		}
		if len(accs) != 700 {
			t.Errorf("accounts after failed imports: got %d, want 700", len(accs))
		}
	})
}
