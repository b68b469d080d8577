package ftm

import (
	"slices"
	"time"

	"github.com/nexus-intel/nexus"
)

// Fold builds one entity from its statements, in the order given: the id is
// the canonical id of the first statement, the schema the most specific one
// all statements agree on (see CommonSchema), and each statement other than
// the IDProp one adds its value to its property. The entity is a target if
// any statement says so; its datasets and referents (the source ids merged
// into it) are collected sorted; FirstSeen and LastSeen are the earliest and
// latest statement times in RFC 3339, UTC. Statements of different canonical
// ids or unrelated schemata are an invalid error.
func Fold(stmts []Statement) (*Entity, error) {
	if len(stmts) == 0 {
		return nil, nexus.Errorf(nexus.EINVALID, "fold: no statements")
	}
	id := canonical(stmts[0])
	schema := stmts[0].Schema
	var first, last time.Time
	var datasets, referents []string
	e := NewEntity("", id)
	for _, st := range stmts {
		if c := canonical(st); c != id {
			return nil, nexus.Errorf(nexus.EINVALID, "fold entity %q: statement %s belongs to %q", id, st.ID, c)
		}
		common, err := CommonSchema(schema, st.Schema)
		if err != nil {
			return nil, nexus.Errorf(nexus.EINVALID, "fold entity %q: %v", id, err)
		}
		schema = common
		if st.Prop != IDProp {
			e.Add(st.Prop, st.Value)
		}
		e.Target = e.Target || st.Target
		if st.Dataset != "" {
			datasets = append(datasets, st.Dataset)
		}
		if st.EntityID != "" && st.EntityID != id {
			referents = append(referents, st.EntityID)
		}
		if !st.FirstSeen.IsZero() && (first.IsZero() || st.FirstSeen.Before(first)) {
			first = st.FirstSeen
		}
		if st.LastSeen.After(last) {
			last = st.LastSeen
		}
	}
	e.Schema = schema
	e.Datasets = nonEmpty(sortedSet(datasets))
	e.Referents = nonEmpty(sortedSet(referents))
	if !first.IsZero() {
		e.FirstSeen = first.UTC().Format(time.RFC3339)
	}
	if !last.IsZero() {
		e.LastSeen = last.UTC().Format(time.RFC3339)
	}
	return e, nil
}

func canonical(st Statement) string {
	if st.CanonicalID != "" {
		return st.CanonicalID
	}
	return st.EntityID
}

func sortedSet(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
