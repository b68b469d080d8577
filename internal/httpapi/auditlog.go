package httpapi

import (
	"errors"
	"net/http"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
)

// auditPage is GET /api/v1/audit's answer.
type auditPage struct {
	Results []audit.Event `json:"results"`
	// Next is the after= of the next page, 0 at the end.
	Next int64 `json:"next"`
}

// listAudit pages through the audit log. Only auditors may read it (CJIS
// AU-9(4)); every attempt, allowed or not, is itself audited.
func (s *Server) listAudit(r *http.Request, c *call) (any, error) {
	c.Object = "audit log " + r.URL.RawQuery
	if !c.Viewer.HasRole(access.RoleAuditor) {
		return nil, nexus.Errorf(nexus.EFORBIDDEN, "reading the audit log needs the %s role", access.RoleAuditor)
	}
	after, err := intParam(r, "after", 0, 0, -1)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return nil, err
	}
	page := auditPage{Results: []audit.Event{}}
	err = s.store.EachAuditEvent(r.Context(), int64(after), func(e audit.Event) error {
		if len(page.Results) == limit {
			page.Next = page.Results[limit-1].Seq
			return errStop
		}
		page.Results = append(page.Results, e)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	return page, nil
}

var errStop = nexus.Errorf(nexus.EINTERNAL, "stop")
