package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

// needToKnow refuses a search that can reach criminal-intelligence records
// the viewer may see unless the request carries a purpose code and a case
// number (28 CFR 23.20(e), R-CI-08); both then go to the audit event.
// dataset limits the search when not "".
func (s *Server) needToKnow(r *http.Request, v access.Viewer, dataset string) error {
	purpose := strings.TrimSpace(r.Header.Get(HeaderPurpose))
	caseNo := strings.TrimSpace(r.Header.Get(HeaderCase))
	if purpose != "" && caseNo != "" {
		return nil
	}
	touches, err := s.store.TouchesCriminalIntel(r.Context(), v, dataset)
	if err != nil || !touches {
		return err
	}
	return needToKnowError(purpose, caseNo)
}

// needToKnowAll is needToKnow for a search over datasets (all when none).
func (s *Server) needToKnowAll(r *http.Request, v access.Viewer, datasets []string) error {
	if len(datasets) == 0 {
		return s.needToKnow(r, v, "")
	}
	for _, d := range datasets {
		if err := s.needToKnow(r, v, d); err != nil {
			return err
		}
	}
	return nil
}

func needToKnowError(purpose, caseNo string) error {
	var missing []string
	if purpose == "" {
		missing = append(missing, HeaderPurpose+" (purpose code)")
	}
	if caseNo == "" {
		missing = append(missing, HeaderCase+" (case number)")
	}
	return nexus.Errorf(nexus.EFORBIDDEN, "need to know: this search can reach criminal-intelligence records; set %s",
		strings.Join(missing, " and "))
}

// publishNotices sends stored correction and purge notices on the bus. A
// notice that fails to publish stays stored and listed for its recipient.
func (s *Server) publishNotices(ctx context.Context, notices []store.Notice) {
	if s.bus == nil {
		return
	}
	for _, n := range notices {
		if err := s.bus.Publish(context.WithoutCancel(ctx), intel.NoticeSubject, n); err != nil {
			s.log.Error("publish intel notice", "notice", n.ID, "record", n.RecordID, "err", err)
		}
	}
}

// publishEntities tells the in-memory indexes (screening) that entities of
// a dataset changed or went, in the shape of an import's list.updated
// event, so an approved record becomes screenable and a purged or
// re-marked one stops matching as before.
func (s *Server) publishEntities(ctx context.Context, dataset string, changed, removed []string) {
	if s.bus == nil || len(changed)+len(removed) == 0 {
		return
	}
	ev := events.ListUpdated{Dataset: dataset, Part: 1, Parts: 1, Added: []string{}, Changed: changed, Removed: removed}
	if ev.Changed == nil {
		ev.Changed = []string{}
	}
	if ev.Removed == nil {
		ev.Removed = []string{}
	}
	if err := s.bus.Publish(context.WithoutCancel(ctx), events.SubjectListUpdated, ev); err != nil {
		s.log.Error("publish entity change", "dataset", dataset, "err", err)
	}
}

// publishPurge publishes the notices and the removals of a purge.
func (s *Server) publishPurge(ctx context.Context, res store.PurgeResult) {
	s.publishNotices(ctx, res.Notices)
	byDataset := map[string][]string{}
	for _, t := range res.Purged {
		byDataset[t.Dataset] = append(byDataset[t.Dataset], t.ID)
	}
	for d, ids := range byDataset {
		s.publishEntities(ctx, d, nil, ids)
	}
}

func (s *Server) submitIntel(r *http.Request, c *call) (any, error) {
	c.Object = "intel submission"
	var sub intel.Submission
	if err := decodeBody(r, &sub); err != nil {
		return nil, err
	}
	if sub.Subject != nil {
		c.Object = "intel:" + sub.Subject.ID
	}
	rec, err := s.store.SubmitIntel(r.Context(), c.Viewer, sub)
	if err != nil {
		return nil, err
	}
	c.Status = http.StatusCreated
	return rec, nil
}

// intelRecordView is GET /api/v1/intel/records/{id}: the Part 23 metadata
// with its review history.
type intelRecordView struct {
	store.IntelRecord
	Reviews []store.IntelReview `json:"reviews"`
}

func (s *Server) getIntelRecord(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id
	rec, err := s.store.IntelRecordOf(r.Context(), c.Viewer, id)
	if err != nil {
		return nil, err
	}
	revs, err := s.store.IntelReviews(r.Context(), c.Viewer, id)
	if err != nil {
		return nil, err
	}
	if revs == nil {
		revs = []store.IntelReview{}
	}
	return intelRecordView{IntelRecord: rec, Reviews: revs}, nil
}

func (s *Server) approveIntel(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " approve"
	rec, err := s.store.ApproveIntel(r.Context(), c.Viewer, id)
	if err == nil && rec.State == intel.StateActive {
		s.publishEntities(r.Context(), rec.Dataset, []string{rec.ID}, nil)
	}
	return rec, err
}

func (s *Server) privacyApproveIntel(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " privacy-approve"
	rec, err := s.store.PrivacyApproveIntel(r.Context(), c.Viewer, id)
	if err == nil && rec.State == intel.StateActive {
		s.publishEntities(r.Context(), rec.Dataset, []string{rec.ID}, nil)
	}
	return rec, err
}

