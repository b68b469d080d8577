package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/store"
)

// postTransactions takes a bank's transactions, a JSON array of
// finint.Transaction or a CSV body in one of finint.Formats, evaluates them
// as they arrive and stores them with the alerts they raise, all or nothing.
func (s *Server) postTransactions(r *http.Request, c *call) (any, error) {
	dataset := strings.TrimSpace(r.URL.Query().Get("dataset"))
	c.Object = "transactions dataset:" + dataset
	if s.feed == nil {
		return nil, invalid("transactions are not enabled on this server")
	}
	if !canImport(c.Viewer) {
		return nil, nexus.Errorf(nexus.EFORBIDDEN, "sending transactions needs the %s or %s role", RoleAdministrator, RoleImporter)
	}
	if dataset == "" {
		return nil, invalid("parameter dataset is required")
	}
	d, err := s.store.GetDataset(r.Context(), dataset)
	if err != nil {
		return nil, err
	}
	// A dataset a viewer may not see is one it may not add to either.
	if !access.CanSee(c.Viewer, d.DefaultMarking) {
		return nil, notFound("dataset %s not found", dataset)
	}
	body := http.MaxBytesReader(nil, r.Body, s.maxUpload)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src feed.Source
	switch ct {
	case "application/json", "":
		src = jsonSource(body)
	case "text/csv", "text/plain":
		format := r.URL.Query().Get("format")
		if format == "" {
			format = "csv"
		}
		if !validFormat(format) {
			return nil, invalid("parameter format %q: want one of %s", format, strings.Join(finint.Formats, ", "))
		}
		src = feed.ReadSource(body, format, "body")
	default:
		return nil, invalid("Content-Type %q: want application/json or text/csv", ct)
	}
	res, err := s.feed.Import(r.Context(), dataset, src)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, invalid("body is larger than %d bytes", tooBig.Limit)
		}
		return nil, err
	}
	c.Object += fmt.Sprintf(" transactions:%d raised:%d updated:%d", res.Transactions, res.AlertsRaised, res.AlertsUpdated)
	c.Status = http.StatusCreated
	return res, nil
}

func validFormat(f string) bool {
	for _, x := range finint.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// jsonSource reads a JSON array of transactions one element at a time, so a
// large body is never held whole; origins are "body[i]" (from 0).
func jsonSource(r io.Reader) feed.Source {
	return func(emit func(finint.Transaction, string) error) error {
		dec := json.NewDecoder(r)
		dec.DisallowUnknownFields()
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return invalid("body: want a JSON array of transactions")
		}
		for i := 0; dec.More(); i++ {
			origin := "body[" + strconv.Itoa(i) + "]"
			var tx finint.Transaction
			if err := dec.Decode(&tx); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					return err
				}
				return invalid("%s: %v", origin, err)
			}
			if field, err := tx.Validate(); err != nil {
				return invalid("%s, field %s: %v", origin, field, err)
			}
			if err := emit(tx, origin); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return invalid("body: %v", err)
		}
		return nil
	}
}

// txAlertPage is one page of typology alerts.
type txAlertPage struct {
	Kind    string          `json:"kind"`
	Total   int             `json:"total"`
	Limit   int             `json:"limit"`
	Offset  int             `json:"offset"`
	Results []store.TxAlert `json:"results"`
}

// listTxAlerts is GET /api/v1/alerts?kind=typology.
func (s *Server) listTxAlerts(r *http.Request, c *call) (any, error) {
	q := store.TxAlertQuery{Dataset: r.URL.Query().Get("dataset"), Typology: r.URL.Query().Get("typology"),
		Status: r.URL.Query().Get("status")}
	var err error
	if q.Limit, err = intParam(r, "limit", defaultLimit, 1, maxLimit); err != nil {
		return nil, err
	}
	if q.Offset, err = intParam(r, "offset", 0, 0, -1); err != nil {
		return nil, err
	}
	alerts, total, err := s.store.TxAlerts(r.Context(), c.Viewer, q)
	if err != nil {
		return nil, err
	}
	if alerts == nil {
		alerts = []store.TxAlert{}
	}
	c.Object += fmt.Sprintf(" returned:%d", len(alerts))
	return txAlertPage{Kind: "typology", Total: total, Limit: q.Limit, Offset: q.Offset, Results: alerts}, nil
}

// reportRequest is the body of POST /api/v1/alerts/{id}/report.
type reportRequest struct {
	Filer     finint.Institution `json:"filer"`
	Narrative string             `json:"narrative,omitempty"`
}

// alertReport drafts the FinCEN report (SAR, or CTR for a ctr alert) for a
// typology alert the caller may see, as an editable draft and as BSA XML.
func (s *Server) alertReport(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "alert:" + id + " report"
	var req reportRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	rep, err := feed.DraftReport(r.Context(), s.store, c.Viewer, id, req.Filer, req.Narrative, s.now())
	if err != nil {
		return nil, err
	}
	c.Object += " kind:" + rep.Kind
	return rep, nil
}
