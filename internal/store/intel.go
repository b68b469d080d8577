package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
)

// IntelRecord is a criminal-intelligence record's Part 23 metadata: who
// submitted and approved it, on what predicate, how reliable, its review
// clock and whether its originator allows pointers. Content (the entity) is
// in the statements table once the record is active.
type IntelRecord struct {
	ID      string `json:"id"`
	Dataset string `json:"dataset"`
	// Parent is set on an identifying record (NCI) to the subject it
	// identifies; Label then carries intel.NCILabel.
	Parent          string               `json:"parent,omitempty"`
	NCI             bool                 `json:"nci,omitempty"`
	Label           string               `json:"label,omitempty"`
	State           string               `json:"state"`
	Originator      string               `json:"originator"`
	Submitter       string               `json:"submitter"`
	Approver        string               `json:"approver,omitempty"`
	PrivacyApprover string               `json:"privacy_approver,omitempty"`
	Predicate       intel.Predicate      `json:"predicate"`
	Reliability     string               `json:"source_reliability"`
	Validity        string               `json:"content_validity"`
	FirstAmendment  intel.FirstAmendment `json:"first_amendment"`
	Marking         access.Marking       `json:"marking"`
	Pointer         intel.Pointer        `json:"pointer"`
	SubmittedAt     time.Time            `json:"submitted_at"`
	ApprovedAt      time.Time            `json:"approved_at,omitzero"`
	ValidatedAt     time.Time            `json:"validated_at,omitzero"`
	ReviewDue       time.Time            `json:"review_due,omitzero"`
	// Entity is the content as submitted, shown only while pending.
	Entity *ftm.Entity `json:"entity,omitempty"`
}

// Tombstone is what is left of a purged record: no content.
type Tombstone struct {
	ID         string    `json:"id"`
	Originator string    `json:"originator"`
	Dataset    string    `json:"dataset"`
	PurgedAt   time.Time `json:"purged_at"`
	Reason     string    `json:"reason"`
	PurgedBy   string    `json:"purged_by"`
	ApprovedBy string    `json:"approved_by,omitempty"`
}

// Dissemination is one release of a record outside the originating agency,
// kept in the dissemination log (28 CFR 23.20(g)), apart from the audit log.
type Dissemination struct {
	ID              string         `json:"id"`
	RecordID        string         `json:"record_id"`
	Time            time.Time      `json:"time"`
	ReleasedBy      string         `json:"released_by"`
	ReleasingAgency string         `json:"releasing_agency"`
	RecipientAgency string         `json:"recipient_agency"`
	RecipientPerson string         `json:"recipient_person,omitempty"`
	Reason          string         `json:"reason"`
	Channel         string         `json:"channel,omitempty"`
	Marking         access.Marking `json:"marking"`
}

// Notice kinds.
const (
	NoticeCorrection = "correction"
	NoticePurge      = "purge"
)

// Notice tells a recipient of a record that the record was corrected or
// purged. It names the record and the reason, never the content.
type Notice struct {
	ID              string    `json:"id"`
	RecordID        string    `json:"record_id"`
	Kind            string    `json:"kind"`
	RecipientAgency string    `json:"recipient_agency"`
	RecipientPerson string    `json:"recipient_person,omitempty"`
	Reason          string    `json:"reason"`
	Time            time.Time `json:"time"`
}

