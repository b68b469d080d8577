package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/store"
)

// env is what every subcommand shares: the streams, the environment and the
// connection settings common to all commands.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer

	dataDir     string
	databaseURL string
	natsURL     string
	logLevel    string
}

// flags returns a flag set for a subcommand with the common flags added.
// Each flag's default comes from NEXUS_<NAME> when that is set.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("nexus "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.dataDir, "data-dir", "./nexus-data", "directory for the embedded SQLite database and NATS storage")
	fs.StringVar(&e.databaseURL, "database-url", "", "postgres://… to use PostgreSQL instead of SQLite")
	fs.StringVar(&e.natsURL, "nats-url", "", "nats://… of an external NATS cluster (default: embedded)")
	level := "warn" // commands print their results; only the server narrates
	if name == "serve" {
		level = "info"
	}
	fs.StringVar(&e.logLevel, "log-level", level, "debug, info, warn or error")
	return fs
}

// parse parses args, taking defaults from the environment first so flags win.
func (e *env) parse(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		key := "NEXUS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := e.getenv(key); v != "" && err == nil {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s: %w", key, serr)
			}
		}
	})
	if err != nil {
		return err
	}
	// Flags may come before or after positional arguments ("user add alice
	// --agency a"): parse, set aside the first positional, parse the rest.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return exitError(0)
			}
			return exitError(2)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			positional = append(positional, args[1:]...)
			break
		}
		positional, args = append(positional, args[0]), args[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

func (e *env) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(e.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: lvl}))
}

// dbURL is the database the commands use: PostgreSQL when --database-url is
// given, else nexus.db in the data directory.
func (e *env) dbURL() string {
	if e.databaseURL != "" {
		return e.databaseURL
	}
	return filepath.Join(e.dataDir, "nexus.db")
}

func (e *env) openStore(ctx context.Context) (*store.Store, error) {
	if err := os.MkdirAll(e.dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return store.Open(ctx, e.dbURL(), store.Options{Logger: e.logger()})
}

// natsURLFile is where a running server's embedded NATS writes its address,
// so CLI commands can publish to it.
func (e *env) natsURLFile() string { return filepath.Join(e.dataDir, "nats.url") }

// openBus connects to --nats-url, or to the embedded NATS of a server
// running on the same data directory, or — when none runs — starts an
// embedded one on the data directory's JetStream storage, so events are kept
// for the server to read when it starts.
func (e *env) openBus(ctx context.Context) (*events.Bus, error) {
	opts := events.Options{URL: e.natsURL, DataDir: filepath.Join(e.dataDir, "nats"), Logger: e.logger()}
	if opts.URL == "" {
		if b, err := os.ReadFile(e.natsURLFile()); err == nil {
			opts.URL = strings.TrimSpace(string(b))
			if bus, err := events.Open(ctx, opts); err == nil {
				return bus, nil
			}
			opts.URL = "" // stale file: the server is gone
		}
	}
	return events.Open(ctx, opts)
}

// openStoreAs opens the store and resolves who the command acts as (see
// cliViewer). The caller closes the store.
func (e *env) openStoreAs(ctx context.Context, as string) (*store.Store, access.Viewer, error) {
	st, err := e.openStore(ctx)
	if err != nil {
		return nil, access.Viewer{}, err
	}
	v, err := cliViewer(ctx, st, as)
	if err != nil {
		st.Close()
		return nil, access.Viewer{}, err
	}
	return st, v, nil
}

// cliViewer is who a CLI command acts as: the system, recorded in the audit
// log under the operating-system user, unless --as names a Nexus user.
func cliViewer(ctx context.Context, st *store.Store, as string) (access.Viewer, error) {
	if as != "" {
		u, err := st.GetUser(ctx, as)
		if err != nil {
			return access.Viewer{}, fmt.Errorf("--as %s: %w", as, err)
		}
		return u.Viewer(), nil
	}
	v := access.SystemViewer()
	if u, err := user.Current(); err == nil {
		v.Name = "cli:" + u.Username
		v.UserID = v.Name
	}
	return v, nil
}

// record appends one audit event for a CLI action. The action's own error,
// if any, decides the outcome; a failing audit append is itself an error,
// because an unaudited read must not pass silently.
func record(ctx context.Context, st *store.Store, v access.Viewer, action, object string, actErr error) error {
	outcome := audit.Success
	if actErr != nil {
		outcome = audit.Failure
	}
	return recordOutcome(ctx, st, v, action, object, outcome, actErr) // audit.go
}

// isTerminal reports whether w is a character device, so progress is shown
// on a terminal and kept out of pipes and logs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// openServerBus opens the bus for `nexus serve`: --nats-url when given,
// else an embedded server on the data directory that also listens on a
// loopback port written to nats.url, so CLI imports on this machine publish
// to the running server. The file is removed when the bus closes.
func (e *env) openServerBus(ctx context.Context) (*events.Bus, func(), error) {
	bus, err := events.Open(ctx, events.Options{URL: e.natsURL, DataDir: filepath.Join(e.dataDir, "nats"),
		Listen: "127.0.0.1", Logger: e.logger()})
	if err != nil {
		return nil, nil, err
	}
	closeBus := func() { bus.Close() }
	if bus.Embedded() {
		if err := os.WriteFile(e.natsURLFile(), []byte(bus.ClientURL()+"\n"), 0o600); err != nil {
			bus.Close()
			return nil, nil, fmt.Errorf("write %s: %w", e.natsURLFile(), err)
		}
		closeBus = func() {
			os.Remove(e.natsURLFile())
			bus.Close()
		}
	}
	return bus, closeBus, nil
}
