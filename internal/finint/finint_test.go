package finint

import (
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPure keeps the engine free of I/O: no database, network, messaging or file access
// outside tests.
func TestPure(t *testing.T) {
	forbidden := []string{"database/sql", "net", "net/http", "os", "os/exec", "io/ioutil", "github.com/nats-io", "github.com/nexus-intel/nexus/internal/store"}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pf.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s; the engine must stay pure", f, path)
				}
			}
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Amount
		err  bool
	}{
		{"9500", 950000, false}, {"9,500.00", 950000, false}, {"147.8", 14780, false},
		{"0.015", 2, false}, {"-3.5", -350, false}, {".5", 50, false},
		{"", 0, true}, {"1e5", 0, true}, {"12.3.4", 0, true}, {"abc", 0, true},
	} {
		got, err := ParseAmount(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v, err %v", tc.in, int64(got), err, int64(tc.want), tc.err)
		}
	}
	if got := Amount(13140000).String(); got != "$131,400" {
		t.Errorf("String() = %q, want $131,400", got)
	}
	if got := Amount(990050).String(); got != "$9,900.50" {
		t.Errorf("String() = %q, want $9,900.50", got)
	}
}

func TestReadFormats(t *testing.T) {
	for _, tc := range []struct {
		format, in string
		want       []Transaction
	}{
		{"amlsim", "sourceNodeId,targetNodeId,value,time\n280,15349,147.8,1\n", []Transaction{
			{ID: "amlsim-1", From: "280", To: "15349", Amount: 14780, Currency: "USD", Type: Transfer, Time: AMLSimEpoch.AddDate(0, 0, 1)}}},
		{"amlsim-v2", "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n7,a,b,WIRE,12.345,2017-01-01T00:00:00Z,False,-1\n", []Transaction{
			{ID: "7", From: "a", To: "b", Amount: 1235, Currency: "USD", Type: Wire, Time: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		{"csv", "id,timestamp,from_account,to_account,amount,currency,type,location,conductor\nt1,2024-03-01T10:00:00Z,,A,9500.00,usd,cash_deposit,b1,p1\n", []Transaction{
			{ID: "t1", To: "A", Amount: 950000, Currency: "USD", Type: CashDeposit, Location: "b1", Conductor: "p1", Time: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)}}},
	} {
		var got []Transaction
		if err := Read(strings.NewReader(tc.in), tc.format, func(tx Transaction) error { got = append(got, tx); return nil }); err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.format, diff)
		}
	}
}

func TestReadErrorsNameLineAndField(t *testing.T) {
	const head = "id,timestamp,from_account,to_account,amount,currency,type\n"
	for _, tc := range []struct{ in, want string }{
		{head + "t1,2024-03-01T10:00:00Z,A,B,10,USD,wire\nt2,2024-03-01,A,B,10,USD,wire\n", "line 3, field timestamp"},
		{head + "t1,2024-03-01T10:00:00Z,A,B,ten,USD,wire\n", "line 2, field amount"},
		{head + "t1,2024-03-01T10:00:00Z,A,B,10,USD,barter\n", "line 2, field type"},
		{head + "t1,2024-03-01T10:00:00Z,,B,10,USD,wire\n", "line 2, field from_account"},
		{"id,timestamp\n", "line 1: header lacks column(s) from_account"},
	} {
		err := Read(strings.NewReader(tc.in), "csv", func(Transaction) error { return nil })
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add("csv", "id,timestamp,from_account,to_account,amount,currency,type\nt1,2024-03-01T10:00:00Z,A,B,10,USD,wire\n")
	f.Add("amlsim", "sourceNodeId,targetNodeId,value,time\n1,2,3.5,4\n")
	f.Fuzz(func(t *testing.T, format, in string) {
		e, _ := NewEngine(mustRules(t).Rules, []string{"2"})
		_ = Read(strings.NewReader(in), format, func(tx Transaction) error {
			_, err := e.Process(tx)
			if errors.Is(err, ErrOutOfOrder) {
				return nil
			}
			return err
		})
	})
}

func mustRules(t testing.TB) RuleSet {
	rs, err := ParseRules([]byte(DefaultRules))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestDefaultRulesAndValidation(t *testing.T) {
	mustRules(t)
	for _, bad := range []string{
		`{"rules":[{"typology":"structuring","window":"4d","threshold":"10000","floor":"12000","min_count":3}]}`,
		`{"rules":[{"typology":"cycle","window":"4d","max_hops":9}]}`,
		`{"rules":[{"typology":"teleport","window":"4d"}]}`,
		`{"rules":[{"typology":"fan_in","window":"soon","min_counterparties":3}]}`,
		`{"rules":[{"typology":"fan_in","window":"1d","min_counterparties":3,"colour":"red"}]}`,
	} {
		if _, err := ParseRules([]byte(bad)); err == nil {
			t.Errorf("ParseRules(%s) accepted an invalid rule", bad)
		}
	}
}

func TestOutOfOrderAndEviction(t *testing.T) {
	rs := mustRules(t)
	e, err := NewEngine(rs.Rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		tx := Transaction{ID: strconv.Itoa(i), Time: base.Add(time.Duration(i) * time.Hour), From: "a" + strconv.Itoa(i%50),
			To: "b" + strconv.Itoa(i%70), Amount: Dollars(int64(100 + i%900)), Currency: "USD", Type: Transfer}
		if _, err := e.Process(tx); err != nil {
			t.Fatal(err)
		}
	}
	// The longest window is 30 days: at most 30*24 hourly transactions are kept.
	if _, n, _ := e.Stats(); n > 30*24+1 {
		t.Errorf("engine keeps %d transactions, want at most %d", n, 30*24+1)
	}
	if _, err := e.Process(Transaction{ID: "late", Time: base, From: "x", To: "y", Amount: 1, Type: Transfer}); !errors.Is(err, ErrOutOfOrder) {
		t.Errorf("late transaction: err %v, want ErrOutOfOrder", err)
	}
	_ = os.Getenv // tests may use os
}