// PurgeRequest is a bulk purge awaiting (or given) its second person.
type PurgeRequest struct {
	ID          string    `json:"id"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	Reason      string    `json:"reason"`
	RecordIDs   []string  `json:"record_ids"`
	State       string    `json:"state"` // pending, executed
	ApprovedBy  string    `json:"approved_by,omitempty"`
	ApprovedAt  time.Time `json:"approved_at,omitzero"`
}

// PurgeResult is what a purge did.
type PurgeResult struct {
	Purged  []Tombstone `json:"purged"`
	Notices []Notice    `json:"notices"`
	// Request is set when the purge was a bulk request now awaiting
	// approval (nothing purged yet).
	Request *PurgeRequest `json:"request,omitempty"`
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + hex.EncodeToString(b)
}

const intelColumns = `id, dataset, parent_id, nci, state, originator, submitter, approver, privacy_approver,
	narrative, offence_codes, reliability, validity, fa_categories, fa_nexus, fa_justification, marking,
	pointer_allowed, pointer_contact, body, submitted_at, approved_at, validated_at, review_due`

func scanIntel(sc interface{ Scan(...any) error }) (IntelRecord, error) {
	var r IntelRecord
	var codes, cats, marking, body, sub, appr, val, due string
	if err := sc.Scan(&r.ID, &r.Dataset, &r.Parent, &r.NCI, &r.State, &r.Originator, &r.Submitter, &r.Approver,
		&r.PrivacyApprover, &r.Predicate.Narrative, &codes, &r.Reliability, &r.Validity, &cats,
		&r.FirstAmendment.CriminalNexus, &r.FirstAmendment.Justification, &marking, &r.Pointer.Allowed,
		&r.Pointer.Contact, &body, &sub, &appr, &val, &due); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(codes), &r.Predicate.OffenceCodes); err != nil {
		return r, fmt.Errorf("intel record %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(cats), &r.FirstAmendment.Categories); err != nil {
		return r, fmt.Errorf("intel record %s: %w", r.ID, err)
	}
	if len(r.FirstAmendment.Categories) == 0 {
		r.FirstAmendment.Categories = nil
	}
	if err := json.Unmarshal([]byte(marking), &r.Marking); err != nil {
		return r, fmt.Errorf("intel record %s: %w", r.ID, err)
	}
	if body != "" {
		e, err := ftm.DecodeEntity([]byte(body))
		if err != nil {
			return r, fmt.Errorf("intel record %s: %w", r.ID, err)
		}
		r.Entity = e
	}
	var err error
	for _, f := range []struct {
		s   string
		dst *time.Time
	}{{sub, &r.SubmittedAt}, {appr, &r.ApprovedAt}, {val, &r.ValidatedAt}, {due, &r.ReviewDue}} {
		if *f.dst, err = parseTime(f.s); err != nil {
			return r, err
		}
	}
	if r.NCI {
		r.Label = intel.NCILabel
	}
	return r, nil
}

// SubmitIntel saves a criminal-intelligence submission by v as pending its
// approval. The submission must pass intel.Submission.Validate (criminal
// predicate, offence codes, ratings, the First-Amendment guard) and name a
// dataset of class criminal_intelligence; its identifying records are saved
// with it as NCI children of the subject. Nothing is searchable until
// ApproveIntel. Every error names the field at fault.
func (s *Store) SubmitIntel(ctx context.Context, v access.Viewer, sub intel.Submission) (IntelRecord, error) {
	sub.Submitter, sub.SubmitterAgency = v.UserID, v.Agency
	if err := sub.Validate(); err != nil {
		return IntelRecord{}, err
	}
	if sub.SubmitterAgency == "" {
		return IntelRecord{}, nexus.Errorf(nexus.EINVALID, "submission %s: submitter %s has no agency", sub.Subject.ID, sub.Submitter)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var rec IntelRecord
	err := s.write(ctx, func(t txn) error {
		d, err := scanDataset(t.queryRow(ctx, "SELECT "+datasetColumns+" FROM datasets WHERE name = ?", sub.Dataset))
		if err != nil {
			return dbError(err, "dataset "+sub.Dataset)
		}
		if d.Class != intel.Class {
			return nexus.Errorf(nexus.EINVALID, "submission %s: dataset %s is of class %q, not %s", sub.Subject.ID, d.Name, d.Class, intel.Class)
		}
		m := d.DefaultMarking
		if sub.Marking != nil {
			m = *sub.Marking
		}
		m = m.Normalize()
		if !access.CanSee(v, m) {
			return nexus.Errorf(nexus.EINVALID, "submission %s: marking %s would hide the record from its own submitter", sub.Subject.ID, m.Key())
		}
		mb, _ := json.Marshal(m)
		cats := sub.Categories()
		entities := append([]*ftm.Entity{sub.Subject}, sub.Identifying...)
		for i, e := range entities {
			var n int
			if err := t.queryRow(ctx, "SELECT COUNT(*) FROM intel_tombstones WHERE id = ?", e.ID).Scan(&n); err != nil {
				return err
			} else if n > 0 {
				return nexus.Errorf(nexus.ECONFLICT, "submission: record %s was purged; submit under a new id", e.ID)
			}
			body, err := json.Marshal(e)
			if err != nil {
				return err
			}
			parent, nci := "", i > 0
			if nci {
				parent = sub.Subject.ID
			}
			_, err = t.exec(ctx, "INSERT INTO intel_records ("+intelColumns+`) VALUES
				(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				e.ID, d.Name, parent, nci, intel.StatePending, sub.SubmitterAgency, sub.Submitter, "", "",
				sub.Predicate.Narrative, jsonList(sub.Predicate.OffenceCodes), strings.ToUpper(sub.Reliability), sub.Validity,
				jsonList(cats), sub.FirstAmendment.CriminalNexus, sub.FirstAmendment.Justification, string(mb),
				sub.Pointer.Allowed, sub.Pointer.Contact, string(body), formatTime(now), "", "", "")
			if err != nil {
				return dbError(err, "intel record "+e.ID)
			}
		}
		rec, err = scanIntel(t.queryRow(ctx, "SELECT "+intelColumns+" FROM intel_records WHERE id = ?", sub.Subject.ID))
		return err
	})
	if err != nil {
		return IntelRecord{}, fmt.Errorf("submit intel: %w", err)
	}
	return rec, nil
}

