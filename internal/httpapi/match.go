package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/screening"
)

// POST /match/{dataset} speaks yente's matching API (OpenSanctions'
// yente, routers/match.py and data/common.py) so that its clients work
// unchanged: the same request and response members, the same query
// parameters and defaults. Nexus adds "explanation" and, for a match an
// analyst cleared, "cleared" members; a cleared match has "match": false.

// yente's defaults.
const (
	yenteDefaultLimit  = 5
	yenteMaxLimit      = 500
	yenteDefaultCutoff = 0.5
)

// entityExample is yente's EntityExample: a query as an FtM entity.
type entityExample struct {
	ID         string                     `json:"id,omitempty"`
	Schema     string                     `json:"schema"`
	Properties map[string]json.RawMessage `json:"properties"`
}

// entityMatchQuery is yente's EntityMatchQuery.
type entityMatchQuery struct {
	Weights map[string]float64       `json:"weights,omitempty"`
	Config  map[string]any           `json:"config,omitempty"`
	Queries map[string]entityExample `json:"queries"`
}

type totalSpec struct {
	Value    int    `json:"value"`
	Relation string `json:"relation"`
}

// scoredEntity is yente's ScoredEntityResponse.
type scoredEntity struct {
	ID            string              `json:"id"`
	Caption       string              `json:"caption"`
	Schema        string              `json:"schema"`
	Properties    map[string][]string `json:"properties"`
	Datasets      []string            `json:"datasets"`
	Referents     []string            `json:"referents"`
	Target        bool                `json:"target"`
	FirstSeen     *string             `json:"first_seen"`
	LastSeen      *string             `json:"last_seen"`
	LastChange    *string             `json:"last_change"`
	Score         float64             `json:"score"`
	Features      map[string]float64  `json:"features"`
	Match         bool                `json:"match"`
	Explanation   string              `json:"explanation"`
	Cleared       bool                `json:"cleared,omitempty"`
	ClearedReason string              `json:"cleared_reason,omitempty"`
	ClearedBy     string              `json:"cleared_by,omitempty"`
}

// entityMatches is yente's EntityMatches.
type entityMatches struct {
	Status  int            `json:"status"`
	Results []scoredEntity `json:"results"`
	Total   totalSpec      `json:"total"`
	Query   any            `json:"query"`
}

type featureDoc struct {
	Description string  `json:"description"`
	Coefficient float64 `json:"coefficient"`
	URL         string  `json:"url"`
}

// entityMatchResponse is yente's EntityMatchResponse.
type entityMatchResponse struct {
	Responses map[string]entityMatches `json:"responses"`
	Matcher   map[string]featureDoc    `json:"matcher"`
	Limit     int                      `json:"limit"`
}

// matcherDocs describes the features a result's "features" carries.
var matcherDocs = map[string]featureDoc{
	"name":       {Description: "Similarity of the best pair of names, aligned part by part and weighted by rarity", Coefficient: 1},
	"birthDate":  {Description: "Agreement of the dates of birth (adjusts the name score)", Coefficient: 1},
	"identifier": {Description: "An identifier (passport, national id, registration) matching exactly", Coefficient: 1},
	"country":    {Description: "Country or nationality contradicting the listed party's (can only lower the score)", Coefficient: 1},
	"gender":     {Description: "Gender contradicting the listed party's (can only lower the score)", Coefficient: 1},
	"schema":     {Description: "Compatibility of the query's and the listed party's entity types", Coefficient: 1},
}

// yenteAlgorithm maps yente's algorithm names onto Nexus's scorers.
func yenteAlgorithm(name string) (screen.Algorithm, error) {
	switch n := strings.ToLower(name); {
	case n == "", n == "best", n == "default", n == string(screen.AlgorithmDefault), strings.HasPrefix(n, "logic-"), n == "name-based", n == "name-qualified", n == "regression-v1":
		return screen.AlgorithmDefault, nil
	case n == string(screen.AlgorithmOFAC):
		return screen.AlgorithmOFAC, nil
	}
	return "", invalid("algorithm %q: want %s or %s (yente's names map to %s)", name, screen.AlgorithmDefault, screen.AlgorithmOFAC, screen.AlgorithmDefault)
}

func floatParam(r *http.Request, name string, def float64) (float64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1 {
		return 0, invalid("parameter %s: %q is not a number between 0 and 1", name, s)
	}
	return f, nil
}

// exampleEntity turns a yente query into an FtM entity; property values may
// be a string or a list of strings.
func exampleEntity(key string, ex entityExample) (*ftm.Entity, error) {
	if _, ok := ftm.GetSchema(ex.Schema); !ok {
		return nil, invalid("query %s: unknown schema %q", key, ex.Schema)
	}
	e := ftm.NewEntity(ex.Schema, "query")
	for prop, raw := range ex.Properties {
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			e.Add(prop, one)
			continue
		}
		var many []any
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, invalid("query %s: property %s: want a string or a list of strings", key, prop)
		}
		for _, v := range many {
			switch v := v.(type) {
			case string:
				e.Add(prop, v)
			case float64:
				e.Add(prop, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				return nil, invalid("query %s: property %s: want a string or a list of strings", key, prop)
			}
		}
	}
	return e, nil
}

