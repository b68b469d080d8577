// Package screening is the screening service around the pure engine in
// internal/screen: it builds the in-memory index from the store, keeps it
// current from list deltas, decides for each viewer which indexed entities
// may shape a result, applies analysts' clearances, and re-screens
// monitored subjects against each delta, raising alerts.
//
// Access is decided per entity (docs/adr/0004-screening-access.md): an
// entity's values from public lists are indexed on their own and shown to
// everyone; the entity as a whole, restricted values included, is indexed
// separately and admitted only for a viewer who may see every marking on
// it. A hidden value therefore never matches, ranks or takes a place.
package screening

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/store"
)

// DefaultLimit is how many matches a query returns when the caller sets no
// limit.
const DefaultLimit = 5

// wholeSuffix marks the index document holding an entity with its
// restricted values, for entities that also have a public portion.
const wholeSuffix = "\x1fwhole"

// Options configure New.
type Options struct {
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // time.Now when nil
	// Index tunes the screening index.
	Index screen.Options
}

// Service is the screening service. Build it with New, fill it with Build;
// it is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	iopts screen.Options

	ix atomic.Pointer[screen.Index]
	// applyMu serialises Build and Apply, so a delta that arrives while the
	// index is built is applied after it.
	applyMu sync.Mutex

	mu      sync.RWMutex
	entries map[string]*entry // by entity id
	public  map[int64]bool    // markings anyone may see
}

// entry is what the service knows about one indexed entity besides its
// names: its markings and fingerprints.
type entry struct {
	markings []int64 // of all its statements, sorted
	public   []int64 // the public ones among them
	// split: the entity has both public and restricted values, so its
	// public portion is indexed under its id and the whole under id +
	// wholeSuffix.
	split      bool
	fpWhole    string
	fpPublic   string
	restricted bool // some marking is not public
}

// New returns an empty service over st.
func New(st *store.Store, opts Options) *Service {
	s := &Service{store: st, log: opts.Logger, now: opts.Now, iopts: opts.Index, entries: map[string]*entry{}, public: map[int64]bool{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ix.Store(screen.NewIndex(nil, s.iopts))
	return s
}

// Len returns the number of indexed entities.
func (s *Service) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries)
}