// loadIntel reads a record for v: ENOTFOUND when it does not exist or v may
// not see its marking, so existence does not leak.
func (s *Store) loadIntel(ctx context.Context, t txn, v access.Viewer, id string, lock bool) (IntelRecord, error) {
	q := "SELECT " + intelColumns + " FROM intel_records WHERE id = ?"
	if lock {
		q += s.d.forUpdate
	}
	r, err := scanIntel(t.queryRow(ctx, q, id))
	if err != nil {
		return r, dbError(err, "intel record "+id)
	}
	if !access.CanSee(v, r.Marking) {
		return IntelRecord{}, nexus.Errorf(nexus.ENOTFOUND, "intel record %s not found", id)
	}
	return r, nil
}

// IntelRecordOf returns the Part 23 metadata of record id as v may see it;
// ENOTFOUND when v may not see it. The submitted content is included only
// while the record is pending.
func (s *Store) IntelRecordOf(ctx context.Context, v access.Viewer, id string) (IntelRecord, error) {
	var r IntelRecord
	err := s.read(ctx, func(t txn) error {
		var err error
		r, err = s.loadIntel(ctx, t, v, id, false)
		return err
	})
	if err != nil {
		return IntelRecord{}, fmt.Errorf("intel record: %w", err)
	}
	return r, nil
}

// ApproveIntel records approver's Part 23 approval of a pending submission.
// The approver must be someone other than the submitter, hold Part 23
// training and be able to see the record. A submission that carries
// First-Amendment information also needs PrivacyApproveIntel; the record
// becomes active (its statements stored, its review clock started) once
// every approval it needs is given.
func (s *Store) ApproveIntel(ctx context.Context, approver access.Viewer, id string) (IntelRecord, error) {
	return s.approveIntel(ctx, approver, id, false)
}

// PrivacyApproveIntel records a privacy officer's approval of the
// First-Amendment information in a pending submission.
func (s *Store) PrivacyApproveIntel(ctx context.Context, officer access.Viewer, id string) (IntelRecord, error) {
	return s.approveIntel(ctx, officer, id, true)
}

func (s *Store) approveIntel(ctx context.Context, v access.Viewer, id string, privacy bool) (IntelRecord, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var rec IntelRecord
	err := s.write(ctx, func(t txn) error {
		r, err := s.loadIntel(ctx, t, v, id, true)
		if err != nil {
			return err
		}
		if r.NCI {
			return nexus.Errorf(nexus.EINVALID, "intel record %s identifies %s; approve the subject instead", id, r.Parent)
		}
		if r.State != intel.StatePending {
			return nexus.Errorf(nexus.ECONFLICT, "intel record %s is %s, not pending approval", id, r.State)
		}
		if privacy {
			if len(r.FirstAmendment.Categories) == 0 {
				return nexus.Errorf(nexus.EINVALID, "intel record %s holds no First-Amendment information to approve", id)
			}
			if err := intel.CheckPrivacyApprover(r.Submitter, v); err != nil {
				return err
			}
			r.PrivacyApprover = v.UserID
			_, err = t.exec(ctx, "UPDATE intel_records SET privacy_approver = ? WHERE id = ?", v.UserID, id)
		} else {
			if err := intel.CheckApprover(r.Submitter, v); err != nil {
				return err
			}
			r.Approver = v.UserID
			_, err = t.exec(ctx, "UPDATE intel_records SET approver = ?, approved_at = ? WHERE id = ?", v.UserID, formatTime(now), id)
		}
		if err != nil {
			return err
		}
		if r.Approver != "" && (len(r.FirstAmendment.Categories) == 0 || r.PrivacyApprover != "") {
			if err := s.activateIntel(ctx, t, r, now); err != nil {
				return err
			}
		}
		rec, err = s.loadIntel(ctx, t, access.SystemViewer(), id, false)
		return err
	})
	if err != nil {
		return IntelRecord{}, fmt.Errorf("approve intel %s: %w", id, err)
	}
	return rec, nil
}

// activateIntel stores the statements of r and its identifying children and
// starts their review clock.
func (s *Store) activateIntel(ctx context.Context, t txn, r IntelRecord, now time.Time) error {
	var retention string
	if err := t.queryRow(ctx, "SELECT retention FROM datasets WHERE name = ?", r.Dataset).Scan(&retention); err != nil {
		return dbError(err, "dataset "+r.Dataset)
	}
	due, err := intel.ReviewDue(now, retention)
	if err != nil {
		return fmt.Errorf("dataset %s: %w", r.Dataset, err)
	}
	recs := []IntelRecord{r}
	children, err := s.intelChildren(ctx, t, r.ID)
	if err != nil {
		return err
	}
	recs = append(recs, children...)
	for _, c := range recs {
		if c.Entity == nil {
			return fmt.Errorf("intel record %s: no content to store", c.ID)
		}
		e := c.Entity
		if c.NCI {
			e.Add("notes", intel.NCILabel)
			e.Target = false // never a screening hit of its own
		} else {
			e.Target = true
		}
		if err := s.writeEntity(ctx, t, e, c.Dataset, "intel:"+r.ID, c.Marking, now); err != nil {
			return err
		}
	}
	_, err = t.exec(ctx, `UPDATE intel_records SET state = ?, body = '', validated_at = ?, review_due = ?
		WHERE id = ? OR parent_id = ?`, intel.StateActive, formatTime(now), formatTime(due), r.ID, r.ID)
	return err
}

