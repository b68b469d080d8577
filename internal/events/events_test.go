package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nuid"

	"github.com/nexus-intel/nexus/internal/events"
)

type change struct {
	ID      string `json:"id"`
	Dataset string `json:"dataset"`
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// roundTrip publishes a few messages and checks a subscriber sees them, in
// order, and that messages published before it subscribed are not replayed.
func roundTrip(t *testing.T, bus *events.Bus) {
	ctx := context.Background()
	// A unique subject keeps parallel runs against a shared server apart.
	subject := events.SubjectEntityChanged + "." + nuid.Next()
	if err := bus.Publish(ctx, subject, change{ID: "before"}); err != nil {
		t.Fatalf("publish before subscribe: %v", err)
	}

	var mu sync.Mutex
	var got []change
	stop, err := bus.Subscribe(ctx, subject, func(subj string, data []byte) {
		if subj != subject {
			t.Errorf("got subject %q, want %q", subj, subject)
		}
		var c change
		if err := json.Unmarshal(data, &c); err != nil {
			t.Errorf("unmarshal %q: %v", data, err)
		}
		mu.Lock()
		got = append(got, c)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	var want []change
	for i := range 5 {
		c := change{ID: fmt.Sprintf("ofac-%d", i), Dataset: "us_ofac_sdn"}
		want = append(want, c)
		if err := bus.Publish(ctx, subject, c); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	waitFor(t, "5 messages", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want)
	})
	stop()
	stop() // safe twice

	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received messages (-want +got):\n%s", diff)
	}
	// After stop, nothing more is delivered.
	n := len(got)
	mu.Unlock()
	if err := bus.Publish(ctx, subject, change{ID: "after"}); err != nil {
		t.Fatalf("publish after stop: %v", err)
	}
	mu.Lock()
	if len(got) != n {
		t.Errorf("got %d messages after stop, want %d", len(got), n)
	}
}

func TestEmbeddedRoundTrip(t *testing.T) {
	before := runtime.NumGoroutine()
	bus, err := events.Open(context.Background(), events.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if !bus.Embedded() {
		t.Errorf("got Embedded() false, want true")
	}
	if err := bus.Ping(); err != nil {
		t.Errorf("ping: %v", err)
	}
	roundTrip(t, bus)

	// A subscription left running is stopped by Close.
	if _, err := bus.Subscribe(context.Background(), "nexus.>", func(string, []byte) {}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if err := bus.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := bus.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if err := bus.Ping(); err == nil {
		t.Errorf("ping after close: got nil error, want one")
	}
	// Every goroutine the bus and its server started has ended.
	waitForGoroutines(t, before)
}

func TestSubscribeStopsWithContext(t *testing.T) {
	bus, err := events.Open(context.Background(), events.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer bus.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	count := 0
	if _, err := bus.Subscribe(ctx, events.SubjectListUpdated, func(string, []byte) {
		mu.Lock()
		count++
		mu.Unlock()
	}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if err := bus.Publish(ctx, events.SubjectListUpdated, change{Dataset: "un_sc"}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	waitFor(t, "first message", func() bool { mu.Lock(); defer mu.Unlock(); return count == 1 })
	cancel()
	// Once the context ends the subscription goes away. A second
	// subscriber proves each probe message really went out; the first
	// subscriber's count must stop moving.
	var count2 atomic.Int64
	stop2, err := bus.Subscribe(context.Background(), events.SubjectListUpdated, func(string, []byte) { count2.Add(1) })
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer stop2()
	waitFor(t, "cancelled subscription to stop", func() bool {
		mu.Lock()
		c1 := count
		mu.Unlock()
		c2 := count2.Load()
		if err := bus.Publish(context.Background(), events.SubjectListUpdated, change{Dataset: "un_sc"}); err != nil {
			t.Fatalf("publish: %v", err)
		}
		waitFor(t, "probe message", func() bool { return count2.Load() > c2 })
		mu.Lock()
		defer mu.Unlock()
		return count == c1
	})
}

func TestExternalRoundTrip(t *testing.T) {
	url := os.Getenv("NEXUS_TEST_NATS_URL")
	if url == "" {
		t.Skip("NEXUS_TEST_NATS_URL not set (e.g. nats://127.0.0.1:4222)")
	}
	bus, err := events.Open(context.Background(), events.Options{URL: url, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if bus.Embedded() {
		t.Errorf("got Embedded() true, want false")
	}
	if err := bus.Ping(); err != nil {
		t.Errorf("ping: %v", err)
	}
	roundTrip(t, bus)
	if err := bus.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func waitForGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("got %d goroutines after Close, want at most %d:\n%s", n, want, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEmbeddedListen checks the path CLI commands use: a second process
// (here a second Bus) connects to a server's embedded NATS by its ClientURL
// and what it publishes reaches the server's subscribers.
func TestEmbeddedListen(t *testing.T) {
	ctx := context.Background()
	server, err := events.Open(ctx, events.Options{DataDir: t.TempDir(), Listen: "127.0.0.1", Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open listening bus: %v", err)
	}
	defer server.Close()
	url := server.ClientURL()
	if url == "" {
		t.Fatalf("ClientURL: got empty, want a nats:// URL")
	}
	var got atomic.Int32
	stop, err := server.Subscribe(ctx, events.SubjectListUpdated, func(string, []byte) { got.Add(1) })
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	defer stop()

	cli, err := events.Open(ctx, events.Options{URL: url, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	if cli.Embedded() {
		t.Errorf("client bus: got Embedded() true, want false")
	}
	if err := cli.Publish(ctx, events.SubjectListUpdated, change{ID: "x"}); err != nil {
		t.Fatalf("publish from client: %v", err)
	}
	cli.Close()
	waitFor(t, "the client's message", func() bool { return got.Load() == 1 })

	inproc, err := events.Open(ctx, events.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer inproc.Close()
	if u := inproc.ClientURL(); u != "" {
		t.Errorf("in-process-only bus: got ClientURL %q, want empty", u)
	}
}

// TestSubscribeDurable: a message published before the durable subscriber
// starts is delivered to it, and an acknowledged one is not delivered again
// to the next subscriber under the same name.
func TestSubscribeDurable(t *testing.T) {
	bus, err := events.Open(context.Background(), events.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer bus.Close()
	ctx := context.Background()
	if err := bus.Publish(ctx, "nexus.tx.in", map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	collect := func(_ string, data []byte) {
		mu.Lock()
		got = append(got, string(data))
		mu.Unlock()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	stop, err := bus.SubscribeDurable(ctx, "tx-feed", "nexus.tx.in", collect)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, "nexus.tx.in", map[string]int{"n": 2}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); count() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("got %v, want both messages", got)
		}
	}
	stop()
	if err := bus.Publish(ctx, "nexus.tx.in", map[string]int{"n": 3}); err != nil {
		t.Fatal(err)
	}
	stop, err = bus.SubscribeDurable(ctx, "tx-feed", "nexus.tx.in", collect)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for deadline := time.Now().Add(10 * time.Second); count() < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("got %v, want the third message", got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := `[{"n":1} {"n":2} {"n":3}]`; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s (each once, in order)", got, want)
	}
}
