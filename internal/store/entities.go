package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// entityPage is how many entities EachEntity and Entities load per query,
// which bounds memory and the length of IN lists.
const entityPage = 500

// nameProps are the properties EntityQuery.Q searches.
var nameProps = []string{"name", "alias", "previousName", "weakAlias", "firstName", "lastName"}

// PutStatements adds or refreshes individual statements (analyst writes,
// per-value markings) in one transaction without touching the rest of the
// dataset. An empty ID is computed with ftm.StatementID, an empty canonical
// id is the entity id, a zero marking is the dataset's default and zero
// times are now. The dataset must exist (EINVALID).
func (s *Store) PutStatements(ctx context.Context, stmts []Statement) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.write(ctx, func(t txn) error {
		if err := s.refreshMarkings(ctx, t); err != nil {
			return err
		}
		ins, err := t.prepare(ctx, upsertStatement)
		if err != nil {
			return err
		}
		defer ins.Close()
		markingIDs := map[string]int64{}
		defaults := map[string]access.Marking{}
		for i, st := range stmts {
			if st.EntityID == "" || st.Schema == "" || st.Prop == "" || st.Dataset == "" {
				return nexus.Errorf(nexus.EINVALID, "statement %d: entity id, schema, prop and dataset are required", i)
			}
			if st.Prop != ftm.IDProp && st.Value == "" {
				return nexus.Errorf(nexus.EINVALID, "statement %d: empty value", i)
			}
			if st.ID == "" {
				st.ID = ftm.StatementID(st.Dataset, st.EntityID, st.Prop, st.Value)
			}
			if st.CanonicalID == "" {
				st.CanonicalID = st.EntityID
			}
			m := st.Marking
			if m.Classification == "" && m.Key() == access.Unclassified {
				d, ok := defaults[st.Dataset]
				if !ok {
					var body string
					err := t.queryRow(ctx, "SELECT default_marking FROM datasets WHERE name = ?", st.Dataset).Scan(&body)
					if err != nil {
						return fmt.Errorf("statement %d: %w", i, dbError(err, "dataset "+st.Dataset))
					}
					if err := json.Unmarshal([]byte(body), &d); err != nil {
						return err
					}
					defaults[st.Dataset] = d
				}
				m = d
			}
			key := m.Key()
			mid, ok := markingIDs[key]
			if !ok {
				if mid, err = s.ensureMarking(ctx, t, m); err != nil {
					return fmt.Errorf("statement %d: %w", i, err)
				}
				markingIDs[key] = mid
			}
			first, last := st.FirstSeen, st.LastSeen
			if first.IsZero() {
				first = now
			}
			if last.IsZero() {
				last = now
			}
			_, err := ins.ExecContext(ctx, st.ID, st.EntityID, st.CanonicalID, st.Schema, st.Prop, st.Value, st.Dataset,
				st.Origin, st.Target, mid, i, formatTime(first), formatTime(last))
			if err != nil {
				return fmt.Errorf("statement %d: %w", i, dbError(err, "dataset "+st.Dataset))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put statements: %w", err)
	}
	return nil
}

// upsertStatement writes one statement for PutStatements; unlike an import
// it may re-point the canonical id.
var upsertStatement = "INSERT INTO statements (" + statementColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
	ON CONFLICT (id) DO UPDATE SET canonical_id = excluded.canonical_id, schema = excluded.schema,
		origin = excluded.origin, target = excluded.target, marking_id = excluded.marking_id, last_seen = excluded.last_seen`

// scanStatements reads rows of statementColumns.
func (s *Store) scanStatements(ctx context.Context, t txn, query string, args ...any) ([]Statement, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		var st Statement
		var markingID int64
		var pos int
		var first, last string
		if err := rows.Scan(&st.ID, &st.EntityID, &st.CanonicalID, &st.Schema, &st.Prop, &st.Value, &st.Dataset,
			&st.Origin, &st.Target, &markingID, &pos, &first, &last); err != nil {
			return nil, err
		}
		if st.FirstSeen, err = parseTime(first); err != nil {
			return nil, err
		}
		if st.LastSeen, err = parseTime(last); err != nil {
			return nil, err
		}
		var ok bool
		if st.Marking, ok = s.markingByID(markingID); !ok {
			return nil, fmt.Errorf("statement %s: unknown marking %d", st.ID, markingID)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// statementOrder keeps each entity's values in the order they were emitted.
const statementOrder = " ORDER BY canonical_id, dataset, entity_id, pos, id"

func fold(stmts []Statement) (*ftm.Entity, error) {
	plain := make([]ftm.Statement, len(stmts))
	for i, st := range stmts {
		plain[i] = st.Statement
	}
	return ftm.Fold(plain)
}

// EntityStatements returns the statements about id (by canonical id) that v
// may see, with provenance and markings; ENOTFOUND when there are none.
func (s *Store) EntityStatements(ctx context.Context, v access.Viewer, id string) ([]Statement, error) {
	var out []Statement
	err := s.read(ctx, func(t txn) error {
		var err error
		out, err = s.entityStatements(ctx, t, v, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", id, err)
	}
	return out, nil
}

func (s *Store) entityStatements(ctx context.Context, t txn, v access.Viewer, id string) ([]Statement, error) {
	vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
	if err != nil {
		return nil, err
	}
	where := "canonical_id = ?"
	if vis != "" {
		where += " AND " + vis
	}
	stmts, err := s.scanStatements(ctx, t, "SELECT "+statementColumns+" FROM statements WHERE "+where+statementOrder, id)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, nexus.Errorf(nexus.ENOTFOUND, "entity %s not found", id)
	}
	return stmts, nil
}

// Entity folds the statements about id (by canonical id) that v may see.
// ENOTFOUND when v can see none — the same answer as for an id that does
// not exist, so existence does not leak.
func (s *Store) Entity(ctx context.Context, v access.Viewer, id string) (*ftm.Entity, error) {
	var e *ftm.Entity
	err := s.read(ctx, func(t txn) error {
		stmts, err := s.entityStatements(ctx, t, v, id)
		if err != nil {
			return err
		}
		e, err = fold(stmts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entity %s: %w", id, err)
	}
	return e, nil
}

// entityWhere is the condition a statement must meet for its entity to match
// q for v. The marking filter comes first and every filter applies to the
// same visible statement, so a hidden value can neither match nor be counted.
func (s *Store) entityWhere(ctx context.Context, t txn, v access.Viewer, q EntityQuery) (string, []any, error) {
	var conds []string
	var args []any
	vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
	if err != nil {
		return "", nil, err
	}
	if vis != "" {
		conds = append(conds, vis)
	}
	if q.Q != "" {
		conds = append(conds, "prop IN ('"+strings.Join(nameProps, "','")+"') AND LOWER(value) LIKE ? ESCAPE '\\'")
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q.Q))
		args = append(args, "%"+esc+"%")
	}
	if q.Schema != "" {
		names := schemaAndDescendants(q.Schema)
		conds = append(conds, "schema IN (?"+strings.Repeat(",?", len(names)-1)+")")
		for _, n := range names {
			args = append(args, n)
		}
	}
	if q.Dataset != "" {
		conds = append(conds, "dataset = ?")
		args = append(args, q.Dataset)
	}
	if q.ID != "" {
		conds = append(conds, "canonical_id = ?")
		args = append(args, q.ID)
	}
	if q.TargetsOnly {
		conds = append(conds, "target = TRUE")
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// schemaAndDescendants returns name and every schema that descends from it.
func schemaAndDescendants(name string) []string {
	out := []string{name}
	for _, sc := range ftm.Schemata() {
		if sc.Name != name && sc.IsA(name) {
			out = append(out, sc.Name)
		}
	}
	return out
}

func (s *Store) countEntities(ctx context.Context, t txn, where string, args []any) (int, error) {
	var n int
	err := t.queryRow(ctx, "SELECT COUNT(DISTINCT canonical_id) FROM statements"+where, args...).Scan(&n)
	return n, err
}

// entityIDs returns one page of matching canonical ids; after, when not
// empty, continues from a previous page.
func (s *Store) entityIDs(ctx context.Context, t txn, where string, args []any, after string, limit, offset int) ([]string, error) {
	if after != "" {
		if where == "" {
			where = " WHERE canonical_id > ?"
		} else {
			where += " AND canonical_id > ?"
		}
		args = append(args[:len(args):len(args)], after)
	}
	if limit <= 0 {
		limit = math.MaxInt32
	}
	rows, err := t.query(ctx, "SELECT DISTINCT canonical_id FROM statements"+where+" ORDER BY canonical_id LIMIT ? OFFSET ?",
		append(args[:len(args):len(args)], limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// loadEntities folds the entities with the given canonical ids (at most
// entityPage) from the statements v may see, in the order of ids.
func (s *Store) loadEntities(ctx context.Context, t txn, v access.Viewer, ids []string) ([]*ftm.Entity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
	if err != nil {
		return nil, err
	}
	where := " WHERE canonical_id IN (?" + strings.Repeat(",?", len(ids)-1) + ")"
	if vis != "" {
		where += " AND " + vis
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	stmts, err := s.scanStatements(ctx, t, "SELECT "+statementColumns+" FROM statements"+where+statementOrder, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*ftm.Entity, 0, len(ids))
	for i := 0; i < len(stmts); {
		j := i + 1
		for j < len(stmts) && stmts[j].CanonicalID == stmts[i].CanonicalID {
			j++
		}
		e, err := fold(stmts[i:j])
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		i = j
	}
	return out, nil
}

// Entities returns one page of entities matching q that v may see, ordered
// by id, folded from visible statements only, and the total count.
func (s *Store) Entities(ctx context.Context, v access.Viewer, q EntityQuery) ([]*ftm.Entity, int, error) {
	var out []*ftm.Entity
	var total int
	err := s.read(ctx, func(t txn) error {
		where, args, err := s.entityWhere(ctx, t, v, q)
		if err != nil {
			return err
		}
		if total, err = s.countEntities(ctx, t, where, args); err != nil {
			return err
		}
		ids, err := s.entityIDs(ctx, t, where, args, "", q.Limit, q.Offset)
		if err != nil {
			return err
		}
		out, err = s.loadEntitiesPaged(ctx, t, v, ids)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("entities: %w", err)
	}
	return out, total, nil
}

// EachEntity streams every entity matching q that v may see, ordered by id,
// a page at a time, from one snapshot. q.Offset and q.Limit apply.
func (s *Store) EachEntity(ctx context.Context, v access.Viewer, q EntityQuery, fn func(*ftm.Entity) error) error {
	err := s.read(ctx, func(t txn) error {
		where, args, err := s.entityWhere(ctx, t, v, q)
		if err != nil {
			return err
		}
		after, offset, left := "", q.Offset, q.Limit
		for {
			n := entityPage
			if q.Limit > 0 {
				if left <= 0 {
					return nil
				}
				n = min(n, left)
			}
			ids, err := s.entityIDs(ctx, t, where, args, after, n, offset)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			es, err := s.loadEntities(ctx, t, v, ids)
			if err != nil {
				return err
			}
			for _, e := range es {
				if err := fn(e); err != nil {
					return err
				}
			}
			after, offset, left = ids[len(ids)-1], 0, left-len(ids)
			if len(ids) < n {
				return nil
			}
		}
	})
	if err != nil {
		return fmt.Errorf("each entity: %w", err)
	}
	return nil
}

// CountEntities counts entities matching q that v may see.
func (s *Store) CountEntities(ctx context.Context, v access.Viewer, q EntityQuery) (int, error) {
	var n int
	err := s.read(ctx, func(t txn) error {
		where, args, err := s.entityWhere(ctx, t, v, q)
		if err != nil {
			return err
		}
		n, err = s.countEntities(ctx, t, where, args)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("count entities: %w", err)
	}
	return n, nil
}
