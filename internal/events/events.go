// Package events is the Nexus event bus on NATS JetStream: every change to
// the store is published here, and indexes, alert dispatch, browser streams
// and other nodes follow it. By default the bus runs an embedded in-process
// nats-server; at scale it connects to an external NATS cluster.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Subjects Nexus publishes on. All of them are under "nexus.>", the subjects
// of the NEXUS stream.
const (
	SubjectListUpdated   = "nexus.list.updated"
	SubjectEntityChanged = "nexus.entity.changed"
)

// ListUpdated is the body of a SubjectListUpdated event: the ids an import
// (or an intelligence approval, purge or re-marking) added, changed or
// removed in a dataset. A large change comes in Parts messages, numbered
// from 1 by Part.
type ListUpdated struct {
	Dataset string   `json:"dataset"`
	Version int64    `json:"version"`
	Part    int      `json:"part"`
	Parts   int      `json:"parts"`
	Added   []string `json:"added"`
	Changed []string `json:"changed"`
	Removed []string `json:"removed"`
}

// StreamName is the JetStream stream holding every Nexus event.
const StreamName = "NEXUS"

// streamMaxAge bounds how long events are kept: long enough for a node that
// was down over a holiday to catch up, short enough to keep the store small.
const streamMaxAge = 30 * 24 * time.Hour

// Options configure Open.
type Options struct {
	// URL of an external NATS server or cluster ("nats://host:4222"). Empty
	// starts an embedded in-process nats-server with JetStream.
	URL string
	// DataDir is where the embedded server keeps JetStream files. Empty
	// uses a temporary directory that Close removes.
	DataDir string
	// Logger receives bus and embedded-server logs; slog.Default() when nil.
	Logger *slog.Logger
	// Listen, for an embedded server, is a loopback host on which it also
	// accepts clients on a random port (see ClientURL), so CLI commands on
	// the same machine can publish to a running server. Empty: in-process
	// only, no port at all.
	Listen string
}

// Bus publishes and subscribes to Nexus events. It is safe for concurrent
// use.
type Bus struct {
	log     *slog.Logger
	nc      *nats.Conn
	js      jetstream.JetStream
	srv     *server.Server // nil when connected to an external server
	tempDir string         // removed on Close when DataDir was empty

	mu     sync.Mutex
	subs   map[int]func()
	nextID int
	closed bool
}

// Open starts (or connects to) NATS and makes sure the NEXUS stream exists.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	b := &Bus{log: log, subs: map[int]func(){}}
	var connOpts []nats.Option
	connOpts = append(connOpts, nats.Name("nexus"), nats.MaxReconnects(-1))
	url := opts.URL
	if url == "" {
		srv, tempDir, err := startEmbedded(opts.DataDir, opts.Listen, log)
		if err != nil {
			return nil, err
		}
		b.srv, b.tempDir = srv, tempDir
		connOpts = append(connOpts, nats.InProcessServer(srv))
	}
	nc, err := nats.Connect(url, connOpts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("events: connect: %w", err)
	}
	b.nc = nc
	js, err := jetstream.New(nc)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("events: jetstream: %w", err)
	}
	b.js = js
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        StreamName,
		Description: "Nexus change events",
		Subjects:    []string{"nexus.>"},
		Storage:     jetstream.FileStorage,
		MaxAge:      streamMaxAge,
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("events: stream %s: %w", StreamName, err)
	}
	log.Info("event bus open", "embedded", b.srv != nil, "client_url", b.ClientURL())
	return b, nil
}

// startEmbedded runs a nats-server inside the process. Unless listen names a
// host it does not listen on any port: the bus connects to it in-process, so
// nothing outside can reach it and no port can clash.
func startEmbedded(dataDir, listen string, log *slog.Logger) (*server.Server, string, error) {
	var tempDir string
	if dataDir == "" {
		d, err := os.MkdirTemp("", "nexus-jetstream-")
		if err != nil {
			return nil, "", fmt.Errorf("events: %w", err)
		}
		dataDir, tempDir = d, d
	}
	sopts := &server.Options{
		ServerName: "nexus-embedded",
		DontListen: listen == "",
		JetStream:  true,
		StoreDir:   dataDir,
		NoSigs:     true,
	}
	if listen != "" {
		sopts.Host, sopts.Port = listen, server.RANDOM_PORT
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		removeTemp(tempDir)
		return nil, "", fmt.Errorf("events: embedded server: %w", err)
	}
	srv.SetLoggerV2(serverLogger{log.With("component", "nats")}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		removeTemp(tempDir)
		return nil, "", errors.New("events: embedded server not ready after 10s")
	}
	return srv, tempDir, nil
}

