package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// MaxScreenBatch is the most queries one screening request may carry.
const MaxScreenBatch = 1000

// maxScreenBody bounds a screening request body.
const maxScreenBody = 16 << 20

// decodeBody reads a JSON request body into v, refusing unknown fields.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxScreenBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("request body: %v", err)
	}
	return nil
}

func (s *Server) needScreening() error {
	if s.screening == nil {
		return invalid("screening is not enabled on this server")
	}
	return nil
}

// screenRequest is the body of POST /api/v1/screen.
type screenRequest struct {
	Queries   []screening.QuerySpec `json:"queries"`
	Threshold float64               `json:"threshold,omitempty"`
	Limit     int                   `json:"limit,omitempty"`
	Algorithm string                `json:"algorithm,omitempty"`
	Datasets  []string              `json:"datasets,omitempty"`
}

func (s *Server) screenBatch(r *http.Request, c *call) (any, error) {
	c.Object = "screen"
	if err := s.needScreening(); err != nil {
		return nil, err
	}
	var req screenRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if err := s.needToKnowAll(r, c.Viewer, req.Datasets); err != nil {
		return nil, err
	}
	switch n := len(req.Queries); {
	case n == 0:
		return nil, invalid("queries: at least one query is required")
	case n > MaxScreenBatch:
		return nil, invalid("queries: %d queries, at most %d per request", n, MaxScreenBatch)
	}
	if req.Limit < 0 || req.Limit > 100 {
		return nil, invalid("limit %d: want 1 to 100", req.Limit)
	}
	subjects := make([]screening.Subject, len(req.Queries))
	for i, spec := range req.Queries {
		q, err := spec.Query()
		if err != nil {
			return nil, invalid("query %d (id %q): %s", i+1, spec.ID, nexus.ErrorMessage(err))
		}
		id := spec.ID
		if id == "" {
			id = strconv.Itoa(i + 1)
		}
		subjects[i] = screening.Subject{ID: id, Key: screening.SubjectKey(spec.SubjectID, q), Query: q}
	}
	res, err := s.screening.Screen(r.Context(), c.Viewer, subjects, screening.Request{Threshold: req.Threshold, Limit: req.Limit,
		Algorithm: screen.Algorithm(req.Algorithm), Datasets: req.Datasets})
	if err != nil {
		return nil, err
	}
	matches, cleared := 0, 0
	for _, r := range res {
		for _, m := range r.Matches {
			matches++
			if m.Cleared {
				cleared++
			}
		}
	}
	c.Object = fmt.Sprintf("screen queries:%d matches:%d cleared:%d datasets:%s", len(res), matches, cleared, strings.Join(req.Datasets, ","))
	return map[string]any{"results": res}, nil
}

// clearanceRequest is the body of POST /api/v1/clearances: the subject by
// its key (as a screening result reports it) or by its query.
type clearanceRequest struct {
	Subject  string               `json:"subject,omitempty"`
	Query    *screening.QuerySpec `json:"query,omitempty"`
	EntityID string               `json:"entity_id"`
	Reason   string               `json:"reason"`
}

func (s *Server) createClearance(r *http.Request, c *call) (any, error) {
	c.Object = "clearance"
	if err := s.needScreening(); err != nil {
		return nil, err
	}
	var req clearanceRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	key := req.Subject
	if key == "" && req.Query != nil {
		q, err := req.Query.Query()
		if err != nil {
			return nil, err
		}
		key = screening.SubjectKey(req.Query.SubjectID, q)
	}
	if key == "" || req.EntityID == "" {
		return nil, invalid("subject (or query) and entity_id are required")
	}
	c.Object = fmt.Sprintf("clearance subject:%s entity:%s", key, req.EntityID)
	cl, err := s.screening.Clear(r.Context(), c.Viewer, key, req.EntityID, req.Reason)
	if err != nil {
		return nil, err
	}
	c.Status = http.StatusCreated
	return cl, nil
}

// monitorRequest is the body of POST /api/v1/monitors.
type monitorRequest struct {
	Query     screening.QuerySpec `json:"query"`
	Label     string              `json:"label,omitempty"`
	Threshold float64             `json:"threshold,omitempty"`
}

func (s *Server) createMonitor(r *http.Request, c *call) (any, error) {
	c.Object = "monitor"
	if err := s.needScreening(); err != nil {
		return nil, err
	}
	var req monitorRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	m, err := s.screening.CreateMonitor(r.Context(), c.Viewer, req.Query, req.Label, req.Threshold)
	if err != nil {
		return nil, err
	}
	c.Object = fmt.Sprintf("monitor:%d subject:%s", m.ID, m.SubjectKey)
	c.Status = http.StatusCreated
	return m, nil
}

func (s *Server) listMonitors(r *http.Request, c *call) (any, error) {
	c.Object = "monitors"
	ms, err := s.store.Monitors(r.Context(), c.Viewer)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []store.Monitor{}
	}
	return map[string]any{"results": ms}, nil
}

// alertPage is one page of alerts.
type alertPage struct {
	Total   int           `json:"total"`
	Limit   int           `json:"limit"`
	Offset  int           `json:"offset"`
	Results []store.Alert `json:"results"`
}

func (s *Server) listAlerts(r *http.Request, c *call) (any, error) {
	c.Object = "alerts " + r.URL.RawQuery
	switch kind := r.URL.Query().Get("kind"); kind {
	case "typology":
		return s.listTxAlerts(r, c)
	case "", "screening":
	default:
		return nil, invalid("parameter kind %q: want screening or typology", kind)
	}
	q := store.AlertQuery{Status: r.URL.Query().Get("status")}
	var err error
	if q.Limit, err = intParam(r, "limit", defaultLimit, 1, maxLimit); err != nil {
		return nil, err
	}
	if q.Offset, err = intParam(r, "offset", 0, 0, -1); err != nil {
		return nil, err
	}
	mon, err := intParam(r, "monitor", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	q.MonitorID = int64(mon)
	alerts, total, err := s.store.Alerts(r.Context(), c.Viewer, q)
	if err != nil {
		return nil, err
	}
	if alerts == nil {
		alerts = []store.Alert{}
	}
	return alertPage{Total: total, Limit: q.Limit, Offset: q.Offset, Results: alerts}, nil
}

func (s *Server) setAlertStatus(r *http.Request, c *call) (any, error) {
	c.Object = "alert:" + r.PathValue("id")
	var req struct {
		Status string `json:"status"`
		Note   string `json:"note"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	c.Object += " status:" + req.Status
	// Screening alerts have numeric ids; typology alerts are named by the
	// engine (rule-account-hash).
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return s.store.SetTxAlertStatus(r.Context(), c.Viewer, r.PathValue("id"), req.Status, req.Note)
	}
	return s.store.SetAlertStatus(r.Context(), c.Viewer, id, req.Status, req.Note)
}