func (s *Server) matchYente(r *http.Request, c *call) (any, error) {
	dataset := r.PathValue("dataset")
	c.Object = "match dataset:" + dataset
	if err := s.needScreening(); err != nil {
		return nil, err
	}
	var datasets []string
	if dataset != "default" && dataset != "all" {
		if _, err := s.store.GetDataset(r.Context(), dataset); err != nil {
			if nexus.ErrorCode(err) == nexus.ENOTFOUND {
				return nil, notFound("dataset %s not found", dataset)
			}
			return nil, err
		}
		datasets = []string{dataset}
	}
	if inc := r.URL.Query()["include_dataset"]; len(inc) > 0 {
		if datasets == nil {
			datasets = inc
		} else {
			datasets = slices.DeleteFunc(datasets, func(d string) bool { return !slices.Contains(inc, d) })
			if len(datasets) == 0 {
				datasets = []string{"\x00none"}
			}
		}
	}
	if err := s.needToKnowAll(r, c.Viewer, datasets); err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit", yenteDefaultLimit, 1, yenteMaxLimit)
	if err != nil {
		return nil, err
	}
	threshold, err := floatParam(r, "threshold", screen.DefaultThreshold)
	if err != nil {
		return nil, err
	}
	cutoff, err := floatParam(r, "cutoff", min(yenteDefaultCutoff, threshold))
	if err != nil {
		return nil, err
	}
	alg, err := yenteAlgorithm(r.URL.Query().Get("algorithm"))
	if err != nil {
		return nil, err
	}
	var req entityMatchQuery
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if len(req.Queries) == 0 {
		return nil, invalid("queries: at least one query is required")
	}
	if len(req.Queries) > MaxScreenBatch {
		return nil, invalid("queries: %d queries, at most %d per request", len(req.Queries), MaxScreenBatch)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range req.Queries {
			if !yield(k) {
				return
			}
		}
	})
	subjects := make([]screening.Subject, len(keys))
	for i, k := range keys {
		e, err := exampleEntity(k, req.Queries[k])
		if err != nil {
			return nil, err
		}
		q := screen.QueryFromEntity(e)
		if len(q.Names) == 0 && q.FirstName+q.LastName == "" {
			return nil, invalid("query %s: a name is required", k)
		}
		subjects[i] = screening.Subject{ID: k, Key: screening.SubjectKey(req.Queries[k].ID, q), Query: q}
	}
	// cutoff 0 would mean the engine's default; a tiny positive floor keeps
	// "report everything scored" for a caller who asks for 0.
	res, err := s.screening.Screen(r.Context(), c.Viewer, subjects, screening.Request{Threshold: max(cutoff, 0.0001), Limit: limit,
		Algorithm: alg, Datasets: datasets})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, rs := range res {
		for _, m := range rs.Matches {
			ids = append(ids, m.EntityID)
		}
	}
	ents, err := s.store.EntitiesByID(r.Context(), c.Viewer, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*ftm.Entity, len(ents))
	for _, e := range ents {
		byID[e.ID] = e
	}
	out := entityMatchResponse{Responses: make(map[string]entityMatches, len(res)), Matcher: matcherDocs, Limit: limit}
	total := 0
	for i, rs := range res {
		em := entityMatches{Status: http.StatusOK, Results: []scoredEntity{}, Query: req.Queries[keys[i]]}
		for _, m := range rs.Matches {
			e := byID[m.EntityID]
			if e == nil {
				continue // changed since it was indexed and no longer visible
			}
			se := scoredEntity{ID: m.EntityID, Caption: m.Caption, Schema: m.Schema, Properties: e.Properties,
				Datasets: m.Datasets, Referents: nonNilStrings(e.Referents), Target: e.Target,
				FirstSeen: optional(e.FirstSeen), LastSeen: optional(e.LastSeen), LastChange: optional(e.LastChange),
				Score: m.Score, Features: map[string]float64{}, Match: m.Score >= threshold && !m.Cleared,
				Explanation: m.Explanation, Cleared: m.Cleared, ClearedReason: m.ClearedReason, ClearedBy: m.ClearedBy}
			if e.Datasets != nil {
				se.Datasets = e.Datasets
			}
			for _, f := range m.Features {
				se.Features[f.Name] = f.Score
			}
			em.Results = append(em.Results, se)
		}
		em.Total = totalSpec{Value: len(em.Results), Relation: "eq"}
		total += len(em.Results)
		out.Responses[keys[i]] = em
	}
	c.Object = fmt.Sprintf("match dataset:%s queries:%d results:%d", dataset, len(keys), total)
	return out, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNilStrings(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