func (s *Store) intelChildren(ctx context.Context, t txn, parent string) ([]IntelRecord, error) {
	return queryAll(ctx, t, scanIntel, "SELECT "+intelColumns+" FROM intel_records WHERE parent_id = ? ORDER BY id", parent)
}

// writeEntity stores e's statements in dataset under marking m, replacing
// whatever the dataset held about e before.
func (s *Store) writeEntity(ctx context.Context, t txn, e *ftm.Entity, dataset, origin string, m access.Marking, now time.Time) error {
	if err := s.refreshMarkings(ctx, t); err != nil {
		return err
	}
	mid, err := s.ensureMarking(ctx, t, m)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, "DELETE FROM statements WHERE dataset = ? AND entity_id = ?", dataset, e.ID); err != nil {
		return err
	}
	for i, st := range e.Statements(dataset, origin) {
		_, err := t.exec(ctx, upsertStatement, st.ID, st.EntityID, st.CanonicalID, st.Schema, st.Prop, st.Value, st.Dataset,
			st.Origin, st.Target, mid, i, formatTime(now), formatTime(now))
		if err != nil {
			return dbError(err, "statement of "+e.ID)
		}
	}
	return nil
}

// IntelReview is one review decision on a record (28 CFR 23.20(h)): who,
// when, what and why.
type IntelReview struct {
	RecordID    string    `json:"record_id"`
	Time        time.Time `json:"time"`
	Reviewer    string    `json:"reviewer"`
	Decision    string    `json:"decision"`
	Explanation string    `json:"explanation"`
}

// Review decisions.
const (
	ReviewRetain = "retain"
	ReviewModify = "modify"
	ReviewPurge  = "purge"
)

