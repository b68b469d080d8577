package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/access"
)

// markingRow is one row of the markings table.
type markingRow struct {
	id  int64
	key string
	m   access.Marking
}

// refreshMarkings reloads the cached markings when the table has grown. Rows
// are never updated or deleted, so a count tells whether the cache is
// current, and a row committed by another process or node is picked up by
// the next read. The cache only ever holds committed rows.
func (s *Store) refreshMarkings(ctx context.Context, t txn) error {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM markings").Scan(&n); err != nil {
		return fmt.Errorf("markings: %w", err)
	}
	s.mu.Lock()
	current := n == len(s.markings)
	s.mu.Unlock()
	if current {
		return nil
	}
	rows, err := t.query(ctx, "SELECT id, key, body FROM markings ORDER BY id")
	if err != nil {
		return fmt.Errorf("markings: %w", err)
	}
	defer rows.Close()
	var ms []markingRow
	for rows.Next() {
		var r markingRow
		var body string
		if err := rows.Scan(&r.id, &r.key, &body); err != nil {
			return fmt.Errorf("markings: %w", err)
		}
		if err := json.Unmarshal([]byte(body), &r.m); err != nil {
			return fmt.Errorf("marking %d: %w", r.id, err)
		}
		ms = append(ms, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("markings: %w", err)
	}
	s.mu.Lock()
	if len(ms) > len(s.markings) {
		s.markings = ms
	}
	s.mu.Unlock()
	return nil
}

// visibleMarkings returns the SQL condition that limits col (a marking id
// column) to the markings v may see: "" for the system viewer, who sees
// everything. The ids are the store's own integers, so they are written into
// the query rather than bound, which keeps the parameter count small.
func (s *Store) visibleMarkings(ctx context.Context, t txn, v access.Viewer, col string) (string, error) {
	if err := s.refreshMarkings(ctx, t); err != nil {
		return "", err
	}
	if v.System {
		return "", nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, r := range s.markings {
		if access.CanSee(v, r.m) {
			ids = append(ids, strconv.FormatInt(r.id, 10))
		}
	}
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	return col + " IN (" + strings.Join(ids, ",") + ")", nil
}

// markingByID returns a cached marking; the caller has refreshed the cache
// in the same transaction that read id.
func (s *Store) markingByID(id int64) (access.Marking, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Ids are assigned in increasing order, so the cache is sorted by id.
	lo, hi := 0, len(s.markings)
	for lo < hi {
		mid := (lo + hi) / 2
		if s.markings[mid].id < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(s.markings) && s.markings[lo].id == id {
		return s.markings[lo].m, true
	}
	return access.Marking{}, false
}

// ensureMarking returns the id of m's row, inserting it when new.
func (s *Store) ensureMarking(ctx context.Context, t txn, m access.Marking) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	m = m.Normalize()
	key := m.Key()
	s.mu.Lock()
	for _, r := range s.markings {
		if r.key == key {
			s.mu.Unlock()
			return r.id, nil
		}
	}
	s.mu.Unlock()
	body, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	if _, err := t.exec(ctx, "INSERT INTO markings (key, body) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, string(body)); err != nil {
		return 0, fmt.Errorf("marking %s: %w", key, err)
	}
	var id int64
	if err := t.queryRow(ctx, "SELECT id FROM markings WHERE key = ?", key).Scan(&id); err != nil {
		return 0, fmt.Errorf("marking %s: %w", key, err)
	}
	return id, nil
}
