// Package network serves link analysis over the store: it builds the
// entity graph (graph.Network) a viewer may see from the statements that
// viewer may see, caches one graph per visibility class (viewers who see the
// same markings see the same graph) and drops the cache whenever the store
// announces a change (nexus.list.updated), so the next query sees it.
package network

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/graph"
	"github.com/nexus-intel/nexus/internal/store"
)

// maxCached bounds how many graphs the cache holds; past it the cache is
// emptied (visibility classes are few: agencies × clearances).
const maxCached = 16

// Options configure New.
type Options struct {
	Logger  *slog.Logger // slog.Default() when nil
	Network graph.NetworkOptions
}

// Service builds and caches viewers' graphs. It is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	opts  graph.NetworkOptions

	mu    sync.Mutex
	gen   uint64
	cache map[string]*graph.Network
}

// New returns a Service reading st.
func New(st *store.Store, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{store: st, log: o.Logger, opts: o.Network, cache: map[string]*graph.Network{}}
}

// Network returns the graph of the entities v may see — of dataset only,
// when not empty — folded from v's visible statements alone: a relation or
// shared identifier recorded in a statement v may not see is not in it, nor
// is a link to an entity v may not see.
func (s *Service) Network(ctx context.Context, v access.Viewer, dataset string) (*graph.Network, error) {
	vis, err := s.store.VisibleMarkingIDs(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	ids := make([]int64, 0, len(vis))
	for id := range vis {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var key strings.Builder
	key.WriteString(dataset)
	for _, id := range ids {
		key.WriteByte(',')
		key.WriteString(strconv.FormatInt(id, 10))
	}
	s.mu.Lock()
	nw, ok := s.cache[key.String()]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return nw, nil
	}
	var es []*ftm.Entity
	err = s.store.EachEntity(ctx, v, store.EntityQuery{Dataset: dataset}, func(e *ftm.Entity) error {
		es = append(es, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	nw = graph.BuildNetwork(es, s.opts)
	s.mu.Lock()
	// A change announced while building may not be in nw: use it for this
	// answer but do not keep it.
	if s.gen == gen {
		if len(s.cache) >= maxCached {
			clear(s.cache)
		}
		s.cache[key.String()] = nw
	}
	s.mu.Unlock()
	return nw, nil
}

// Invalidate drops every cached graph.
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.gen++
	clear(s.cache)
	s.mu.Unlock()
}

// Follow invalidates the cache on every nexus.list.updated event until stop
// is called or ctx ends.
func (s *Service) Follow(ctx context.Context, bus *events.Bus) (stop func(), err error) {
	return bus.Subscribe(ctx, events.SubjectListUpdated, func(string, []byte) {
		s.Invalidate()
		s.log.Debug("graph cache dropped after list update")
	})
}
