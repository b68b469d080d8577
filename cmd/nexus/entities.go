package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

func cmdEntities(ctx context.Context, e *env, args []string) error {
	fs := e.flags("entities")
	var (
		dataset = fs.String("dataset", "", "only entities from this dataset")
		id      = fs.String("id", "", "only the entity with this id")
		schema  = fs.String("schema", "", "only entities of this schema (and its descendants)")
		q       = fs.String("q", "", "only entities with a name containing this text")
		targets = fs.Bool("targets", false, "only targets (listed parties, not their addresses, documents, sanctions or links)")
		count   = fs.Bool("count", false, "print the number of targets instead of the entities")
		as      = fs.String("as", "", "read as this Nexus user (default: the system, audited under your OS user)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	query := store.EntityQuery{Dataset: *dataset, ID: *id, Schema: *schema, Q: *q, TargetsOnly: *targets}
	object := fmt.Sprintf("entities dataset=%q id=%q schema=%q q=%q", *dataset, *id, *schema, *q)
	if *count {
		query.TargetsOnly = true
		n, err := st.CountEntities(ctx, v, query)
		if aerr := record(ctx, st, v, audit.ActionSearch, object+" count", err); aerr != nil {
			return aerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, n)
		return nil
	}
	enc := json.NewEncoder(e.stdout)
	err = st.EachEntity(ctx, v, query, func(ent *ftm.Entity) error { return enc.Encode(ent) })
	if aerr := record(ctx, st, v, audit.ActionRead, object, err); aerr != nil {
		return aerr
	}
	return err
}
