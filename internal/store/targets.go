package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Target is a target entity as the screening index loads it.
type Target struct {
	// Entity is folded from all its statements, as the system viewer sees it.
	Entity *ftm.Entity
	// Markings are the sorted distinct marking ids of its statements.
	Markings []int64
	// Public is folded from the statements whose marking is in the public
	// set given to EachTarget: Entity itself when every statement is
	// public, nil when none is.
	Public *ftm.Entity
}

// targetQuery reads every statement of every entity that has a target
// statement, an entity's statements together and in statementOrder.
const targetQuery = "SELECT entity_id, canonical_id, schema, prop, value, dataset, target, marking_id, first_seen, last_seen" +
	" FROM statements WHERE canonical_id IN (SELECT canonical_id FROM statements WHERE target = TRUE)" + statementOrder

// EachTarget streams every target entity (one with a target statement),
// ordered by id, from one snapshot and in one query, each folded from all
// its statements together with its markings and its public portion, the
// statements whose marking id is in public. It is for the process's own
// indexes, which decide access per viewer afterwards (ADR 4). The same
// entities, folded alike, as EachEntity with the system viewer and
// TargetsOnly, EntityMarkings, and EntitiesByID with the viewer for whom
// public is what VisibleMarkingIDs returns.
func (s *Store) EachTarget(ctx context.Context, public map[int64]bool, fn func(Target) error) error {
	err := s.read(ctx, func(t txn) error {
		rows, err := t.query(ctx, targetQuery)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			group   []ftm.Statement
			marks   []int64 // of group, in the same order
			pub     []ftm.Statement
			times   = map[string]time.Time{} // stored times repeat: parse each once
			strs    = map[string]string{}    // as do schemata, props and datasets
			current string
		)
		parse := func(v string) (time.Time, error) {
			if t, ok := times[v]; ok {
				return t, nil
			}
			t, err := parseTime(v)
			if err == nil {
				times[v] = t
			}
			return t, err
		}
		intern := func(v string) string {
			if w, ok := strs[v]; ok {
				return w
			}
			strs[v] = v
			return v
		}
		emit := func() error {
			if len(group) == 0 {
				return nil
			}
			e, err := ftm.Fold(group)
			if err != nil {
				return err
			}
			tg := Target{Entity: e, Markings: slices.Compact(slices.Sorted(slices.Values(marks)))}
			pub = pub[:0]
			for i, st := range group {
				if public[marks[i]] {
					pub = append(pub, st)
				}
			}
			switch len(pub) {
			case len(group):
				tg.Public = e
			case 0:
			default:
				if tg.Public, err = ftm.Fold(pub); err != nil {
					return err
				}
			}
			group, marks = group[:0], marks[:0]
			return fn(tg)
		}
		for rows.Next() {
			var st ftm.Statement
			var m int64
			var first, last string
			if err := rows.Scan(&st.EntityID, &st.CanonicalID, &st.Schema, &st.Prop, &st.Value, &st.Dataset,
				&st.Target, &m, &first, &last); err != nil {
				return err
			}
			if st.CanonicalID != current {
				if err := emit(); err != nil {
					return err
				}
				current = st.CanonicalID
			}
			st.Schema, st.Prop, st.Dataset = intern(st.Schema), intern(st.Prop), intern(st.Dataset)
			if st.FirstSeen, err = parse(first); err != nil {
				return err
			}
			if st.LastSeen, err = parse(last); err != nil {
				return err
			}
			group, marks = append(group, st), append(marks, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return emit()
	})
	if err != nil {
		return fmt.Errorf("each target: %w", err)
	}
	return nil
}
