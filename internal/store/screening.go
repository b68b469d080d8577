package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// Alert statuses.
const (
	AlertOpen      = "open"
	AlertEscalated = "escalated"
	AlertClosed    = "closed"
)

// Clearance records that an analyst decided a listed entity is not the
// screened subject. It applies to later screenings of the same subject by
// the same agency while the entity's fingerprint is unchanged.
type Clearance struct {
	Agency      string    `json:"agency"`
	SubjectKey  string    `json:"subject"`
	EntityID    string    `json:"entity_id"`
	Fingerprint string    `json:"fingerprint"`
	Reason      string    `json:"reason"`
	ClearedBy   string    `json:"cleared_by"`
	ClearedAt   time.Time `json:"cleared_at"`
}

// Monitor is a subject under ongoing monitoring: re-screened against every
// list delta, raising alerts for its agency.
type Monitor struct {
	ID         int64  `json:"id"`
	Agency     string `json:"agency"`
	SubjectKey string `json:"subject"`
	Label      string `json:"label,omitempty"`
	// Query is the screening query as JSON; the store does not read it.
	Query     json.RawMessage `json:"query"`
	Threshold float64         `json:"threshold,omitempty"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
}

// Alert is a new match of a monitored subject found in a list delta.
type Alert struct {
	ID          int64     `json:"id"`
	MonitorID   int64     `json:"monitor_id"`
	Agency      string    `json:"agency"`
	SubjectKey  string    `json:"subject"`
	EntityID    string    `json:"entity_id"`
	Fingerprint string    `json:"fingerprint"`
	Score       float64   `json:"score"`
	Caption     string    `json:"caption"`
	Schema      string    `json:"schema"`
	Datasets    []string  `json:"datasets"`
	Explanation string    `json:"explanation"`
	Dataset     string    `json:"dataset,omitempty"` // the list whose delta raised it
	Version     int64     `json:"version,omitempty"`
	Status      string    `json:"status"`
	Note        string    `json:"note,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by,omitempty"`
	// Markings are the ids of the markings of the values the alert was
	// computed from; a reader must be able to see all of them.
	Markings []int64 `json:"-"`
}

// AlertQuery selects alerts. Zero fields do not filter.
type AlertQuery struct {
	Status    string
	MonitorID int64
	Limit     int // 0 = no limit
	Offset    int
}

// VisibleMarkingIDs returns the ids of the markings v may see (every one
// for the system viewer). The policy is access.CanSee, as for every read.
func (s *Store) VisibleMarkingIDs(ctx context.Context, v access.Viewer) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := s.read(ctx, func(t txn) error { return s.refreshMarkings(ctx, t) })
	if err != nil {
		return nil, fmt.Errorf("visible markings: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.markings {
		if access.CanSee(v, r.m) {
			out[r.id] = true
		}
	}
	return out, nil
}

// EntityMarkings returns, for each of ids (canonical ids) that has
// statements, the sorted distinct marking ids of its statements. It is for
// the process's own indexes, which decide access per viewer afterwards; it
// reveals markings, never values.
func (s *Store) EntityMarkings(ctx context.Context, ids []string) (map[string][]int64, error) {
	out := make(map[string][]int64, len(ids))
	err := s.read(ctx, func(t txn) error {
		for len(ids) > 0 {
			n := min(len(ids), entityPage)
			args := make([]any, n)
			for i, id := range ids[:n] {
				args[i] = id
			}
			rows, err := t.query(ctx, "SELECT DISTINCT canonical_id, marking_id FROM statements WHERE canonical_id IN (?"+
				strings.Repeat(",?", n-1)+") ORDER BY canonical_id, marking_id", args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				var m int64
				if err := rows.Scan(&id, &m); err != nil {
					rows.Close()
					return err
				}
				out[id] = append(out[id], m)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("entity markings: %w", err)
	}
	return out, nil
}

// loadEntitiesPaged folds ids in pages of entityPage, so IN lists and
// memory per query stay bounded.
func (s *Store) loadEntitiesPaged(ctx context.Context, t txn, v access.Viewer, ids []string) ([]*ftm.Entity, error) {
	out := make([]*ftm.Entity, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), entityPage)
		es, err := s.loadEntities(ctx, t, v, ids[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
		ids = ids[n:]
	}
	return out, nil
}

// EntitiesByID folds the entities with the given canonical ids from the
// statements v may see; ids v can see nothing of are left out.
func (s *Store) EntitiesByID(ctx context.Context, v access.Viewer, ids []string) ([]*ftm.Entity, error) {
	var out []*ftm.Entity
	err := s.read(ctx, func(t txn) error {
		var err error
		out, err = s.loadEntitiesPaged(ctx, t, v, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entities by id: %w", err)
	}
	return out, nil
}

// PutClearance records (or replaces) a clearance of entity for subject by
// the agency.
func (s *Store) PutClearance(ctx context.Context, c Clearance) (Clearance, error) {
	if c.SubjectKey == "" || c.EntityID == "" || c.Fingerprint == "" {
		return c, nexus.Errorf(nexus.EINVALID, "clearance: subject, entity id and fingerprint are required")
	}
	if strings.TrimSpace(c.Reason) == "" {
		return c, nexus.Errorf(nexus.EINVALID, "clearance: a reason is required")
	}
	if c.ClearedAt.IsZero() {
		c.ClearedAt = s.now()
	}
	c.ClearedAt = c.ClearedAt.UTC().Truncate(time.Microsecond)
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, `INSERT INTO clearances (agency, subject_key, entity_id, fingerprint, reason, cleared_by, cleared_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (agency, subject_key, entity_id) DO UPDATE SET fingerprint = excluded.fingerprint,
				reason = excluded.reason, cleared_by = excluded.cleared_by, cleared_at = excluded.cleared_at`,
			c.Agency, c.SubjectKey, c.EntityID, c.Fingerprint, c.Reason, c.ClearedBy, formatTime(c.ClearedAt))
		return err
	})
	if err != nil {
		return c, fmt.Errorf("put clearance: %w", dbError(err, "clearance"))
	}
	return c, nil
}

// Clearances returns the agency's clearances for the given subject keys.
func (s *Store) Clearances(ctx context.Context, agency string, subjectKeys []string) ([]Clearance, error) {
	var out []Clearance
	keys := slices.Compact(slices.Sorted(slices.Values(subjectKeys)))
	err := s.read(ctx, func(t txn) error {
		for len(keys) > 0 {
			n := min(len(keys), entityPage)
			args := []any{agency}
			for _, k := range keys[:n] {
				args = append(args, k)
			}
			rows, err := t.query(ctx, `SELECT agency, subject_key, entity_id, fingerprint, reason, cleared_by, cleared_at
				FROM clearances WHERE agency = ? AND subject_key IN (?`+strings.Repeat(",?", n-1)+`)
				ORDER BY subject_key, entity_id`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var c Clearance
				var at string
				if err := rows.Scan(&c.Agency, &c.SubjectKey, &c.EntityID, &c.Fingerprint, &c.Reason, &c.ClearedBy, &at); err != nil {
					rows.Close()
					return err
				}
				if c.ClearedAt, err = parseTime(at); err != nil {
					rows.Close()
					return err
				}
				out = append(out, c)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			keys = keys[n:]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("clearances: %w", err)
	}
	return out, nil
}

// CreateMonitor stores a monitored subject and returns it with its id.
func (s *Store) CreateMonitor(ctx context.Context, m Monitor) (Monitor, error) {
	if m.Agency == "" || m.SubjectKey == "" || len(m.Query) == 0 || m.CreatedBy == "" {
		return m, nexus.Errorf(nexus.EINVALID, "monitor: agency, subject, query and creator are required")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.now()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.write(ctx, func(t txn) error {
		return t.queryRow(ctx, `INSERT INTO monitors (agency, subject_key, label, query, threshold, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Agency, m.SubjectKey, m.Label, string(m.Query), m.Threshold, m.CreatedBy, formatTime(m.CreatedAt)).Scan(&m.ID)
	})
	if err != nil {
		return m, fmt.Errorf("create monitor: %w", dbError(err, "monitor"))
	}
	return m, nil
}

