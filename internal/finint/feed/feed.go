// Package feed runs the finint typology engine over the store: it evaluates
// each dataset's transactions as they arrive, stores them with the alerts
// they raise in one all-or-nothing import, and rebuilds an engine from
// stored history when it starts or after a failed import. The engine itself
// stays pure; this is the code that feeds it.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/store"
)

// SubjectAlertRaised is the NATS subject a raised or grown typology alert is
// announced on: its id, dataset, typology and score, never its evidence (a
// reader fetches that through the API, under access control).
const SubjectAlertRaised = "nexus.alert.raised"

// SubjectTxIn is the NATS subject a bank's feed publishes transactions on;
// `nexus serve` consumes it (see Message).
const SubjectTxIn = "nexus.tx.in"

// Message is one message on SubjectTxIn: a dataset's transactions, in time
// order.
type Message struct {
	Dataset      string               `json:"dataset"`
	Transactions []finint.Transaction `json:"transactions"`
}

// Raised is the event published on SubjectAlertRaised.
type Raised struct {
	ID       string  `json:"id"`
	Dataset  string  `json:"dataset"`
	Typology string  `json:"typology"`
	Score    float64 `json:"score"`
	Version  int     `json:"version"`
}

// Source reads transactions, calling emit with each, in time order, and
// where it came from ("file.csv:12").
type Source func(emit func(tx finint.Transaction, origin string) error) error

// Config configures a Feed.
type Config struct {
	Store *store.Store
	Rules []finint.Rule
	// Designated returns the accounts of dataset held by designated
	// parties, each with why in words, for the exposure typology; none when
	// nil.
	Designated func(ctx context.Context, dataset string) (map[string]string, error)
	// Publish announces raised alerts; nothing is published when nil.
	Publish func(ctx context.Context, subject string, v any) error
	Logger  *slog.Logger
}

// Feed evaluates and stores transactions, one engine per dataset. It is safe
// for concurrent use; imports run one at a time.
type Feed struct {
	cfg     Config
	mu      sync.Mutex
	engines map[string]*finint.Engine
}

// New returns a feed for cfg; the rules are checked here.
func New(cfg Config) (*Feed, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if _, err := finint.NewEngine(cfg.Rules, nil); err != nil {
		return nil, nexus.Errorf(nexus.EINVALID, "rules: %v", err)
	}
	return &Feed{cfg: cfg, engines: map[string]*finint.Engine{}}, nil
}

// newEngine returns an engine for rules with the dataset's designated
// accounts.
func (f *Feed) newEngine(ctx context.Context, dataset string, rules []finint.Rule) (*finint.Engine, error) {
	e, err := finint.NewEngine(rules, nil)
	if err != nil {
		return nil, err
	}
	if f.cfg.Designated == nil {
		return e, nil
	}
	des, err := f.cfg.Designated(ctx, dataset)
	if err != nil {
		return nil, err
	}
	for acc, why := range des {
		e.Designate(acc, why)
	}
	return e, nil
}

