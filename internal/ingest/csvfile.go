package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// csvSchemata are the schemata a csv row may take, through Options.Schema
// or a "schema" column: FtM's target schemata, in any case.
var csvSchemata = func() []string {
	var out []string
	for _, s := range ftm.Schemata() {
		if ftm.IsTargetSchema(s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}()

func csvSchema(s string) string {
	for _, c := range csvSchemata {
		if strings.EqualFold(strings.TrimSpace(s), c) {
			return c
		}
	}
	return ""
}

func readCSV(ctx context.Context, path string, opts Options, emit Emit) error {
	if opts.Dataset == "" {
		return errors.New("csv needs a dataset name for ids")
	}
	schema := "Person"
	if opts.Schema != "" {
		if schema = csvSchema(opts.Schema); schema == "" {
			return fmt.Errorf("csv: schema %q: want one of %s", opts.Schema, strings.Join(csvSchemata, ", "))
		}
	}
	idCol := opts.IDColumn
	if idCol == "" {
		idCol = "id"
	}
	c, err := openCSV(path)
	if err != nil {
		return err
	}
	defer c.Close()
	pr := problems{opts}

	header, cols, err := c.header("empty file, want a header row")
	if err != nil {
		return err
	}
	// Check every mapped column before the first row, so a typo in the
	// mapping fails fast instead of importing half-empty entities.
	if _, ok := opts.Map["name"]; !ok {
		return errors.New("csv map has no name column (want name=<column>)")
	}
	var missing []string
	if _, ok := cols[idCol]; !ok {
		missing = append(missing, "id column "+idCol)
	}
	props := make([]string, 0, len(opts.Map))
	for p, col := range opts.Map {
		if _, ok := cols[col]; !ok {
			missing = append(missing, p+"="+col)
		}
		props = append(props, p)
	}
	slices.Sort(props)
	// A mapped property must exist in the schema, or in one of them when
	// a column picks the schema per row.
	rowSchemata := []string{schema}
	if _, ok := opts.Map["schema"]; ok {
		rowSchemata = csvSchemata
	}
	for _, p := range props {
		if p != "schema" && !slices.ContainsFunc(rowSchemata, func(s string) bool { _, ok := property(s, p); return ok }) {
			return fmt.Errorf("csv map: property %q is not in schema %s", p, strings.Join(rowSchemata, " or "))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return &Problem{File: c.name, Line: 1, Msg: "mapped columns not in header: " + strings.Join(missing, ", ")}
	}

	return c.each(ctx, pr, func(rec []string, line int) error {
		e, bad := csvEntity(rec, line, c.name, header, cols, idCol, schema, props, opts)
		if bad != nil {
			return pr.bad(*bad)
		}
		return emit(e, c.name+":"+strconv.Itoa(line))
	})
}

func csvEntity(rec []string, line int, file string, header []string, cols map[string]int, idCol, schema string, props []string, opts Options) (*ftm.Entity, *Problem) {
	bad := func(format string, args ...any) *Problem {
		return &Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(rec) != len(header) {
		return nil, bad("got %d fields, want %d", len(rec), len(header))
	}
	id := strings.TrimSpace(rec[cols[idCol]])
	if id == "" {
		return nil, bad("empty %s", idCol)
	}
	if strings.ContainsAny(id, " \t\r\n") {
		return nil, bad("bad %s %q: white space in id", idCol, id)
	}
	if col, ok := opts.Map["schema"]; ok {
		v := rec[cols[col]]
		if schema = csvSchema(v); schema == "" {
			return nil, bad("unknown schema %q", v)
		}
	}
	e := ftm.NewEntity(schema, opts.Dataset+"-"+id)
	e.Target = true
	for _, p := range props {
		if p == "schema" {
			continue
		}
		for _, raw := range strings.Split(rec[cols[opts.Map[p]]], ";") {
			v := strings.TrimSpace(raw)
			if v == "" {
				continue
			}
			prop, ok := property(schema, p)
			if !ok {
				// A column mapped for some rows' schema ("nationality" of a
				// Person) is kept for the others as a note.
				e.Add("notes", p+": "+v)
				continue
			}
			switch prop.Type {
			case ftm.TypeDate:
				if v = isoDate(v); v == "" {
					return nil, bad("%s: %q is not a date", p, strings.TrimSpace(raw))
				}
			case ftm.TypeCountry:
				if v = country(v); v == "" {
					return nil, bad("%s: %q is not a country", p, strings.TrimSpace(raw))
				}
			}
			e.Add(p, v)
		}
	}
	if len(e.Get("name")) == 0 {
		return nil, bad("empty name")
	}
	if err := e.Validate(); err != nil {
		return nil, bad("%v", err)
	}
	return e, nil
}
