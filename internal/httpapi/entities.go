package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/store"
)

// Paging limits of GET /api/v1/entities.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// entityWithStatements is an entity with the statements it was folded from.
type entityWithStatements struct {
	Entity     *ftm.Entity
	Statements []store.Statement
}

// MarshalJSON writes the entity in its own FtM form with a "statements"
// member added, so the answer stays a valid FtM entity.
func (e entityWithStatements) MarshalJSON() ([]byte, error) {
	ent, err := json.Marshal(e.Entity)
	if err != nil {
		return nil, err
	}
	stmts, err := json.Marshal(e.Statements)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(ent, &fields); err != nil {
		return nil, err
	}
	fields["statements"] = stmts
	return json.Marshal(fields)
}

func (s *Server) getEntity(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = id
	withStatements, err := boolParam(r, "statements")
	if err != nil {
		return nil, err
	}
	e, err := s.store.Entity(r.Context(), c.Viewer, id)
	if err != nil {
		return nil, err
	}
	if !withStatements {
		return e, nil
	}
	stmts, err := s.store.EntityStatements(r.Context(), c.Viewer, id)
	if err != nil {
		return nil, err
	}
	if stmts == nil {
		stmts = []store.Statement{}
	}
	return entityWithStatements{Entity: e, Statements: stmts}, nil
}

// entityPage is one page of a listing.
type entityPage struct {
	Total   int           `json:"total"`
	Limit   int           `json:"limit"`
	Offset  int           `json:"offset"`
	Results []*ftm.Entity `json:"results"`
}

func (s *Server) listEntities(r *http.Request, c *call) (any, error) {
	c.Object = r.URL.RawQuery
	query := r.URL.Query()
	q := store.EntityQuery{
		Q:       strings.TrimSpace(query.Get("q")),
		Schema:  query.Get("schema"),
		Dataset: query.Get("dataset"),
	}
	var err error
	if q.TargetsOnly, err = boolParam(r, "targets"); err != nil {
		return nil, err
	}
	if q.Limit, err = intParam(r, "limit", defaultLimit, 1, maxLimit); err != nil {
		return nil, err
	}
	if q.Offset, err = intParam(r, "offset", 0, 0, -1); err != nil {
		return nil, err
	}
	if err := s.needToKnow(r, c.Viewer, q.Dataset); err != nil {
		return nil, err
	}
	results, total, err := s.store.Entities(r.Context(), c.Viewer, q)
	if err != nil {
		return nil, err
	}
	if results == nil {
		results = []*ftm.Entity{}
	}
	return entityPage{Total: total, Limit: q.Limit, Offset: q.Offset, Results: results}, nil
}

func (s *Server) listDatasets(r *http.Request, c *call) (any, error) {
	c.Object = "datasets"
	ds, err := s.store.Datasets(r.Context(), c.Viewer)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		ds = []store.Dataset{}
	}
	return map[string]any{"results": ds}, nil
}

// intParam reads an integer query parameter in [min, max] (max < 0: no
// upper bound), def when absent.
func intParam(r *http.Request, name string, def, min, max int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, invalid("parameter %s: %q is not a whole number", name, s)
	case n < min:
		return 0, invalid("parameter %s: %d is below %d", name, n, min)
	case max >= 0 && n > max:
		return 0, invalid("parameter %s: %d is above %d", name, n, max)
	}
	return n, nil
}

// boolParam reads a boolean query parameter, false when absent.
func boolParam(r *http.Request, name string) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, invalid("parameter %s: %q is not true or false", name, s)
	}
	return b, nil
}