// RevalidateIntel records reviewer's decision to retain an active record:
// the record is validated again and its review clock restarts from now (at
// most five years). The explanation is required.
func (s *Store) RevalidateIntel(ctx context.Context, reviewer access.Viewer, id, explanation string) (IntelRecord, error) {
	if strings.TrimSpace(explanation) == "" {
		return IntelRecord{}, nexus.Errorf(nexus.EINVALID, "revalidate %s: explanation is required (why the record is retained)", id)
	}
	if err := intel.CheckReviewer(reviewer); err != nil {
		return IntelRecord{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var rec IntelRecord
	err := s.write(ctx, func(t txn) error {
		r, err := s.loadIntel(ctx, t, reviewer, id, true)
		if err != nil {
			return err
		}
		if r.NCI {
			return nexus.Errorf(nexus.EINVALID, "intel record %s identifies %s; review the subject instead", id, r.Parent)
		}
		if r.State != intel.StateActive {
			return nexus.Errorf(nexus.ECONFLICT, "intel record %s is %s, not active", id, r.State)
		}
		var retention string
		if err := t.queryRow(ctx, "SELECT retention FROM datasets WHERE name = ?", r.Dataset).Scan(&retention); err != nil {
			return err
		}
		due, err := intel.ReviewDue(now, retention)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, "UPDATE intel_records SET validated_at = ?, review_due = ? WHERE id = ? OR parent_id = ?",
			formatTime(now), formatTime(due), id, id); err != nil {
			return err
		}
		if err := addReview(ctx, t, id, reviewer.UserID, ReviewRetain, explanation, now); err != nil {
			return err
		}
		rec, err = s.loadIntel(ctx, t, access.SystemViewer(), id, false)
		return err
	})
	if err != nil {
		return IntelRecord{}, fmt.Errorf("revalidate intel %s: %w", id, err)
	}
	return rec, nil
}

func addReview(ctx context.Context, t txn, id, reviewer, decision, explanation string, now time.Time) error {
	_, err := t.exec(ctx, "INSERT INTO intel_reviews (record_id, time, reviewer, decision, explanation) VALUES (?,?,?,?,?)",
		id, formatTime(now), reviewer, decision, explanation)
	return err
}

func scanIntelReview(sc interface{ Scan(...any) error }) (IntelReview, error) {
	var r IntelReview
	var tm string
	if err := sc.Scan(&r.RecordID, &tm, &r.Reviewer, &r.Decision, &r.Explanation); err != nil {
		return r, err
	}
	var err error
	r.Time, err = parseTime(tm)
	return r, err
}

// IntelReviews lists the review decisions on a record v may see, oldest
// first.
func (s *Store) IntelReviews(ctx context.Context, v access.Viewer, id string) ([]IntelReview, error) {
	var out []IntelReview
	err := s.read(ctx, func(t txn) error {
		if _, err := s.loadIntel(ctx, t, v, id, false); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, t, scanIntelReview, "SELECT record_id, time, reviewer, decision, explanation FROM intel_reviews WHERE record_id = ? ORDER BY time", id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("intel reviews %s: %w", id, err)
	}
	return out, nil
}

// CorrectIntel replaces the content of an active record with e (same id)
// on behalf of its originating agency, records the modification and sends a
// correction notice to every recipient in the dissemination log. The
// returned notices are stored; the caller publishes them.
func (s *Store) CorrectIntel(ctx context.Context, v access.Viewer, e *ftm.Entity, reason string) ([]Notice, error) {
	if e == nil || e.ID == "" {
		return nil, nexus.Errorf(nexus.EINVALID, "correct intel: entity with an id is required")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, nexus.Errorf(nexus.EINVALID, "correct intel %s: reason is required", e.ID)
	}
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("correct intel %s: %w", e.ID, err)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var notices []Notice
	err := s.write(ctx, func(t txn) error {
		r, err := s.loadIntel(ctx, t, v, e.ID, true)
		if err != nil {
			return err
		}
		if !v.System && v.Agency != r.Originator {
			return nexus.Errorf(nexus.EFORBIDDEN, "correct intel %s: only the originating agency %s may correct it", e.ID, r.Originator)
		}
		if r.State != intel.StateActive {
			return nexus.Errorf(nexus.ECONFLICT, "intel record %s is %s, not active", e.ID, r.State)
		}
		if r.NCI {
			e.Add("notes", intel.NCILabel)
			e.Target = false
		} else {
			e.Target = true
		}
		if err := s.writeEntity(ctx, t, e, r.Dataset, "intel:"+r.ID, r.Marking, now); err != nil {
			return err
		}
		if err := addReview(ctx, t, r.ID, v.UserID, ReviewModify, reason, now); err != nil {
			return err
		}
		notices, err = addNotices(ctx, t, []string{r.ID}, NoticeCorrection, reason, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("correct intel %s: %w", e.ID, err)
	}
	return notices, nil
}

// addNotices stores one notice per distinct recipient (agency, person) of
// any of the records in ids and returns them.
func addNotices(ctx context.Context, t txn, ids []string, kind, reason string, now time.Time) ([]Notice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	out, err := queryAll(ctx, t, func(r interface{ Scan(...any) error }) (Notice, error) {
		n := Notice{ID: newID("ntc-"), Kind: kind, Reason: reason, Time: now}
		err := r.Scan(&n.RecordID, &n.RecipientAgency, &n.RecipientPerson)
		return n, err
	}, `SELECT DISTINCT record_id, recipient_agency, recipient_person FROM intel_disseminations
		WHERE record_id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY record_id, recipient_agency, recipient_person`, args...)
	if err != nil {
		return nil, err
	}
	for _, n := range out {
		if _, err := t.exec(ctx, `INSERT INTO intel_notices (id, record_id, kind, recipient_agency, recipient_person, reason, time)
			VALUES (?,?,?,?,?,?,?)`, n.ID, n.RecordID, n.Kind, n.RecipientAgency, n.RecipientPerson, n.Reason, formatTime(n.Time)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Disseminate records that v released record id to a recipient, and why.
// v must be able to see the record, the record must be active, and the
// recipient agency must be a participating agency (right to know); reason
// is the need to know.
func (s *Store) Disseminate(ctx context.Context, v access.Viewer, d Dissemination) (Dissemination, error) {
	var probs []string
	if strings.TrimSpace(d.RecordID) == "" {
		probs = append(probs, "record_id is required")
	}
	if strings.TrimSpace(d.RecipientAgency) == "" {
		probs = append(probs, "recipient_agency is required")
	}
	if strings.TrimSpace(d.Reason) == "" {
		probs = append(probs, "reason (the recipient's need to know) is required")
	}
	if len(probs) > 0 {
		return Dissemination{}, nexus.Errorf(nexus.EINVALID, "dissemination: %s", strings.Join(probs, "; "))
	}
	d.ID = newID("dis-")
	d.Time = s.now().UTC().Truncate(time.Microsecond)
	d.ReleasedBy, d.ReleasingAgency = v.UserID, v.Agency
	err := s.write(ctx, func(t txn) error {
		r, err := s.loadIntel(ctx, t, v, d.RecordID, false)
		if err != nil {
			return err
		}
		if r.State != intel.StateActive {
			return nexus.Errorf(nexus.ECONFLICT, "intel record %s is %s; only approved records are disseminated", r.ID, r.State)
		}
		var code string
		if err := t.queryRow(ctx, "SELECT code FROM agencies WHERE code = ?", d.RecipientAgency).Scan(&code); errors.Is(err, sql.ErrNoRows) {
			return nexus.Errorf(nexus.EINVALID, "dissemination: recipient_agency %q is not a participating agency", d.RecipientAgency)
		} else if err != nil {
			return err
		}
		d.Marking = r.Marking
		mb, _ := json.Marshal(r.Marking)
		_, err = t.exec(ctx, `INSERT INTO intel_disseminations (id, record_id, time, released_by, releasing_agency,
			recipient_agency, recipient_person, reason, channel, marking) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			d.ID, d.RecordID, formatTime(d.Time), d.ReleasedBy, d.ReleasingAgency, d.RecipientAgency, d.RecipientPerson,
			d.Reason, d.Channel, string(mb))
		return err
	})
	if err != nil {
		return Dissemination{}, fmt.Errorf("disseminate %s: %w", d.RecordID, err)
	}
	return d, nil
}

const disseminationColumns = "id, record_id, time, released_by, releasing_agency, recipient_agency, recipient_person, reason, channel, marking"

func scanDisseminations(rows *sql.Rows) ([]Dissemination, error) {
	defer rows.Close()
	var out []Dissemination
	for rows.Next() {
		var d Dissemination
		var tm, m string
		if err := rows.Scan(&d.ID, &d.RecordID, &tm, &d.ReleasedBy, &d.ReleasingAgency, &d.RecipientAgency,
			&d.RecipientPerson, &d.Reason, &d.Channel, &m); err != nil {
			return nil, err
		}
		var err error
		if d.Time, err = parseTime(tm); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(m), &d.Marking); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Disseminations lists who received record id, oldest first, for a viewer
// who may see the record ("who has this?"). With id "" it lists every
// release since since, for the privacy officer and auditors only.
func (s *Store) Disseminations(ctx context.Context, v access.Viewer, id string, since time.Time) ([]Dissemination, error) {
	var out []Dissemination
	err := s.read(ctx, func(t txn) error {
		var rows *sql.Rows
		var err error
		if id != "" {
			if _, err := s.loadIntel(ctx, t, v, id, false); err != nil {
				if nexus.ErrorCode(err) != nexus.ENOTFOUND || !oversight(v) {
					return err
				}
			}
			rows, err = t.query(ctx, "SELECT "+disseminationColumns+" FROM intel_disseminations WHERE record_id = ? ORDER BY time, id", id)
		} else {
			if !oversight(v) {
				return nexus.Errorf(nexus.EFORBIDDEN, "the dissemination log is for the privacy officer and auditors")
			}
			rows, err = t.query(ctx, "SELECT "+disseminationColumns+" FROM intel_disseminations WHERE time >= ? ORDER BY time, id", formatTime(since))
		}
		if err != nil {
			return err
		}
		out, err = scanDisseminations(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("disseminations: %w", err)
	}
	return out, nil
}

// oversight reports whether v has an oversight role: privacy officer or
// auditor (or the process itself).
func oversight(v access.Viewer) bool {
	return v.System || v.HasRole(access.RolePrivacyOfficer) || v.HasRole(access.RoleAuditor)
}

func scanNotice(sc interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var tm string
	if err := sc.Scan(&n.ID, &n.RecordID, &n.Kind, &n.RecipientAgency, &n.RecipientPerson, &n.Reason, &tm); err != nil {
		return n, err
	}
	var err error
	n.Time, err = parseTime(tm)
	return n, err
}

// Notices lists the correction and purge notices addressed to agency,
// newest last. A viewer sees its own agency's notices; oversight roles any.
func (s *Store) Notices(ctx context.Context, v access.Viewer, agency string) ([]Notice, error) {
	if agency == "" {
		agency = v.Agency
	}
	if agency != v.Agency && !oversight(v) {
		return nil, nexus.Errorf(nexus.EFORBIDDEN, "notices: %s may list only its own agency's notices", v.UserID)
	}
	return readAll(ctx, s, "notices", scanNotice, `SELECT id, record_id, kind, recipient_agency, recipient_person, reason, time
			FROM intel_notices WHERE recipient_agency = ? ORDER BY time, id`, agency)
}

// purgeTx purges record ids (subjects; their identifying children go with
// them): statements deleted, Part 23 metadata replaced by a tombstone,
// notices sent to every recipient. Dissemination and review rows stay: they
// hold no content and are the record of what happened.
func (s *Store) purgeTx(ctx context.Context, t txn, ids []string, reason, by, approvedBy string, now time.Time) (PurgeResult, error) {
	var res PurgeResult
	var all []string
	for _, id := range ids {
		r, err := scanIntel(t.queryRow(ctx, "SELECT "+intelColumns+" FROM intel_records WHERE id = ?"+s.d.forUpdate, id))
		if err != nil {
			return res, dbError(err, "intel record "+id)
		}
		if r.NCI {
			return res, nexus.Errorf(nexus.EINVALID, "intel record %s identifies %s; purge the subject instead", id, r.Parent)
		}
		children, err := s.intelChildren(ctx, t, id)
		if err != nil {
			return res, err
		}
		for _, c := range append([]IntelRecord{r}, children...) {
			why := reason
			if c.NCI {
				why = "identifying record of purged " + r.ID + ": " + reason
			}
			if _, err := t.exec(ctx, "DELETE FROM statements WHERE dataset = ? AND entity_id = ?", c.Dataset, c.ID); err != nil {
				return res, err
			}
			if _, err := t.exec(ctx, "DELETE FROM intel_records WHERE id = ?", c.ID); err != nil {
				return res, err
			}
			ts := Tombstone{ID: c.ID, Originator: c.Originator, Dataset: c.Dataset, PurgedAt: now, Reason: why, PurgedBy: by, ApprovedBy: approvedBy}
			if _, err := t.exec(ctx, `INSERT INTO intel_tombstones (id, originator, dataset, purged_at, reason, purged_by, approved_by)
				VALUES (?,?,?,?,?,?,?)`, ts.ID, ts.Originator, ts.Dataset, formatTime(now), ts.Reason, ts.PurgedBy, ts.ApprovedBy); err != nil {
				return res, dbError(err, "tombstone "+c.ID)
			}
			res.Purged = append(res.Purged, ts)
			all = append(all, c.ID)
		}
	}
	var err error
	res.Notices, err = addNotices(ctx, t, all, NoticePurge, reason, now)
	return res, err
}

// PurgeReasonExpired is the reason of a purge by the review clock.
const PurgeReasonExpired = "review date passed without re-validation (28 CFR 23.20(h))"

// DueIntel lists the active subject records whose review date has passed,
// or passes within the given time (to open reviews ahead, e.g. 90 days).
func (s *Store) DueIntel(ctx context.Context, within time.Duration) ([]IntelRecord, error) {
	now := s.now().UTC().Add(within)
	var out []IntelRecord
	err := s.read(ctx, func(t txn) error {
		var err error
		out, err = s.dueIntel(ctx, t, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("due intel: %w", err)
	}
	return out, nil
}

func (s *Store) dueIntel(ctx context.Context, t txn, now time.Time) ([]IntelRecord, error) {
	return queryAll(ctx, t, scanIntel, "SELECT "+intelColumns+` FROM intel_records
		WHERE state = ? AND parent_id = '' AND review_due <> '' AND review_due <= ? ORDER BY review_due, id`,
		intel.StateActive, formatTime(now))
}

// PurgeDue is the scheduled purge: every active record whose review date has
// passed is purged with a tombstone and notices to its recipients — as long
// as there are at most bulk of them. More than bulk records at once is a
// bulk purge: nothing is purged and EFORBIDDEN is
// returned, so a wrong clock or a bad batch of review dates cannot destroy
// many records without two people (RequestPurge with the due records, then
// ApprovePurge by someone else). bulk <= 0 means 1.
func (s *Store) PurgeDue(ctx context.Context, by string, bulk int) (PurgeResult, error) {
	if bulk <= 0 {
		bulk = 1
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var res PurgeResult
	err := s.write(ctx, func(t txn) error {
		if s.d.name == postgresDialect.name {
			// One node at a time runs the scheduled purge.
			if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(7236118734006)"); err != nil {
				return err
			}
		}
		due, err := s.dueIntel(ctx, t, now)
		if err != nil {
			return err
		}
		if len(due) > bulk {
			return nexus.Errorf(nexus.EFORBIDDEN, "%d records are past their review date, more than the %d a scheduled purge may remove alone; "+
				"a bulk purge needs two people: request it (nexus intel purge request --due) and have someone else approve it", len(due), bulk)
		}
		ids := make([]string, len(due))
		for i, r := range due {
			ids[i] = r.ID
		}
		res, err = s.purgeTx(ctx, t, ids, PurgeReasonExpired, by, "", now)
		return err
	})
	if err != nil {
		return PurgeResult{}, fmt.Errorf("purge due: %w", err)
	}
	return res, nil
}

// RequestPurge asks to purge records ids for reason; due adds every record
// past its review date. One record is purged at once by v; more than one is
// a bulk purge and waits for ApprovePurge by a different person. v needs a
// purge role and must be able to see every record.
func (s *Store) RequestPurge(ctx context.Context, v access.Viewer, ids []string, due bool, reason string) (PurgeResult, error) {
	if !intel.CanPurge(v) {
		return PurgeResult{}, nexus.Errorf(nexus.EFORBIDDEN, "purge: %s may not request purges (supervisor, privacy officer or administrator)", v.UserID)
	}
	if strings.TrimSpace(reason) == "" {
		return PurgeResult{}, nexus.Errorf(nexus.EINVALID, "purge: reason is required")
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var res PurgeResult
	err := s.write(ctx, func(t txn) error {
		if due {
			rs, err := s.dueIntel(ctx, t, now)
			if err != nil {
				return err
			}
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) == 0 {
			return nexus.Errorf(nexus.EINVALID, "purge: no records named (and none past their review date)")
		}
		for _, id := range ids {
			r, err := s.loadIntel(ctx, t, v, id, false)
			if err != nil {
				return err
			}
			if r.NCI {
				return nexus.Errorf(nexus.EINVALID, "intel record %s identifies %s; purge the subject instead", id, r.Parent)
			}
		}
		if len(ids) == 1 {
			var err error
			res, err = s.purgeTx(ctx, t, ids, reason, v.UserID, "", now)
			if err != nil {
				return err
			}
			return addReview(ctx, t, ids[0], v.UserID, ReviewPurge, reason, now)
		}
		req := PurgeRequest{ID: newID("prg-"), RequestedBy: v.UserID, RequestedAt: now, Reason: reason, RecordIDs: ids, State: "pending"}
		if _, err := t.exec(ctx, `INSERT INTO intel_purge_requests (id, requested_by, requested_at, reason, record_ids, state)
			VALUES (?,?,?,?,?,?)`, req.ID, req.RequestedBy, formatTime(now), req.Reason, jsonList(ids), req.State); err != nil {
			return err
		}
		res.Request = &req
		return nil
	})
	if err != nil {
		return PurgeResult{}, fmt.Errorf("request purge: %w", err)
	}
	return res, nil
}

func scanPurgeRequest(sc interface{ Scan(...any) error }) (PurgeRequest, error) {
	var p PurgeRequest
	var at, ids, appr string
	if err := sc.Scan(&p.ID, &p.RequestedBy, &at, &p.Reason, &ids, &p.State, &p.ApprovedBy, &appr); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(ids), &p.RecordIDs); err != nil {
		return p, err
	}
	var err error
	if p.RequestedAt, err = parseTime(at); err != nil {
		return p, err
	}
	p.ApprovedAt, err = parseTime(appr)
	return p, err
}

const purgeRequestColumns = "id, requested_by, requested_at, reason, record_ids, state, approved_by, approved_at"

// PurgeRequests lists bulk purge requests, newest last; pending only when
// pendingOnly.
func (s *Store) PurgeRequests(ctx context.Context, pendingOnly bool) ([]PurgeRequest, error) {
	q := "SELECT " + purgeRequestColumns + " FROM intel_purge_requests"
	if pendingOnly {
		q += " WHERE state = 'pending'"
	}
	return readAll(ctx, s, "purge requests", scanPurgeRequest, q+" ORDER BY requested_at, id")
}

// ApprovePurge is the second person's approval of a bulk purge request: v
// must differ from the requester, hold a purge role and be able to see
// every record; the purge then runs. Records already purged meanwhile are
// skipped.
func (s *Store) ApprovePurge(ctx context.Context, v access.Viewer, requestID string) (PurgeResult, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var res PurgeResult
	err := s.write(ctx, func(t txn) error {
		req, err := scanPurgeRequest(t.queryRow(ctx, "SELECT "+purgeRequestColumns+" FROM intel_purge_requests WHERE id = ?"+s.d.forUpdate, requestID))
		if err != nil {
			return dbError(err, "purge request "+requestID)
		}
		// A request naming a record v may not see is, to v, one that does
		// not exist: checked before anything else about it is said.
		var ids []string
		for _, id := range req.RecordIDs {
			if _, err := s.loadIntel(ctx, t, v, id, false); err != nil {
				if nexus.ErrorCode(err) == nexus.ENOTFOUND {
					var n int
					if err := t.queryRow(ctx, "SELECT COUNT(*) FROM intel_tombstones WHERE id = ?", id).Scan(&n); err != nil {
						return err
					}
					if n > 0 {
						continue // purged since the request
					}
					return nexus.Errorf(nexus.ENOTFOUND, "purge request %s not found", requestID)
				}
				return err
			}
			ids = append(ids, id)
		}
		if req.State != "pending" {
			return nexus.Errorf(nexus.ECONFLICT, "purge request %s is %s", requestID, req.State)
		}
		if err := intel.CheckPurgeApprover(req.RequestedBy, v); err != nil {
			return err
		}
		res, err = s.purgeTx(ctx, t, ids, req.Reason, req.RequestedBy, v.UserID, now)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := addReview(ctx, t, id, v.UserID, ReviewPurge, req.Reason, now); err != nil {
				return err
			}
		}
		req.State, req.ApprovedBy, req.ApprovedAt = "executed", v.UserID, now
		res.Request = &req
		_, err = t.exec(ctx, "UPDATE intel_purge_requests SET state = ?, approved_by = ?, approved_at = ? WHERE id = ?",
			req.State, req.ApprovedBy, formatTime(now), req.ID)
		return err
	})
	if err != nil {
		return PurgeResult{}, fmt.Errorf("approve purge %s: %w", requestID, err)
	}
	return res, nil
}

const tombstoneColumns = "id, originator, dataset, purged_at, reason, purged_by, approved_by"

func scanTombstone(sc interface{ Scan(...any) error }) (Tombstone, error) {
	var ts Tombstone
	var at string
	if err := sc.Scan(&ts.ID, &ts.Originator, &ts.Dataset, &at, &ts.Reason, &ts.PurgedBy, &ts.ApprovedBy); err != nil {
		return ts, err
	}
	var err error
	ts.PurgedAt, err = parseTime(at)
	return ts, err
}

// Tombstones lists purge tombstones, oldest first.
func (s *Store) Tombstones(ctx context.Context) ([]Tombstone, error) {
	return readAll(ctx, s, "tombstones", scanTombstone, "SELECT "+tombstoneColumns+" FROM intel_tombstones ORDER BY purged_at, id")
}
