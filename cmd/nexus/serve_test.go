package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until it answers 200, failing if exited reports
// the server gone first.
func waitReady(t *testing.T, base string, exited func() (bool, error), logs func() string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if gone, err := exited(); gone {
			t.Fatalf("serve exited early: %v\n%s", err, logs())
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready in time\n%s", logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// apiGet does an authenticated GET and decodes the JSON answer into v.
func apiGet(t *testing.T, base, token, path string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: decode: %v", path, err)
		}
	}
	return resp.StatusCode
}

// syncBuffer is a bytes.Buffer safe to read while a child process writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type datasetsJSON struct {
	Results []struct {
		Name     string `json:"name"`
		Entities int    `json:"entities"`
		Version  int64  `json:"version"`
	} `json:"results"`
}

// TestServeFreshInstall is the README's first command: the built binary on a
// fresh data directory loads the starter lists, which answer through the API
// with the bootstrap admin's token; a CLI import while the server runs
// publishes its delta to the server's embedded NATS; SIGTERM shuts it down
// cleanly and leaves an intact audit chain.
func TestServeFreshInstall(t *testing.T) {
	t.Parallel()
	dir, addr := t.TempDir(), freeAddr(t)
	var logs syncBuffer
	srv := exec.Command(binPath, "serve", "--addr", addr)
	srv.Env = append(os.Environ(), "NEXUS_DATA_DIR="+dir, "NEXUS_DATABASE_URL=", "NEXUS_NATS_URL=")
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- srv.Wait() }()
	var gone bool
	var exitErr error
	exited := func() (bool, error) {
		if !gone {
			select {
			case exitErr = <-waited:
				gone = true
			default:
			}
		}
		return gone, exitErr
	}
	defer func() {
		if ok, _ := exited(); !ok {
			srv.Process.Kill()
			<-waited
		}
	}()
	base := "http://" + addr
	waitReady(t, base, exited, logs.String)

	tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		t.Fatalf("bootstrap token: %v", err)
	}
	var ds datasetsJSON
	if code := apiGet(t, base, string(tok), "/api/v1/datasets", &ds); code != 200 {
		t.Fatalf("datasets: status %d", code)
	}
	counts := map[string]int{}
	for _, d := range ds.Results {
		counts[d.Name] = d.Entities
	}
	if counts["us_ofac_sdn"] != 14965 || counts["un_sc"] != 1003 {
		t.Errorf("starter datasets: got %v, want us_ofac_sdn 14965 and un_sc 1003", counts)
	}
	var page struct {
		Total int `json:"total"`
	}
	if code := apiGet(t, base, string(tok), "/api/v1/entities?q=guzman+loera&targets=true", &page); code != 200 || page.Total != 1 {
		t.Errorf("search guzman loera: status %d, total %d, want 1 result", code, page.Total)
	}

	if _, err := os.Stat(shared); err == nil {
		url, err := os.ReadFile(filepath.Join(dir, "nats.url"))
		if err != nil {
			t.Fatalf("nats.url: %v", err)
		}
		watcher, err := events.Open(context.Background(), events.Options{URL: strings.TrimSpace(string(url)), Logger: quietLog()})
		if err != nil {
			t.Fatalf("connect to the server's NATS: %v", err)
		}
		defer watcher.Close()
		var got atomic.Int32
		stop, err := watcher.Subscribe(context.Background(), events.SubjectListUpdated, func(_ string, data []byte) {
			if strings.Contains(string(data), `"dataset":"os_sample"`) {
				got.Add(1)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		nexusBin(t, dir, false, "import", "--dataset", "os_sample", "--format", "ftm",
			filepath.Join(shared, "opensanctions/ftm/t1.entities.ftm.json"))
		for deadline := time.Now().Add(30 * time.Second); got.Load() == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no list.updated event from the CLI import reached the server's bus")
			}
		}
	}

	srv.Process.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ok, err := exited(); ok {
			if err != nil {
				t.Errorf("serve exited with %v after SIGTERM\n%s", err, logs.String())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not shut down after SIGTERM")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nats.url")); !os.IsNotExist(err) {
		t.Errorf("nats.url still present after shutdown (err %v)", err)
	}
	out, _ := nexusBin(t, dir, false, "audit", "verify")
	if !strings.Contains(out, "intact") {
		t.Errorf("audit after a serve session: %s", out)
	}
}