func removeTemp(dir string) {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// Embedded reports whether the bus runs its own in-process server.
func (b *Bus) Embedded() bool { return b.srv != nil }

// ClientURL returns the nats:// URL other processes can connect to: the
// embedded server's listening address when Options.Listen was set, "" for an
// in-process-only server, and the connected URL for an external one.
func (b *Bus) ClientURL() string {
	if b.srv == nil {
		return b.nc.ConnectedUrlRedacted()
	}
	if b.srv.Addr() == nil {
		return ""
	}
	return b.srv.ClientURL()
}

// Ping checks that the connection is up and JetStream answers (for /readyz).
func (b *Bus) Ping() error {
	if b.nc == nil || !b.nc.IsConnected() {
		return errors.New("events: not connected")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := b.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("events: jetstream: %w", err)
	}
	return nil
}

// Publish sends v as JSON on subject and waits for JetStream to acknowledge
// that it is stored.
func (b *Bus) Publish(ctx context.Context, subject string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("events: publish %s: %w", subject, err)
	}
	if _, err := b.js.Publish(ctx, subject, data); err != nil {
		return fmt.Errorf("events: publish %s: %w", subject, err)
	}
	return nil
}

// Subscribe calls fn, from one goroutine and in order, for each message on
// subject (wildcards allowed) published from now on. The consumer is
// ordered and ephemeral: nothing is left on the server when it stops. stop
// ends the subscription and waits for fn to return; it is safe to call more
// than once. Cancelling ctx also ends it.
func (b *Bus) Subscribe(ctx context.Context, subject string, fn func(subject string, data []byte)) (stop func(), err error) {
	if err := b.checkOpen(); err != nil {
		return nil, err
	}

	cons, err := b.js.OrderedConsumer(ctx, StreamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subject},
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("events: subscribe %s: %w", subject, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("events: subscribe %s: %w", subject, err)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			msg, err := it.Next()
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || b.nc.IsClosed() {
				return
			} else if err != nil {
				// Missed heartbeats and reconnects are recovered by the
				// ordered consumer itself; keep reading.
				b.log.Warn("event subscription", "subject", subject, "err", err)
				continue
			}
			fn(msg.Subject(), msg.Data())
		}
	}()

	return b.track(ctx, it, done), nil
}

func (b *Bus) checkOpen() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("events: bus closed")
	}
	return nil
}

// track registers a subscription whose reader closes done when it ends and
// returns its stop function: it stops it and waits for the reader, once
// however often it is called, and runs when ctx ends.
func (b *Bus) track(ctx context.Context, it jetstream.MessagesContext, done <-chan struct{}) func() {
	var once sync.Once
	b.mu.Lock()
	id := b.nextID
	b.nextID++
	stopFn := func() {
		once.Do(func() {
			it.Stop()
			<-done
			b.mu.Lock()
			delete(b.subs, id)
			b.mu.Unlock()
		})
	}
	b.subs[id] = stopFn
	b.mu.Unlock()

	// Stop when the caller's context ends, without leaking a watcher once
	// the subscription is stopped some other way.
	go func() {
		select {
		case <-ctx.Done():
			stopFn()
		case <-done:
		}
	}()
	return stopFn
}

// durableAckWait is how long a durable subscriber may take over one message
// (a bank's batch of transactions) before the server delivers it again.
const durableAckWait = 15 * time.Minute

// SubscribeDurable calls fn, from one goroutine and in order, for each
// message on subject under the durable consumer name: messages published
// while no subscriber ran are delivered when one starts, each is
// acknowledged once fn returns, and several processes subscribing under the
// same name share the messages, each handled by one of them. It is for
// inputs that must not be lost (a bank's transaction feed), where Subscribe
// is for change notices. stop ends the subscription and waits for fn.
func (b *Bus) SubscribeDurable(ctx context.Context, name, subject string, fn func(subject string, data []byte)) (stop func(), err error) {
	if err := b.checkOpen(); err != nil {
		return nil, err
	}
	cons, err := b.js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
		Durable:       name,
		FilterSubject: subject,
		AckPolicy:     jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckWait:       durableAckWait,
		MaxAckPending: 1, // one message at a time, in order, across all subscribers
	})
	if err != nil {
		return nil, fmt.Errorf("events: durable %s on %s: %w", name, subject, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("events: durable %s on %s: %w", name, subject, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			msg, err := it.Next()
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || b.nc.IsClosed() {
				return
			} else if err != nil {
				b.log.Warn("durable event subscription", "consumer", name, "subject", subject, "err", err)
				continue
			}
			fn(msg.Subject(), msg.Data())
			if err := msg.Ack(); err != nil {
				b.log.Warn("event ack failed; the message will be delivered again", "consumer", name, "err", err)
			}
		}
	}()
	return b.track(ctx, it, done), nil
}

// Close stops every subscription, drains the connection and, for an
// embedded bus, shuts the server down and waits for it.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	stops := make([]func(), 0, len(b.subs))
	for _, stop := range b.subs {
		stops = append(stops, stop)
	}
	b.mu.Unlock()
	for _, stop := range stops {
		stop()
	}

	var err error
	if b.nc != nil {
		closed := make(chan struct{})
		b.nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
		if derr := b.nc.Drain(); derr != nil {
			b.nc.Close()
		}
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			err = errors.New("events: drain timed out")
			b.nc.Close()
		}
	}
	b.shutdownServer()
	return err
}

func (b *Bus) shutdownServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	removeTemp(b.tempDir)
}

// serverLogger sends nats-server's log lines to slog.
type serverLogger struct{ log *slog.Logger }

func (l serverLogger) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l serverLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l serverLogger) Fatalf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l serverLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l serverLogger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
