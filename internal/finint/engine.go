package finint

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"
)

// Alert is one instance of a typology with its evidence. An alert is raised once and
// updated as the pattern grows; Version counts the updates and ID stays the same.
type Alert struct {
	ID           string    `json:"id"`
	Typology     string    `json:"typology"`
	Rule         string    `json:"rule"`
	Accounts     []string  `json:"accounts"`
	Transactions []string  `json:"transactions"`
	Edges        []Edge    `json:"edges"` // the subgraph of the evidence
	Total        Amount    `json:"total"`
	MinAmount    Amount    `json:"min_amount"`
	MaxAmount    Amount    `json:"max_amount"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Score        float64   `json:"score"`
	Explanation  string    `json:"explanation"`
	Version      int       `json:"version"`
}

// Edge is one evidence transaction as an edge of the alert's subgraph.
type Edge struct {
	Transaction string `json:"transaction"`
	From        string `json:"from,omitempty"`
	To          string `json:"to,omitempty"`
	Amount      Amount `json:"amount"`
	Type        Type   `json:"type"`
}

// maxEvidence caps the transactions kept on one alert; a hub that stays busy for months
// should not grow an alert without bound.
const maxEvidence = 1000

// ErrOutOfOrder is returned by Process for a transaction older than one already seen.
var ErrOutOfOrder = errors.New("transaction older than the engine's clock")

// Engine evaluates transactions against a rule set as they arrive, in time order. It keeps
// per-account sliding windows of recent transactions and evicts them as the longest window
// passes, so its memory is bounded by the windows (plus one small record per account seen,
// which the dormancy rule needs). An Engine is not safe for concurrent use.
type Engine struct {
	rules      []Rule
	designated map[string]bool
	why        map[string]string // why an account is designated, for explanations
	horizon    time.Duration
	accounts   map[string]*account
	queue      []queued
	head       int
	now        time.Time

	open    map[string]*alertState
	openQ   []openRef
	changed []*alertState

	ctrDay string
	ctr    map[string]*ctrAgg

	// Budget caps the edges one graph search (cycle, exposure) may expand per transaction,
	// which bounds the latency of a decision on dense hubs.
	Budget int
}

// queued is a transaction in the windows with its accounts, so eviction
// needs no map lookups.
type queued struct {
	tx       *Transaction
	from, to *account
}

type account struct {
	in, out []*Transaction
	last    time.Time
	exp     *exposure
}

type exposure struct {
	hops       int
	designated string
	path       []*Transaction
}

type openRef struct {
	key string
	end time.Time
}

type ctrAgg struct {
	person string
	total  Amount
	txs    []*Transaction
}

type alertState struct {
	Alert
	rule  *Rule
	key   string
	main  string
	note  string
	txs   []*Transaction
	txSet map[string]bool
	more  int
}

// NewEngine returns an engine for rules. designated lists the account ids held by
// designated (sanctioned) parties, for the exposure typology.
func NewEngine(rules []Rule, designated []string) (*Engine, error) {
	e := &Engine{designated: map[string]bool{}, why: map[string]string{}, accounts: map[string]*account{},
		open: map[string]*alertState{}, ctr: map[string]*ctrAgg{}, Budget: 20000}
	for _, r := range rules {
		if r.ID == "" {
			r.ID = r.Typology
		}
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if r.BaseScore == 0 {
			r.BaseScore = 0.5
		}
		e.rules = append(e.rules, r)
		if r.Typology != Dormant && time.Duration(r.Window) > e.horizon {
			e.horizon = time.Duration(r.Window)
		}
	}
	if e.horizon < 24*time.Hour {
		e.horizon = 24 * time.Hour
	}
	for _, d := range designated {
		e.designated[d] = true
	}
	return e, nil
}

// Process evaluates one transaction and returns the alerts it raised or updated (copies).
// Transactions must arrive in non-decreasing time order; the caller sorts or buffers.
func (e *Engine) Process(tx Transaction) ([]Alert, error) {
	if tx.Time.Before(e.now) {
		return nil, fmt.Errorf("%w: %s at %s, clock %s", ErrOutOfOrder, tx.ID, tx.Time.Format(time.RFC3339), e.now.Format(time.RFC3339))
	}
	e.now = tx.Time
	e.evict()
	t := &tx
	from, to := e.acct(tx.From), e.acct(tx.To)

	// Dormancy and exposure look at the state before this transaction.
	for i := range e.rules {
		r := &e.rules[i]
		switch r.Typology {
		case Dormant:
			e.dormant(r, t, from, tx.From)
			e.dormant(r, t, to, tx.To)
		case Exposure:
			e.exposure(r, t, from, to)
		}
	}
	if from != nil {
		from.out = append(from.out, t)
		from.last = tx.Time
	}
	if to != nil {
		to.in = append(to.in, t)
		to.last = tx.Time
	}
	if from != nil || to != nil {
		e.queue = append(e.queue, queued{t, from, to})
	}
	for i := range e.rules {
		r := &e.rules[i]
		switch r.Typology {
		case Structuring:
			e.structuring(r, t, from, to)
		case CTR:
			e.ctrAggregate(r, t)
		case Smurfing:
			e.smurfing(r, t, to)
		case FanIn:
			e.fan(r, t, to, true)
		case FanOut:
			e.fan(r, t, from, false)
		case ScatterGather:
			e.scatterGather(r, t, from, to)
		case GatherScatter:
			e.gatherScatter(r, t, from)
		case Funnel:
			e.funnel(r, t, from)
		case PassThrough:
			e.passThrough(r, t, from)
		case Cycle:
			e.cycle(r, t)
		case Chain:
			e.chain(r, t)
		}
	}
	return e.drain(), nil
}

// Flush ends the stream: it returns every alert still open (its final version) and clears
// the engine's state.
func (e *Engine) Flush() []Alert {
	out := make([]Alert, 0, len(e.open))
	for _, a := range e.open {
		out = append(out, a.snapshot())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	e.accounts = map[string]*account{}
	e.queue, e.head = nil, 0
	e.open, e.openQ = map[string]*alertState{}, nil
	e.ctr, e.ctrDay = map[string]*ctrAgg{}, ""
	return out
}

// Seen primes the engine with an account last active at last, before the replayed
// window: what the dormancy rule needs of history older than the horizon.
func (e *Engine) Seen(account string, last time.Time) {
	if a := e.acct(account); a != nil && last.After(a.last) {
		a.last = last
	}
}

// Designate marks account as held by a designated party, with why in words
// ("holder X matches OFAC SDN entry Y at 0.97"), which exposure alerts quote.
func (e *Engine) Designate(account, why string) {
	e.designated[account] = true
	if why != "" {
		e.why[account] = why
	}
}

// Horizon is the longest window of the rule set: the history an engine needs to replay
// to be in the state it was in at its clock.
func (e *Engine) Horizon() time.Duration { return e.horizon }

// Now is the engine's clock: the time of the last transaction processed.
func (e *Engine) Now() time.Time { return e.now }

// Stats reports the engine's retained state: accounts known, transactions in the windows,
// alerts open.
func (e *Engine) Stats() (accounts, transactions, openAlerts int) {
	return len(e.accounts), len(e.queue) - e.head, len(e.open)
}

func (e *Engine) acct(id string) *account {
	if id == "" {
		return nil
	}
	a := e.accounts[id]
	if a == nil {
		a = &account{}
		e.accounts[id] = a
	}
	return a
}

// evict drops transactions older than the longest window from the account lists, and
// forgets open alerts that can no longer grow.
func (e *Engine) evict() {
	cut := e.now.Add(-e.horizon)
	for e.head < len(e.queue) && e.queue[e.head].tx.Time.Before(cut) {
		q := e.queue[e.head]
		t := q.tx
		e.queue[e.head] = queued{}
		e.head++
		if a := q.from; a != nil && len(a.out) > 0 && a.out[0] == t {
			a.out = a.out[1:]
			if len(a.out) == 0 {
				a.out = nil
			}
		}
		if a := q.to; a != nil && len(a.in) > 0 && a.in[0] == t {
			a.in = a.in[1:]
			if len(a.in) == 0 {
				a.in = nil
			}
		}
	}
	if e.head > 1024 && e.head > len(e.queue)/2 {
		e.queue = append([]queued(nil), e.queue[e.head:]...)
		e.head = 0
	}
	n := 0
	for n < len(e.openQ) && e.openQ[n].end.Before(cut) {
		ref := e.openQ[n]
		if a := e.open[ref.key]; a != nil && a.End.Equal(ref.end) {
			delete(e.open, ref.key)
		}
		n++
	}
	if n > 0 {
		e.openQ = e.openQ[n:]
	}
}

// since returns the suffix of a time-ordered list at or after t.
func since(list []*Transaction, t time.Time) []*Transaction {
	if len(list) == 0 || !list[0].Time.Before(t) {
		return list // the whole list is in the window: the common case
	}
	lo, hi := 1, len(list)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if list[m].Time.Before(t) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return list[lo:]
}

func (e *Engine) windowStart(r *Rule) time.Time { return e.now.Add(-time.Duration(r.Window)) }

func amountOK(r *Rule, a Amount) bool {
	return a >= r.MinAmount && (r.MaxAmount == 0 || a < r.MaxAmount)
}

func typeOK(r *Rule, t Type, defaults ...Type) bool {
	allowed := r.Types
	if len(allowed) == 0 {
		allowed = defaults
	}
	return len(allowed) == 0 || slices.Contains(allowed, t)
}

// score grows from the rule's base score when the rule is just met to 1 when the observed
// measure is twice what the rule requires.
func score(r *Rule, observed, required float64) float64 {
	if required <= 0 {
		return r.BaseScore
	}
	x := observed/required - 1
	x = min(max(x, 0), 1)
	return r.BaseScore + (1-r.BaseScore)*x
}

// raise records evidence for the instance named key: a new alert, or an update of the open
// one when the evidence overlaps it in time.
func (e *Engine) raise(r *Rule, key, main, note string, accounts []string, txs []*Transaction, sc float64) {
	if len(txs) == 0 {
		return
	}
	start := txs[0].Time
	for _, t := range txs {
		if t.Time.Before(start) {
			start = t.Time
		}
	}
	a := e.open[key]
	if a == nil || a.End.Before(start) {
		a = &alertState{rule: r, key: key, main: main, txSet: map[string]bool{}}
		a.ID = alertID(r.ID, main, key, start)
		a.Typology, a.Rule = r.Typology, r.ID
		a.Start = start
		e.open[key] = a
	}
	grew := false
	for _, t := range txs {
		if a.txSet[t.ID] {
			continue
		}
		a.txSet[t.ID] = true
		grew = true
		if len(a.txs) >= maxEvidence {
			a.more++
			a.Total += t.Amount
			continue
		}
		a.txs = append(a.txs, t)
		a.Total += t.Amount
	}
	for _, acc := range accounts {
		if acc != "" && !slices.Contains(a.Accounts, acc) {
			a.Accounts = append(a.Accounts, acc)
			grew = true
		}
	}
	if !grew && sc <= a.Score {
		return
	}
	a.Score = max(a.Score, sc)
	if note != "" {
		a.note = note
	}
	a.Version++
	a.finish()
	e.openQ = append(e.openQ, openRef{key: key, end: a.End})
	if !slices.Contains(e.changed, a) {
		e.changed = append(e.changed, a)
	}
}

// alertID names a pattern instance by its rule, its main account, its key and the time
// of its first evidence, so replaying the same transactions (a restart that rebuilds the
// engine from the store, or `tx detect` over stored history) gives the same ids, and a
// stored alert is updated rather than duplicated.
func alertID(rule, main, key string, start time.Time) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	h.Write([]byte{0})
	// Microseconds: what the store keeps, so a replay from it names the same instance.
	h.Write([]byte(start.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)))
	return fmt.Sprintf("%s-%s-%012x", rule, idPart(main), h.Sum64()&0xffffffffffff)
}

func idPart(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '/' || r == ',' {
			return '_'
		}
		return r
	}, s)
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// finish recomputes the derived fields after new evidence.
func (a *alertState) finish() {
	sort.SliceStable(a.txs, func(i, j int) bool { return a.txs[i].Time.Before(a.txs[j].Time) })
	a.Transactions = a.Transactions[:0]
	a.Edges = a.Edges[:0]
	a.MinAmount, a.MaxAmount = 0, 0
	for i, t := range a.txs {
		a.Transactions = append(a.Transactions, t.ID)
		a.Edges = append(a.Edges, Edge{Transaction: t.ID, From: t.From, To: t.To, Amount: t.Amount, Type: t.Type})
		if i == 0 || t.Amount < a.MinAmount {
			a.MinAmount = t.Amount
		}
		if t.Amount > a.MaxAmount {
			a.MaxAmount = t.Amount
		}
		if t.Time.Before(a.Start) {
			a.Start = t.Time
		}
		if t.Time.After(a.End) {
			a.End = t.Time
		}
	}
	a.Explanation = explain(a)
}

func (a *alertState) snapshot() Alert {
	out := a.Alert
	out.Accounts = slices.Clone(a.Accounts)
	out.Transactions = slices.Clone(a.Transactions)
	out.Edges = slices.Clone(a.Edges)
	return out
}

func (e *Engine) drain() []Alert {
	if len(e.changed) == 0 {
		return nil
	}
	out := make([]Alert, len(e.changed))
	for i, a := range e.changed {
		out[i] = a.snapshot()
	}
	e.changed = e.changed[:0]
	return out
}