func (s *Server) revalidateIntel(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " revalidate"
	var req struct {
		Explanation string `json:"explanation"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.store.RevalidateIntel(r.Context(), c.Viewer, id, req.Explanation)
}

func (s *Server) correctIntel(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " correct"
	var req struct {
		Entity *ftm.Entity `json:"entity"`
		Reason string      `json:"reason"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Entity == nil {
		return nil, invalid("entity is required")
	}
	if req.Entity.ID != id {
		return nil, invalid("entity.id %q differs from the record %q", req.Entity.ID, id)
	}
	notices, err := s.store.CorrectIntel(r.Context(), c.Viewer, req.Entity, req.Reason)
	if err != nil {
		return nil, err
	}
	s.publishNotices(r.Context(), notices)
	if rec, err := s.store.IntelRecordOf(r.Context(), access.SystemViewer(), id); err == nil {
		s.publishEntities(r.Context(), rec.Dataset, []string{id}, nil)
	}
	if notices == nil {
		notices = []store.Notice{}
	}
	c.Object += fmt.Sprintf(" notices:%d", len(notices))
	return map[string]any{"notices": notices}, nil
}

func (s *Server) disseminateIntel(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " disseminate"
	var d store.Dissemination
	if err := decodeBody(r, &d); err != nil {
		return nil, err
	}
	d.RecordID = id
	out, err := s.store.Disseminate(r.Context(), c.Viewer, d)
	if err != nil {
		return nil, err
	}
	c.Object += " to:" + out.RecipientAgency
	c.Status = http.StatusCreated
	return out, nil
}

func (s *Server) listDisseminations(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel:" + id + " disseminations"
	ds, err := s.store.Disseminations(r.Context(), c.Viewer, id, time.Time{})
	if err != nil {
		return nil, err
	}
	if ds == nil {
		ds = []store.Dissemination{}
	}
	return map[string]any{"results": ds}, nil
}

func (s *Server) searchIntel(r *http.Request, c *call) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	c.Object = "intel search"
	purpose, caseNo := strings.TrimSpace(r.Header.Get(HeaderPurpose)), strings.TrimSpace(r.Header.Get(HeaderCase))
	if purpose == "" || caseNo == "" {
		return nil, needToKnowError(purpose, caseNo)
	}
	if q == "" {
		return nil, invalid("parameter q is required")
	}
	return s.store.SearchIntel(r.Context(), c.Viewer, q)
}

func (s *Server) listNotices(r *http.Request, c *call) (any, error) {
	agency := r.URL.Query().Get("agency")
	c.Object = "intel notices " + agency
	ns, err := s.store.Notices(r.Context(), c.Viewer, agency)
	if err != nil {
		return nil, err
	}
	if ns == nil {
		ns = []store.Notice{}
	}
	return map[string]any{"results": ns}, nil
}

func (s *Server) requestPurge(r *http.Request, c *call) (any, error) {
	c.Object = "intel purge request"
	var req struct {
		RecordIDs []string `json:"record_ids"`
		Due       bool     `json:"due"`
		Reason    string   `json:"reason"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	res, err := s.store.RequestPurge(r.Context(), c.Viewer, req.RecordIDs, req.Due, req.Reason)
	if err != nil {
		return nil, err
	}
	s.publishPurge(r.Context(), res)
	return purgeAnswer(c, res), nil
}

func (s *Server) approvePurge(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "intel purge " + id + " approve"
	res, err := s.store.ApprovePurge(r.Context(), c.Viewer, id)
	if err != nil {
		return nil, err
	}
	s.publishPurge(r.Context(), res)
	return purgeAnswer(c, res), nil
}

func purgeAnswer(c *call, res store.PurgeResult) store.PurgeResult {
	if res.Purged == nil {
		res.Purged = []store.Tombstone{}
	}
	if res.Notices == nil {
		res.Notices = []store.Notice{}
	}
	var ids []string
	for _, t := range res.Purged {
		ids = append(ids, t.ID)
	}
	c.Object += " purged:" + strings.Join(ids, ",")
	if res.Request != nil {
		c.Object += " request:" + res.Request.ID
	}
	return res
}

func (s *Server) changeMarking(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "entity:" + id + " marking"
	var req struct {
		Dataset string         `json:"dataset"`
		Marking access.Marking `json:"marking"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.Dataset == "" {
		return nil, invalid("dataset is required")
	}
	n, err := s.store.ChangeMarking(r.Context(), c.Viewer, req.Dataset, id, req.Marking)
	if err != nil {
		return nil, err
	}
	c.Object += fmt.Sprintf(" dataset:%s to:%s", req.Dataset, req.Marking.Key())
	s.publishEntities(r.Context(), req.Dataset, []string{id}, nil)
	return map[string]any{"changed": n, "marking": req.Marking.Normalize()}, nil
}

func (s *Server) privacyReport(r *http.Request, c *call) (any, error) {
	c.Object = "privacy report"
	since := time.Time{}
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return nil, invalid("parameter since: %q is not a date (YYYY-MM-DD)", v)
		}
		since = t
	}
	sample, err := intParam(r, "sample", 20, 0, 1000)
	if err != nil {
		return nil, err
	}
	seed := uint64(s.now().UnixNano())
	return s.store.PrivacyReportFor(r.Context(), c.Viewer, since, sample, seed)
}

func (s *Server) fileRedress(r *http.Request, c *call) (any, error) {
	c.Object = "redress"
	var req store.Redress
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	out, err := s.store.FileRedress(r.Context(), c.Viewer, req)
	if err != nil {
		return nil, err
	}
	c.Object = "redress:" + out.ID + " routed:" + out.RoutedTo
	c.Status = http.StatusCreated
	return out, nil
}

func (s *Server) listRedress(r *http.Request, c *call) (any, error) {
	c.Object = "redress list"
	rs, err := s.store.RedressRequests(r.Context(), c.Viewer)
	if err != nil {
		return nil, err
	}
	return map[string]any{"results": rs}, nil
}

func (s *Server) answerRedress(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "redress:" + id + " answer"
	var req struct {
		Answer  string `json:"answer"`
		Outcome string `json:"outcome"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	return s.store.AnswerRedress(r.Context(), c.Viewer, id, req.Answer, req.Outcome)
}