func scanMonitor(sc interface{ Scan(...any) error }) (Monitor, error) {
	var m Monitor
	var query, at string
	if err := sc.Scan(&m.ID, &m.Agency, &m.SubjectKey, &m.Label, &query, &m.Threshold, &m.CreatedBy, &at); err != nil {
		return m, err
	}
	m.Query = json.RawMessage(query)
	var err error
	m.CreatedAt, err = parseTime(at)
	return m, err
}

// Monitors lists the monitors of v's agency (all of them for the system
// viewer) by id.
func (s *Store) Monitors(ctx context.Context, v access.Viewer) ([]Monitor, error) {
	q := "SELECT id, agency, subject_key, label, query, threshold, created_by, created_at FROM monitors"
	var args []any
	if !v.System {
		q += " WHERE agency = ?"
		args = append(args, v.Agency)
	}
	return readAll(ctx, s, "monitors", scanMonitor, q+" ORDER BY id", args...)
}

// AddAlerts stores new alerts, skipping any whose (monitor, entity,
// fingerprint) is already stored, and returns the ones it added with ids.
func (s *Store) AddAlerts(ctx context.Context, alerts []Alert) ([]Alert, error) {
	var added []Alert
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.write(ctx, func(t txn) error {
		for _, a := range alerts {
			if a.Status == "" {
				a.Status = AlertOpen
			}
			if a.CreatedAt.IsZero() {
				a.CreatedAt = now
			}
			a.UpdatedAt = a.CreatedAt
			ds, err := json.Marshal(nonNil(a.Datasets))
			if err != nil {
				return err
			}
			rows, err := t.query(ctx, `INSERT INTO alerts (monitor_id, agency, subject_key, entity_id, fingerprint, score, caption,
					schema, datasets, explanation, dataset, version, status, note, created_at, updated_at, updated_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (monitor_id, entity_id, fingerprint) DO NOTHING RETURNING id`,
				a.MonitorID, a.Agency, a.SubjectKey, a.EntityID, a.Fingerprint, a.Score, a.Caption, a.Schema, string(ds),
				a.Explanation, a.Dataset, a.Version, a.Status, a.Note, formatTime(a.CreatedAt), formatTime(a.UpdatedAt), a.UpdatedBy)
			if err != nil {
				return dbError(err, fmt.Sprintf("alert for monitor %d", a.MonitorID))
			}
			inserted := rows.Next()
			if inserted {
				err = rows.Scan(&a.ID)
			}
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if !inserted {
				continue
			}
			for _, m := range a.Markings {
				if _, err := t.exec(ctx, "INSERT INTO alert_markings (alert_id, marking_id) VALUES (?, ?) ON CONFLICT DO NOTHING", a.ID, m); err != nil {
					return dbError(err, "alert marking")
				}
			}
			added = append(added, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add alerts: %w", err)
	}
	return added, nil
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

const alertColumns = `id, monitor_id, agency, subject_key, entity_id, fingerprint, score, caption, schema, datasets,
	explanation, dataset, version, status, note, created_at, updated_at, updated_by`

func scanAlert(sc interface{ Scan(...any) error }) (Alert, error) {
	var a Alert
	var ds, created, updated string
	err := sc.Scan(&a.ID, &a.MonitorID, &a.Agency, &a.SubjectKey, &a.EntityID, &a.Fingerprint, &a.Score, &a.Caption, &a.Schema,
		&ds, &a.Explanation, &a.Dataset, &a.Version, &a.Status, &a.Note, &created, &updated, &a.UpdatedBy)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(ds), &a.Datasets); err != nil {
		return a, fmt.Errorf("alert %d: %w", a.ID, err)
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return a, err
	}
	a.UpdatedAt, err = parseTime(updated)
	return a, err
}

// alertWhere limits alerts to those v may see: its agency's (all for the
// system viewer) and only those whose every marking v can see. The filter
// is in the query, before counting and paging.
func (s *Store) alertWhere(ctx context.Context, t txn, v access.Viewer) (string, []any, error) {
	if v.System {
		return "1 = 1", nil, nil
	}
	vis, err := s.visibleMarkings(ctx, t, v, "am.marking_id")
	if err != nil {
		return "", nil, err
	}
	return "agency = ? AND NOT EXISTS (SELECT 1 FROM alert_markings am WHERE am.alert_id = alerts.id AND NOT (" + vis + "))",
		[]any{v.Agency}, nil
}

// Alerts returns one page of the alerts v may see, newest first, and their
// total.
func (s *Store) Alerts(ctx context.Context, v access.Viewer, q AlertQuery) ([]Alert, int, error) {
	var out []Alert
	var total int
	err := s.read(ctx, func(t txn) error {
		where, args, err := s.alertWhere(ctx, t, v)
		if err != nil {
			return err
		}
		if q.Status != "" {
			where += " AND status = ?"
			args = append(args, q.Status)
		}
		if q.MonitorID != 0 {
			where += " AND monitor_id = ?"
			args = append(args, q.MonitorID)
		}
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM alerts WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		limit := q.Limit
		if limit <= 0 {
			limit = 1 << 30
		}
		out, err = queryAll(ctx, t, scanAlert, "SELECT "+alertColumns+" FROM alerts WHERE "+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
			append(args, limit, q.Offset)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("alerts: %w", err)
	}
	return out, total, nil
}

// SetAlertStatus moves an alert v may see to status (open, escalated or
// closed) with a note; ENOTFOUND when v may not see it.
func (s *Store) SetAlertStatus(ctx context.Context, v access.Viewer, id int64, status, note string) (Alert, error) {
	if !slices.Contains([]string{AlertOpen, AlertEscalated, AlertClosed}, status) {
		return Alert{}, nexus.Errorf(nexus.EINVALID, "alert status %q: want open, escalated or closed", status)
	}
	var a Alert
	err := s.write(ctx, func(t txn) error {
		where, args, err := s.alertWhere(ctx, t, v)
		if err != nil {
			return err
		}
		args = append([]any{status, note, formatTime(s.now()), v.Name, id}, args...)
		res, err := t.exec(ctx, "UPDATE alerts SET status = ?, note = ?, updated_at = ?, updated_by = ? WHERE id = ? AND "+where, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "alert %d not found", id)
		}
		a, err = scanAlert(t.queryRow(ctx, "SELECT "+alertColumns+" FROM alerts WHERE id = ?", id))
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("alert %s: %w", strconv.FormatInt(id, 10), err)
	}
	return a, nil
}
