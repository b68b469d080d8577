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

// EdgeOptions say how to read an edge list (format "edges"): which columns
// hold the two ends and the optional weight, time and type, and an optional
// node attributes file.
type EdgeOptions struct {
	Source, Target     string // "source" and "target" when empty
	Weight, Time, Type string
	// Nodes is a csv file with an "id" column (or Source's name) and
	// columns named after Person properties (name, alias, topics,
	// nationality, birthDate, phone …; "label" is read as name); other
	// columns are kept as notes.
	Nodes string
}

// readEdges reads an edge list as Person entities (one per node, id
// "<dataset>-<node>") and one link entity per row: an FtM edge schema when
// the type column names one (Associate, Family, Membership …), otherwise
// UnknownLink with the type as its role. A time that is a date becomes the
// link's date; any other (a wiretap phase) and the weight are kept in its
// summary, since FtM links carry neither.
func readEdges(ctx context.Context, path string, opts Options, emit Emit) error {
	if opts.Dataset == "" {
		return errors.New("edges needs a dataset name for ids")
	}
	eo := opts.Edges
	if eo.Source == "" {
		eo.Source = "source"
	}
	if eo.Target == "" {
		eo.Target = "target"
	}
	pr := problems{opts}
	nodes := map[string]*ftm.Entity{}
	slugs := map[string]string{}
	var order []string
	// node returns the entity of node id; ids may hold spaces (names), so
	// the entity id replaces white space with "_" and a clash of two ids is
	// an error.
	node := func(id string) (*ftm.Entity, error) {
		if e, ok := nodes[id]; ok {
			return e, nil
		}
		slug := strings.Join(strings.Fields(id), "_")
		if other, ok := slugs[slug]; ok {
			return nil, fmt.Errorf("node ids %q and %q both give entity id %s-%s", other, id, opts.Dataset, slug)
		}
		slugs[slug] = id
		e := ftm.NewEntity("Person", opts.Dataset+"-"+slug)
		e.Target = true
		nodes[id] = e
		order = append(order, id)
		return e, nil
	}
	if eo.Nodes != "" {
		if err := readNodeAttributes(ctx, eo.Nodes, pr, node); err != nil {
			return err
		}
	}

	c, err := openCSV(path)
	if err != nil {
		return err
	}
	defer c.Close()
	header, cols, err := c.header("empty file, want a header row")
	if err != nil {
		return err
	}
	var missing []string
	idx := map[string]int{}
	for flag, col := range map[string]string{"source-col": eo.Source, "target-col": eo.Target, "weight-col": eo.Weight, "time-col": eo.Time, "type-col": eo.Type} {
		if col == "" {
			continue
		}
		i, ok := cols[col]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s %q", flag, col))
			continue
		}
		idx[flag] = i
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return &Problem{File: c.name, Line: 1, Msg: "columns not in header: " + strings.Join(missing, ", ") + " (header: " + strings.Join(header, ",") + ")"}
	}
	var links []*ftm.Entity
	var origins []string
	err = c.each(ctx, pr, func(rec []string, line int) error {
		bad := func(format string, args ...any) error {
			return pr.bad(Problem{File: c.name, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
		if len(rec) != len(header) {
			return bad("got %d fields, want %d", len(rec), len(header))
		}
		get := func(flag string) string {
			if i, ok := idx[flag]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		s, t := get("source-col"), get("target-col")
		switch {
		case s == "":
			return bad("empty %s", eo.Source)
		case t == "":
			return bad("empty %s", eo.Target)
		}
		se, err := node(s)
		if err != nil {
			return bad("%v", err)
		}
		te, err := node(t)
		if err != nil {
			return bad("%v", err)
		}
		var summary []string
		if w := get("weight-col"); w != "" {
			if _, err := strconv.ParseFloat(w, 64); err != nil {
				return bad("%s: %q is not a number", eo.Weight, w)
			}
			summary = append(summary, "weight "+w)
		}
		schema, role := "UnknownLink", ""
		if ty := get("type-col"); ty != "" {
			if sc, ok := ftm.GetSchema(ty); ok && sc.Edge {
				schema = sc.Name
			} else {
				role = ty
			}
		}
		sc, _ := ftm.GetSchema(schema)
		l := ftm.NewEntity(schema, fmt.Sprintf("%s-link-%d", opts.Dataset, line))
		l.Add(sc.EdgeSource, se.ID)
		l.Add(sc.EdgeTarget, te.ID)
		if role != "" {
			l.Add("role", role)
		}
		if tm := get("time-col"); tm != "" {
			if d := isoDate(tm); d != "" && len(tm) >= 4 {
				l.Add("date", d)
			} else {
				summary = append(summary, "time "+tm)
			}
		}
		if len(summary) > 0 {
			l.Add("summary", strings.Join(summary, "; "))
		}
		links = append(links, l)
		origins = append(origins, c.name+":"+strconv.Itoa(line))
		return nil
	})
	if err != nil {
		return err
	}
	// Nodes first, so every link's ends exist when it is stored.
	for _, id := range order {
		e := nodes[id]
		if len(e.Get("name")) == 0 {
			e.Add("name", id)
		}
		if err := emit(e, c.name); err != nil {
			return err
		}
	}
	for i, l := range links {
		if err := emit(l, origins[i]); err != nil {
			return err
		}
	}
	return nil
}

// readNodeAttributes reads the node attributes file into node entities.
func readNodeAttributes(ctx context.Context, path string, pr problems, node func(id string) (*ftm.Entity, error)) error {
	c, err := openCSV(path)
	if err != nil {
		return err
	}
	defer c.Close()
	header, cols, err := c.header("empty node file, want a header row")
	if err != nil {
		return err
	}
	idCol := -1
	for _, name := range []string{"id", "node", "name"} {
		if i, ok := cols[name]; ok {
			idCol = i
			break
		}
	}
	if idCol < 0 {
		return &Problem{File: c.name, Line: 1, Msg: "node file has no id, node or name column"}
	}
	person, _ := ftm.GetSchema("Person")
	return c.each(ctx, pr, func(rec []string, line int) error {
		if len(rec) != len(header) {
			return pr.bad(Problem{File: c.name, Line: line, Msg: fmt.Sprintf("got %d fields, want %d", len(rec), len(header))})
		}
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			return pr.bad(Problem{File: c.name, Line: line, Msg: "empty node id"})
		}
		e, err := node(id)
		if err != nil {
			return pr.bad(Problem{File: c.name, Line: line, Msg: err.Error()})
		}
		for i, h := range header {
			v := strings.TrimSpace(rec[i])
			if i == idCol || v == "" {
				continue
			}
			h = strings.TrimSpace(h)
			if h == "label" {
				h = "name"
			}
			p, ok := person.Property(h)
			if !ok || p.Type == ftm.TypeEntity {
				e.Add("notes", h+": "+v)
				continue
			}
			for _, part := range strings.Split(v, ";") {
				part = strings.TrimSpace(part)
				switch p.Type {
				case ftm.TypeDate:
					if part = isoDate(part); part == "" {
						if err := pr.bad(Problem{File: c.name, Line: line, Warning: true, Msg: fmt.Sprintf("%s: %q is not a date; value dropped", h, v)}); err != nil {
							return err
						}
						continue
					}
				case ftm.TypeCountry:
					if part = country(part); part == "" {
						if err := pr.bad(Problem{File: c.name, Line: line, Warning: true, Msg: fmt.Sprintf("%s: %q is not a country; value dropped", h, v)}); err != nil {
							return err
						}
						continue
					}
				case ftm.TypeTopic:
					if !ftm.IsTopic(part) {
						if err := pr.bad(Problem{File: c.name, Line: line, Warning: true, Msg: fmt.Sprintf("%s: %q is not an FtM topic; value dropped", h, part)}); err != nil {
							return err
						}
						continue
					}
				}
				e.Add(h, part)
			}
		}
		return nil
	})
}