// Build (re)builds the index from every target entity in the store and
// logs how long it took.
func (s *Service) Build(ctx context.Context) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	start := time.Now()
	public, err := s.store.VisibleMarkingIDs(ctx, access.Viewer{})
	if err != nil {
		return fmt.Errorf("screening index: %w", err)
	}
	// One query streams the folded targets; another goroutine indexes them
	// meanwhile, so reading and indexing overlap. Documents are added in
	// the order prepare gives them.
	entries := map[string]*entry{}
	ix := screen.NewIndex(nil, s.iopts)
	targets := make(chan store.Target, 256)
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		intern := markingInterner()
		var portions []*ftm.Entity
		for t := range targets {
			doc, portion := addTarget(entries, t, public, intern)
			ix.Add(doc)
			if portion != nil {
				portions = append(portions, portion)
			}
		}
		// Public portions go last, as in prepare.
		for _, p := range portions {
			ix.Add(p)
		}
	}()
	err = s.store.EachTarget(ctx, public, func(t store.Target) error {
		select {
		case targets <- t:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	loaded := time.Since(start)
	close(targets)
	<-indexed
	if err != nil {
		return fmt.Errorf("screening index: %w", err)
	}
	s.mu.Lock()
	s.entries, s.public = entries, public
	s.mu.Unlock()
	s.ix.Store(ix)
	s.log.Info("screening index built", "entities", len(entries), "documents", ix.Len(),
		"load_ms", loaded.Milliseconds(), "build_ms", time.Since(start).Milliseconds())
	return nil
}

// prepare turns target entities into entries and index documents.
func (s *Service) prepare(ctx context.Context, es []*ftm.Entity, public map[int64]bool) (map[string]*entry, []*ftm.Entity, error) {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	markings, err := s.store.EntityMarkings(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	targets := make([]store.Target, len(es))
	var split []string
	for i, e := range es {
		ms := markings[e.ID]
		targets[i] = store.Target{Entity: e, Markings: ms}
		n := 0
		for _, m := range ms {
			if public[m] {
				n++
			}
		}
		if n == len(ms) {
			targets[i].Public = e
		} else if n > 0 {
			split = append(split, e.ID)
		}
	}
	if len(split) > 0 {
		pubs, err := s.store.EntitiesByID(ctx, access.Viewer{}, split)
		if err != nil {
			return nil, nil, err
		}
		byID := make(map[string]*ftm.Entity, len(pubs))
		for _, p := range pubs {
			byID[p.ID] = p
		}
		for i := range targets {
			if p := byID[targets[i].Entity.ID]; p != nil {
				targets[i].Public = p
			}
		}
	}
	entries := make(map[string]*entry, len(es))
	docs := make([]*ftm.Entity, 0, len(es))
	intern := markingInterner()
	var portions []*ftm.Entity
	for _, t := range targets {
		doc, portion := addTarget(entries, t, public, intern)
		docs = append(docs, doc)
		if portion != nil {
			portions = append(portions, portion)
		}
	}
	// Public portions go last, as they always have.
	return entries, append(docs, portions...), nil
}

// markingInterner returns a function that shares equal marking id lists,
// of which there are few.
func markingInterner() func([]int64) []int64 {
	interned := map[string][]int64{}
	return func(ms []int64) []int64 {
		k := fmt.Sprint(ms)
		if m, ok := interned[k]; ok {
			return m
		}
		interned[k] = ms
		return ms
	}
}

// addTarget adds the entry of one target entity to entries and returns its
// index document: the entity, or, when it has both public and restricted
// values, the whole under id + wholeSuffix, and then also its public
// portion under its id.
func addTarget(entries map[string]*entry, t store.Target, public map[int64]bool, intern func([]int64) []int64) (doc, portion *ftm.Entity) {
	e := t.Entity
	en := &entry{markings: intern(t.Markings), fpWhole: Fingerprint(e)}
	var pub []int64
	for _, m := range t.Markings {
		if public[m] {
			pub = append(pub, m)
		}
	}
	en.public = intern(pub)
	en.restricted = len(pub) < len(t.Markings)
	en.split = en.restricted && len(pub) > 0
	entries[e.ID] = en
	if !en.split {
		en.fpPublic = en.fpWhole
		return e, nil
	}
	whole := *e
	whole.ID = e.ID + wholeSuffix
	if t.Public != nil {
		en.fpPublic = Fingerprint(t.Public)
	}
	return &whole, t.Public
}

// Update is one list delta, as the importer publishes it.
type Update struct {
	Dataset string
	Version int64
	Added   []string
	Changed []string
	Removed []string
}

// Apply brings the index up to date with a delta — re-reading added and
// changed entities from the store, dropping removed ones — and re-screens
// every monitored subject against the added and changed entities only. It
// returns the alerts it raised.
func (s *Service) Apply(ctx context.Context, u Update) ([]store.Alert, error) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	start := time.Now()
	public, err := s.store.VisibleMarkingIDs(ctx, access.Viewer{})
	if err != nil {
		return nil, fmt.Errorf("apply delta: %w", err)
	}
	ids := slices.Concat(u.Added, u.Changed)
	fresh, err := s.store.EntitiesByID(ctx, access.SystemViewer(), ids)
	if err != nil {
		return nil, fmt.Errorf("apply delta: %w", err)
	}
	targets := fresh[:0]
	for _, e := range fresh {
		if e.Target {
			targets = append(targets, e)
		}
	}
	entries, docs, err := s.prepare(ctx, targets, public)
	if err != nil {
		return nil, fmt.Errorf("apply delta: %w", err)
	}
	ix := s.ix.Load()
	// Old documents go first, then the new access entries, then the new
	// documents: a query in between may miss the entity, never see it
	// under the wrong access.
	for _, id := range slices.Concat(ids, u.Removed) {
		ix.Remove(id)
		ix.Remove(id + wholeSuffix)
	}
	s.mu.Lock()
	s.public = public
	for _, id := range slices.Concat(ids, u.Removed) {
		delete(s.entries, id)
	}
	for id, en := range entries {
		s.entries[id] = en
	}
	s.mu.Unlock()
	for _, d := range docs {
		ix.Add(d)
	}
	s.log.Debug("screening index updated", "dataset", u.Dataset, "version", u.Version, "indexed", len(entries),
		"removed", len(u.Removed), "ms", time.Since(start).Milliseconds())
	if len(docs) == 0 {
		return nil, nil
	}
	alerts, err := s.rescreen(ctx, u, docs)
	if err != nil {
		return nil, fmt.Errorf("apply delta: %w", err)
	}
	return alerts, nil
}

// rescreen screens every monitor against docs (the delta's entities) in a
// small index of their own and stores new matches as alerts.
func (s *Service) rescreen(ctx context.Context, u Update, docs []*ftm.Entity) ([]store.Alert, error) {
	monitors, err := s.store.Monitors(ctx, access.SystemViewer())
	if err != nil || len(monitors) == 0 {
		return nil, err
	}
	tmp := screen.NewIndex(docs, s.iopts)
	visible := map[string]map[int64]bool{} // by user
	var alerts []store.Alert
	for _, m := range monitors {
		var spec QuerySpec
		if err := json.Unmarshal(m.Query, &spec); err != nil {
			s.log.Warn("monitor with an unreadable query skipped", "monitor", m.ID, "err", err)
			continue
		}
		q, err := spec.Query()
		if err != nil {
			s.log.Warn("monitor with an invalid query skipped", "monitor", m.ID, "err", err)
			continue
		}
		vis, ok := visible[m.CreatedBy]
		if !ok {
			// The monitor sees what its creator may see now; a removed or
			// disabled creator's monitor raises nothing.
			if u, err := s.store.GetUser(ctx, m.CreatedBy); err == nil && !u.Disabled && u.Agency == m.Agency {
				if vis, err = s.store.VisibleMarkingIDs(ctx, u.Viewer()); err != nil {
					return nil, err
				}
			} else {
				s.log.Warn("monitor's creator cannot be resolved; monitor skipped", "monitor", m.ID, "user", m.CreatedBy)
			}
			visible[m.CreatedBy] = vis
		}
		if vis == nil {
			continue
		}
		ms := s.dedupe(tmp.Match(q, screen.MatchOptions{Threshold: m.Threshold, Limit: 2 * DefaultLimit, Allow: s.allow(vis)}), 2*DefaultLimit)
		if len(ms) == 0 {
			continue
		}
		cleared, err := s.clearances(ctx, m.Agency, []string{m.SubjectKey})
		if err != nil {
			return nil, err
		}
		for _, mt := range ms {
			if c, ok := cleared[clearKey{m.SubjectKey, mt.EntityID}]; ok && c.Fingerprint == mt.Fingerprint {
				continue
			}
			alerts = append(alerts, store.Alert{MonitorID: m.ID, Agency: m.Agency, SubjectKey: m.SubjectKey, EntityID: mt.EntityID,
				Fingerprint: mt.Fingerprint, Score: mt.Score, Caption: mt.Caption, Schema: mt.Schema, Datasets: mt.Datasets,
				Explanation: mt.Explanation, Dataset: u.Dataset, Version: u.Version, Markings: mt.markings})
		}
	}
	if len(alerts) == 0 {
		return nil, nil
	}
	added, err := s.store.AddAlerts(ctx, alerts)
	if err != nil {
		return nil, err
	}
	if len(added) > 0 {
		ev := audit.Event{Time: s.now(), Actor: "system", Action: audit.ActionWrite, Outcome: audit.Success,
			Object: fmt.Sprintf("alerts raised dataset:%s version:%d alerts:%d", u.Dataset, u.Version, len(added))}
		if _, err := s.store.AppendAudit(ctx, ev); err != nil {
			return added, fmt.Errorf("audit: %w", err)
		}
	}
	return added, nil
}

// allow returns the access decision for one viewer, given the marking ids
// it may see (nil: everything). A document is admitted when it is an
// entity's public portion or when the viewer may see every marking of the
// entity.
func (s *Service) allow(visible map[int64]bool) func(string) bool {
	return func(doc string) bool {
		_, ok := s.docAccess(doc, visible)
		return ok
	}
}

// docAccess returns the entry of a document and whether the viewer with
// the visible markings may see it.
func (s *Service) docAccess(doc string, visible map[int64]bool) (*entry, bool) {
	id, whole := strings.CutSuffix(doc, wholeSuffix)
	s.mu.RLock()
	en := s.entries[id]
	s.mu.RUnlock()
	if en == nil {
		return nil, false
	}
	if !en.restricted || (en.split && !whole) || visible == nil {
		return en, true
	}
	for _, m := range en.markings {
		if !visible[m] {
			return en, false
		}
	}
	return en, true
}

// Match is one listed entity found for a query, as the CLI and the API
// report it.
type Match struct {
	EntityID      string     `json:"entity_id"`
	Score         float64    `json:"score"`
	Caption       string     `json:"caption"`
	Schema        string     `json:"schema"`
	Datasets      []string   `json:"datasets"`
	Explanation   string     `json:"explanation"`
	Cleared       bool       `json:"cleared,omitempty"`
	ClearedReason string     `json:"cleared_reason,omitempty"`
	ClearedBy     string     `json:"cleared_by,omitempty"`
	ClearedAt     *time.Time `json:"cleared_at,omitempty"`
	// Features and MatchedName are the engine's evidence, for callers that
	// report it in their own shape (/match).
	Features    []screen.Feature `json:"-"`
	MatchedName string           `json:"-"`
	// Fingerprint is of the entity as the viewer matched it.
	Fingerprint string  `json:"-"`
	markings    []int64 // of the matched document
}

// Result is the answer to one query.
type Result struct {
	ID      string  `json:"id"`
	Subject string  `json:"subject"`
	Matches []Match `json:"matches"`
}

// Subject is one query to screen.
type Subject struct {
	ID    string // the caller's id, echoed
	Key   string // subject key; SubjectKey(…, Query) when empty
	Query screen.Query
}

// Request tunes a screening.
type Request struct {
	Threshold float64 // 0: the algorithm's default
	Limit     int     // 0: DefaultLimit
	Algorithm screen.Algorithm
	Datasets  []string // only entities in one of these; all when empty
}

// Screen screens subjects for v: only entities v may see take part, and
// matches v's agency has cleared for the same subject (and unchanged
// entity) are marked cleared. Results are in subject order, matches best
// first.
func (s *Service) Screen(ctx context.Context, v access.Viewer, subjects []Subject, req Request) ([]Result, error) {
	if req.Algorithm != "" && req.Algorithm != screen.AlgorithmDefault && req.Algorithm != screen.AlgorithmOFAC {
		return nil, nexus.Errorf(nexus.EINVALID, "algorithm %q: want %s or %s", req.Algorithm, screen.AlgorithmDefault, screen.AlgorithmOFAC)
	}
	if req.Threshold < 0 || req.Threshold > 1 {
		return nil, nexus.Errorf(nexus.EINVALID, "threshold %v: want a number between 0 and 1", req.Threshold)
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	var visible map[int64]bool
	if !v.System {
		var err error
		if visible, err = s.store.VisibleMarkingIDs(ctx, v); err != nil {
			return nil, err
		}
	}
	qs := make([]screen.Query, len(subjects))
	keys := make([]string, len(subjects))
	for i, sub := range subjects {
		qs[i] = sub.Query
		if len(req.Datasets) > 0 {
			qs[i].Datasets = req.Datasets
		}
		keys[i] = sub.Key
		if keys[i] == "" {
			keys[i] = SubjectKey("", sub.Query)
		}
	}
	// An entity with a public portion can match twice (the portion and
	// the whole), so twice the limit is asked for before merging.
	found := s.ix.Load().MatchBatch(qs, screen.MatchOptions{Threshold: req.Threshold, Limit: 2 * limit,
		Algorithm: req.Algorithm, Allow: s.allow(visible)})
	cleared, err := s.clearances(ctx, v.Agency, keys)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(subjects))
	for i, ms := range found {
		res := Result{ID: subjects[i].ID, Subject: keys[i], Matches: s.dedupe(ms, limit)}
		for j := range res.Matches {
			m := &res.Matches[j]
			if c, ok := cleared[clearKey{keys[i], m.EntityID}]; ok && c.Fingerprint == m.Fingerprint {
				at := c.ClearedAt
				m.Cleared, m.ClearedReason, m.ClearedBy, m.ClearedAt = true, c.Reason, c.ClearedBy, &at
			}
		}
		out[i] = res
	}
	return out, nil
}

// dedupe turns engine matches into service matches, one per entity (the
// best of its documents), at most limit.
func (s *Service) dedupe(ms []screen.Match, limit int) []Match {
	out := make([]Match, 0, min(len(ms), limit))
	for _, m := range ms {
		id, whole := strings.CutSuffix(m.EntityID, wholeSuffix)
		if slices.ContainsFunc(out, func(x Match) bool { return x.EntityID == id }) {
			continue
		}
		s.mu.RLock()
		en := s.entries[id]
		s.mu.RUnlock()
		if en == nil {
			continue // removed since the query ran
		}
		mt := Match{EntityID: id, Score: m.Score, Caption: m.Caption, Schema: m.Schema, Datasets: m.Datasets,
			Explanation: m.Explanation, Features: m.Features, MatchedName: m.MatchedName}
		if mt.Datasets == nil {
			mt.Datasets = []string{}
		}
		if en.split && !whole {
			mt.Fingerprint, mt.markings = en.fpPublic, en.public
		} else {
			mt.Fingerprint, mt.markings = en.fpWhole, en.markings
		}
		out = append(out, mt)
		if len(out) == limit {
			break
		}
	}
	return out
}

type clearKey struct{ subject, entity string }

func (s *Service) clearances(ctx context.Context, agency string, keys []string) (map[clearKey]store.Clearance, error) {
	cs, err := s.store.Clearances(ctx, agency, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[clearKey]store.Clearance, len(cs))
	for _, c := range cs {
		out[clearKey{c.SubjectKey, c.EntityID}] = c
	}
	return out, nil
}

// Clear records that entityID is not the subject with the given key, for
// v's agency, with the fingerprint of the entity as v sees it in the index.
// ENOTFOUND when v may not see the entity (the same answer as for an id
// that is not indexed).
func (s *Service) Clear(ctx context.Context, v access.Viewer, subjectKey, entityID, reason string) (store.Clearance, error) {
	if strings.TrimSpace(subjectKey) == "" {
		return store.Clearance{}, nexus.Errorf(nexus.EINVALID, "subject is required")
	}
	var visible map[int64]bool
	if !v.System {
		var err error
		if visible, err = s.store.VisibleMarkingIDs(ctx, v); err != nil {
			return store.Clearance{}, err
		}
	}
	fp := ""
	if en, ok := s.docAccess(entityID+wholeSuffix, visible); ok {
		fp = en.fpWhole
	} else if en, ok := s.docAccess(entityID, visible); ok {
		fp = en.fpPublic
	}
	if fp == "" {
		return store.Clearance{}, nexus.Errorf(nexus.ENOTFOUND, "entity %s not found", entityID)
	}
	return s.store.PutClearance(ctx, store.Clearance{Agency: v.Agency, SubjectKey: subjectKey, EntityID: entityID,
		Fingerprint: fp, Reason: reason, ClearedBy: v.Name})
}

// CreateMonitor puts a subject under monitoring for v's agency: every later
// list delta is screened for it, and new matches become alerts.
func (s *Service) CreateMonitor(ctx context.Context, v access.Viewer, spec QuerySpec, label string, threshold float64) (store.Monitor, error) {
	if v.System || v.Agency == "" {
		return store.Monitor{}, nexus.Errorf(nexus.EINVALID, "a monitor belongs to a user of an agency")
	}
	q, err := spec.Query()
	if err != nil {
		return store.Monitor{}, err
	}
	if threshold < 0 || threshold > 1 {
		return store.Monitor{}, nexus.Errorf(nexus.EINVALID, "threshold %v: want a number between 0 and 1", threshold)
	}
	body, err := json.Marshal(spec)
	if err != nil {
		return store.Monitor{}, err
	}
	return s.store.CreateMonitor(ctx, store.Monitor{Agency: v.Agency, SubjectKey: SubjectKey(spec.SubjectID, q), Label: label,
		Query: body, Threshold: threshold, CreatedBy: v.Name})
}