// engine returns the dataset's engine, rebuilding it from stored history
// when there is none: accounts last active before the replayed window prime
// the dormancy clock, and the window's transactions are replayed (their
// alerts are already stored and are not raised again).
func (f *Feed) engine(ctx context.Context, dataset string) (*finint.Engine, error) {
	if e := f.engines[dataset]; e != nil {
		return e, nil
	}
	e, err := f.newEngine(ctx, dataset, f.cfg.Rules)
	if err != nil {
		return nil, err
	}
	latest, err := f.cfg.Store.TxLatest(ctx, dataset)
	if err != nil {
		return nil, err
	}
	if !latest.IsZero() {
		since := latest.Add(-e.Horizon())
		accs, err := f.cfg.Store.TxAccounts(ctx, dataset, false)
		if err != nil {
			return nil, err
		}
		for _, a := range accs {
			if a.LastSeen.Before(since) {
				e.Seen(a.ID, a.LastSeen)
			}
		}
		n := 0
		err = f.cfg.Store.EachTransaction(ctx, access.SystemViewer(), store.TxQuery{Dataset: dataset, Since: since}, func(tx finint.Transaction) error {
			n++
			_, err := e.Process(tx)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("rebuild engine for %s: %w", dataset, err)
		}
		f.cfg.Logger.Info("typology engine rebuilt from the store", "dataset", dataset, "replayed", n, "since", since)
	}
	f.engines[dataset] = e
	return e, nil
}

// Import evaluates the transactions src reads and stores them with the
// alerts they raise, all or nothing: a malformed row, a transaction older
// than the dataset's latest, or a duplicate id fails the import with where
// it came from, and nothing of it is kept.
func (f *Feed) Import(ctx context.Context, dataset string, src Source) (store.TxImport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, err := f.engine(ctx, dataset)
	if err != nil {
		return store.TxImport{Dataset: dataset}, err
	}
	changed := map[string]finint.Alert{}
	res, err := f.cfg.Store.ImportTransactions(ctx, dataset, func(w *store.TxWriter) error {
		return src(func(tx finint.Transaction, origin string) error {
			as, err := e.Process(tx)
			if errors.Is(err, finint.ErrOutOfOrder) {
				return nexus.Errorf(nexus.EINVALID, "%s: transaction %s at %s is older than the last one evaluated for %s (%s); a feed must arrive in time order",
					origin, tx.ID, tx.Time.Format(time.RFC3339), dataset, e.Now().Format(time.RFC3339))
			}
			if err != nil {
				return fmt.Errorf("%s: %w", origin, err)
			}
			if err := w.Add(tx, origin); err != nil {
				return err
			}
			w.Alerts(as)
			for _, a := range as {
				changed[a.ID] = a
			}
			return nil
		})
	})
	if err != nil {
		// The engine saw transactions the store did not keep: rebuild it next time.
		delete(f.engines, dataset)
		return res, err
	}
	f.announce(ctx, dataset, changed)
	return res, nil
}

func (f *Feed) announce(ctx context.Context, dataset string, changed map[string]finint.Alert) {
	if f.cfg.Publish == nil {
		return
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := changed[id]
		ev := Raised{ID: a.ID, Dataset: dataset, Typology: a.Typology, Score: a.Score, Version: a.Version}
		if err := f.cfg.Publish(ctx, SubjectAlertRaised, ev); err != nil {
			// The alert is stored; a missed announcement is not a lost alert.
			f.cfg.Logger.Warn("alert announcement failed", "alert", a.ID, "err", err)
		}
	}
}

// Detect runs the rules (only those of the given typologies when any are
// named) over a dataset's whole stored history with a fresh engine, the
// same engine as streaming, and returns the final version of every alert,
// by id. It stores nothing.
func (f *Feed) Detect(ctx context.Context, dataset string, typologies []string) ([]finint.Alert, error) {
	var rules []finint.Rule
	for _, r := range f.cfg.Rules {
		if len(typologies) == 0 || slices.Contains(typologies, r.Typology) {
			rules = append(rules, r)
		}
	}
	for _, t := range typologies {
		if !slices.Contains(finint.Typologies, t) {
			return nil, nexus.Errorf(nexus.EINVALID, "typology %q: want one of %v", t, finint.Typologies)
		}
	}
	e, err := f.newEngine(ctx, dataset, rules)
	if err != nil {
		return nil, err
	}
	final := map[string]finint.Alert{}
	err = f.cfg.Store.EachTransaction(ctx, access.SystemViewer(), store.TxQuery{Dataset: dataset}, func(tx finint.Transaction) error {
		as, err := e.Process(tx)
		for _, a := range as {
			final[a.ID] = a
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, a := range e.Flush() {
		final[a.ID] = a
	}
	out := make([]finint.Alert, 0, len(final))
	for _, a := range final {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b finint.Alert) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out, nil
}

// DesignatedHolders returns a Config.Designated that names the accounts of a
// dataset whose holder (as linked with store.LinkAccount) is a designated
// party: an entity carrying FtM's "sanction" topic, as the list importers
// give every entry of a sanctions list.
func DesignatedHolders(st *store.Store) func(ctx context.Context, dataset string) (map[string]string, error) {
	return func(ctx context.Context, dataset string) (map[string]string, error) {
		accs, err := st.TxAccounts(ctx, dataset, true)
		if err != nil {
			return nil, err
		}
		byHolder := map[string][]string{}
		var holders []string
		for _, a := range accs {
			if a.HolderID == "" {
				continue
			}
			if byHolder[a.HolderID] == nil {
				holders = append(holders, a.HolderID)
			}
			byHolder[a.HolderID] = append(byHolder[a.HolderID], a.ID)
		}
		out := map[string]string{}
		if len(holders) == 0 {
			return out, nil
		}
		es, err := st.EntitiesByID(ctx, access.SystemViewer(), holders)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if slices.Contains(e.Get("topics"), "sanction") {
				for _, acc := range byHolder[e.ID] {
					out[acc] = fmt.Sprintf("holder %s (%s) is a sanctions list entry", e.First("name"), e.ID)
				}
			}
		}
		return out, nil
	}
}

// ReadSource is a Source over r in one of finint.Formats; name (a file name)
// prefixes the line numbers of origins and errors.
func ReadSource(r io.Reader, format, name string) Source {
	return func(emit func(finint.Transaction, string) error) error {
		err := finint.ReadLines(r, format, func(tx finint.Transaction, line int) error {
			return emit(tx, name+":"+strconv.Itoa(line))
		})
		var pe *finint.ParseError
		if errors.As(err, &pe) {
			return nexus.Errorf(nexus.EINVALID, "%s:%s", name, strings.TrimPrefix(pe.Error(), "line "))
		}
		return err
	}
}

// Reset drops every engine, so the next import of each dataset rebuilds
// its engine from the store with designations looked up afresh: called
// when a list changes or a holder is linked.
func (f *Feed) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.engines = map[string]*finint.Engine{}
}