// TestServeInProcess runs serve through run, so the race detector sees the
// server's wiring: bootstrap, the HTTP import path through the importer,
// and shutdown on context cancellation.
func TestServeInProcess(t *testing.T) {
	t.Parallel()
	dir, addr := t.TempDir(), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		getenv := func(k string) string {
			if k == "NEXUS_DATA_DIR" {
				return dir
			}
			return ""
		}
		done <- run(ctx, []string{"serve", "--addr", addr, "--no-starter", "--log-level", "warn"}, getenv, strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	var exitErr error
	exited := func() (bool, error) {
		select {
		case exitErr = <-done:
			return true, exitErr
		default:
			return false, nil
		}
	}
	base := "http://" + addr
	waitReady(t, base, exited, func() string { return "" })
	tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	if err != nil {
		t.Fatalf("bootstrap token: %v", err)
	}

	body := "id,full_name\nW-1,Ovidio Guzman Lopez\nW-2,Ivan Archivaldo Guzman Salazar\n"
	req, _ := http.NewRequest("POST", base+"/api/v1/import?dataset=agency_watch&format=csv&map=name%3Dfull_name", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var delta deltaJSON
	json.NewDecoder(resp.Body).Decode(&delta)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(delta.Added) != 2 {
		t.Fatalf("HTTP import: status %d, delta %+v; want 200 and 2 added", resp.StatusCode, delta)
	}
	var page struct {
		Total int `json:"total"`
	}
	if code := apiGet(t, base, string(tok), "/api/v1/entities?dataset=agency_watch", &page); code != 200 || page.Total != 2 {
		t.Errorf("listing the uploaded list: status %d, total %d, want 2", code, page.Total)
	}

	// Ongoing monitoring through the event bus: a monitored subject, a
	// list version that adds a match, one alert; the same version again,
	// no second alert.
	post := func(path, body string) int {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/api/v1/monitors", `{"query":{"schema":"Person","name":"Joaquin Guzman Loera"}}`); code != 201 {
		t.Fatalf("create monitor: status %d", code)
	}
	v2 := body + "W-3,GUZMAN LOERA Joaquin\n"
	alerts := func() int {
		var page struct {
			Total int `json:"total"`
		}
		if code := apiGet(t, base, string(tok), "/api/v1/alerts", &page); code != 200 {
			t.Fatalf("alerts: status %d", code)
		}
		return page.Total
	}
	for range 2 {
		if code := post("/api/v1/import?dataset=agency_watch&format=csv&map=name%3Dfull_name", v2); code != 200 {
			t.Fatalf("import v2: status %d", code)
		}
		for deadline := time.Now().Add(30 * time.Second); alerts() == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no alert raised for the monitored subject")
			}
		}
	}
	// The second import is an empty delta; re-delivery of a delta with the
	// same entity is covered by internal/screening's TestMonitoring.
	if n := alerts(); n != 1 {
		t.Errorf("alerts after re-importing the same version: got %d, want 1", n)
	}

	// The link-analysis graph follows list updates: a second version of an
	// edge list shows in the next query, though the first was cached.
	graphNodes := func() int {
		var page struct {
			Total int `json:"total"`
		}
		if code := apiGet(t, base, string(tok), "/api/v1/graph/centrality?dataset=ops&measures=degree", &page); code != 200 {
			t.Fatalf("graph centrality: status %d", code)
		}
		return page.Total
	}
	if code := post("/api/v1/import?dataset=ops&format=edges", "source,target\na,b\n"); code != 200 {
		t.Fatalf("import edges: status %d", code)
	}
	if n := graphNodes(); n != 2 {
		t.Errorf("graph after the first edge list: %d nodes, want 2", n)
	}
	if code := post("/api/v1/import?dataset=ops&format=edges", "source,target\na,b\nb,c\n"); code != 200 {
		t.Fatalf("import edges v2: status %d", code)
	}
	for deadline := time.Now().Add(30 * time.Second); graphNodes() != 3; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the graph did not pick up the second edge list")
		}
	}

	req, _ = http.NewRequest("POST", base+"/api/v1/import?dataset=agency_watch&format=nope", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("import with an unknown format: got status %d, want 400", resp.StatusCode)
	}

	// A bank's feed: the dataset's first transaction through the CLI, two more
	// on nexus.tx.in, which the server evaluates (rebuilding the dataset's
	// engine from the store) into a structuring alert; a fourth through the
	// API grows the same alert.
	feedCSV := filepath.Join(dir, "feed.csv")
	os.WriteFile(feedCSV, []byte("id,timestamp,from_account,to_account,amount,currency,type,location\n"+
		"d1,2024-03-01T09:00:00Z,,ACC1,9500,USD,cash_deposit,b1\n"), 0o600)
	nexusCmd(t, dir, false, "tx", "import", "--dataset", "bank_feed", feedCSV)
	natsURL, err := os.ReadFile(filepath.Join(dir, "nats.url"))
	if err != nil {
		t.Fatalf("nats.url: %v", err)
	}
	bank, err := events.Open(ctx, events.Options{URL: strings.TrimSpace(string(natsURL)), Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, time.UTC) }
	msg := feed.Message{Dataset: "bank_feed", Transactions: []finint.Transaction{
		{ID: "d2", Time: day(2), To: "ACC1", Amount: finint.Dollars(9400), Currency: "USD", Type: finint.CashDeposit, Location: "b2"},
		{ID: "d3", Time: day(3), To: "ACC1", Amount: finint.Dollars(9700), Currency: "USD", Type: finint.CashDeposit, Location: "b3"},
	}}
	if err := bank.Publish(ctx, feed.SubjectTxIn, msg); err != nil {
		t.Fatal(err)
	}
	bank.Close()
	type txPage struct {
		Total   int `json:"total"`
		Results []struct {
			ID           string   `json:"id"`
			Transactions []string `json:"transactions"`
		} `json:"results"`
	}
	var tp txPage
	for deadline := time.Now().Add(30 * time.Second); tp.Total == 0; time.Sleep(20 * time.Millisecond) {
		if code := apiGet(t, base, string(tok), "/api/v1/alerts?kind=typology&dataset=bank_feed", &tp); code != 200 {
			t.Fatalf("typology alerts: status %d", code)
		}
		if time.Now().After(deadline) {
			t.Fatal("no structuring alert from the nexus.tx.in feed")
		}
	}
	if len(tp.Results) != 1 || len(tp.Results[0].Transactions) != 3 {
		t.Fatalf("typology alerts after the feed: %+v", tp)
	}
	if code := post("/api/v1/transactions?dataset=bank_feed", `[{"id":"d4","time":"2024-03-04T09:00:00Z","to":"ACC1","amount":"9800","currency":"USD","type":"cash_deposit"}]`); code != 201 {
		t.Fatalf("POST transactions: status %d", code)
	}
	apiGet(t, base, string(tok), "/api/v1/alerts?kind=typology&dataset=bank_feed", &tp)
	if tp.Total != 1 || len(tp.Results[0].Transactions) != 4 {
		t.Errorf("typology alerts after the API post: %+v, want the same alert grown to 4 transactions", tp)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancellation", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not shut down")
	}
	out, _ := nexusCmd(t, dir, false, "audit", "verify")
	if !strings.Contains(out, "intact") {
		t.Errorf("audit after a serve session: %s", out)
	}
}
