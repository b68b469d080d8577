// Package intel holds the rules of the 28 CFR Part 23 lifecycle for
// criminal-intelligence records: what a submission must carry before it may
// be saved (criminal predicate, submitter, a different Part 23-trained
// approver, source-reliability and content-validity ratings), the
// First-Amendment guard, the "no criminal connotation" label for identifying
// records, the five-year review clock, who may purge, and when a marking
// change lowers a marking. It is pure: the store applies these rules inside
// its transactions, the CLI and API only call the store.
package intel

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// Class is the dataset record class governed by 28 CFR Part 23.
const Class = "criminal_intelligence"

// NCILabel is the disclaimer that accompanies every record kept only to
// identify a criminal subject (1998 Policy Clarification).
const NCILabel = "IDENTIFYING INFORMATION ONLY - NO CRIMINAL CONNOTATION"

// NoticeSubject is the NATS subject correction and purge notices are
// published on.
const NoticeSubject = "nexus.intel.notice"

// MaxRetentionYears is the longest a record may be kept without review and
// validation (28 CFR 23.20(h)).
const MaxRetentionYears = 5

// States of a record.
const (
	// StatePending is a submission awaiting its Part 23 approval (and, when
	// it carries First-Amendment information, the privacy officer's). Its
	// content is held with the submission, not in the searchable store.
	StatePending = "pending"
	// StateActive is an approved record whose statements are in the store.
	StateActive = "active"
)

// Source reliability and content validity: the law-enforcement 4x4 grid.
var (
	Reliabilities = map[string]string{
		"A": "reliable",
		"B": "usually reliable",
		"C": "unreliable",
		"D": "reliability cannot be judged",
	}
	Validities = map[string]string{
		"1": "confirmed",
		"2": "probable",
		"3": "doubtful",
		"4": "cannot be judged",
	}
)

// First-Amendment categories: information about a person's or group's
// political, religious or social views, associations or activities.
const (
	FAPolitical   = "political"
	FAReligious   = "religious"
	FASocial      = "social"
	FAAssociation = "association"
)

// FACategories lists the categories a submission may declare.
var FACategories = []string{FAPolitical, FAReligious, FASocial, FAAssociation}

// faProps are FtM properties whose values are First-Amendment information
// in themselves: a structured field, not a guess from free text.
var faProps = map[string]string{"political": FAPolitical, "religion": FAReligious}

// faTopics are FtM topic codes that describe views or associations.
var faTopics = map[string]string{
	"pol.party": FAPolitical, "rel": FAReligious, "gov.religion": FAReligious, "pol.union": FAAssociation,
}

// Predicate is the criminal predicate: why there is reasonable suspicion and
// of which definable criminal activity.
type Predicate struct {
	Narrative    string   `json:"narrative"`
	OffenceCodes []string `json:"offence_codes"`
}

// FirstAmendment is what a submission says about First-Amendment
// information it carries.
type FirstAmendment struct {
	// Categories the submitter declares (FACategories). Properties and
	// topics that are such information add their categories whether
	// declared or not.
	Categories []string `json:"categories,omitempty"`
	// CriminalNexus asserts that the information directly relates to
	// criminal conduct.
	CriminalNexus bool `json:"criminal_nexus,omitempty"`
	// Justification is the written explanation of that relation.
	Justification string `json:"justification,omitempty"`
}

// Pointer is the originator's permission to be named, without content, to
// viewers who cannot read a record that matches their search.
type Pointer struct {
	Allowed bool   `json:"allowed"`
	Contact string `json:"contact,omitempty"`
}

// Submission is a criminal-intelligence record as its submitter hands it in.
type Submission struct {
	Dataset string      `json:"dataset"`
	Subject *ftm.Entity `json:"subject"`
	// Identifying are records kept only to identify the subject (an
	// associate's car, a relative's address). They carry NCILabel and go
	// when the subject goes.
	Identifying    []*ftm.Entity  `json:"identifying,omitempty"`
	Predicate      Predicate      `json:"predicate"`
	Reliability    string         `json:"source_reliability"`
	Validity       string         `json:"content_validity"`
	FirstAmendment FirstAmendment `json:"first_amendment"`
	// Marking of every statement; the dataset's default when zero.
	Marking *access.Marking `json:"marking,omitempty"`
	Pointer Pointer         `json:"pointer"`
	// Submitter and SubmitterAgency are set from the caller, never from
	// the submitted document.
	Submitter       string `json:"-"`
	SubmitterAgency string `json:"-"`
}

// Validate checks everything a submission must carry that does not depend
// on who approves it. The error (EINVALID) names every missing or bad field.
func (s Submission) Validate() error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(s.Dataset) == "" {
		add("dataset is required")
	}
	if strings.TrimSpace(s.Submitter) == "" {
		add("submitter is required")
	}
	if s.Subject == nil || strings.TrimSpace(s.Subject.ID) == "" || s.Subject.Schema == "" {
		add("subject (an FtM entity with id and schema) is required")
	} else if err := s.Subject.Validate(); err != nil {
		add("subject: %s", nexus.ErrorMessage(err))
	}
	if strings.TrimSpace(s.Predicate.Narrative) == "" {
		add("predicate.narrative (the criminal predicate) is required")
	}
	codes := 0
	for _, c := range s.Predicate.OffenceCodes {
		if strings.TrimSpace(c) != "" {
			codes++
		}
	}
	if codes == 0 {
		add("predicate.offence_codes needs at least one offence code")
	}
	if _, ok := Reliabilities[strings.ToUpper(s.Reliability)]; !ok {
		if s.Reliability == "" {
			add("source_reliability is required (A, B, C or D)")
		} else {
			add("source_reliability %q is not A, B, C or D", s.Reliability)
		}
	}
	if _, ok := Validities[s.Validity]; !ok {
		if s.Validity == "" {
			add("content_validity is required (1, 2, 3 or 4)")
		} else {
			add("content_validity %q is not 1, 2, 3 or 4", s.Validity)
		}
	}
	for _, c := range s.FirstAmendment.Categories {
		if !slices.Contains(FACategories, c) {
			add("first_amendment.categories: %q is not one of %s", c, strings.Join(FACategories, ", "))
		}
	}
	if s.Pointer.Allowed && strings.TrimSpace(s.Pointer.Contact) == "" {
		add("pointer.contact is required when pointer.allowed is set")
	}
	ids := map[string]bool{}
	if s.Subject != nil {
		ids[s.Subject.ID] = true
	}
	for i, e := range s.Identifying {
		switch {
		case e == nil || e.ID == "" || e.Schema == "":
			add("identifying[%d]: an FtM entity with id and schema is required", i)
			continue
		case ids[e.ID]:
			add("identifying[%d]: id %q is used twice", i, e.ID)
		}
		ids[e.ID] = true
		if err := e.Validate(); err != nil {
			add("identifying[%d]: %s", i, nexus.ErrorMessage(err))
		}
		if cats := entityFA(e); len(cats) > 0 {
			add("identifying[%d]: identifying records may not carry First-Amendment information (%s)", i, strings.Join(cats, ", "))
		}
	}
	if s.Marking != nil {
		if err := s.Marking.Validate(); err != nil {
			add("%s", nexus.ErrorMessage(err))
		}
	}
	if len(probs) == 0 {
		if err := s.CheckFirstAmendment(); err != nil {
			return err
		}
		return nil
	}
	id := "submission"
	if s.Subject != nil && s.Subject.ID != "" {
		id = "submission " + s.Subject.ID
	}
	return nexus.Errorf(nexus.EINVALID, "%s: %s", id, strings.Join(probs, "; "))
}

// entityFA returns the First-Amendment categories e's own fields carry.
func entityFA(e *ftm.Entity) []string {
	var out []string
	for p, cat := range faProps {
		if len(e.Get(p)) > 0 && !slices.Contains(out, cat) {
			out = append(out, cat)
		}
	}
	for _, t := range e.Get("topics") {
		if cat, ok := faTopics[t]; ok && !slices.Contains(out, cat) {
			out = append(out, cat)
		}
	}
	slices.Sort(out)
	return out
}

// Categories returns the First-Amendment categories of s: those declared and
// those its subject's fields carry, sorted.
func (s Submission) Categories() []string {
	out := slices.Clone(s.FirstAmendment.Categories)
	if s.Subject != nil {
		for _, c := range entityFA(s.Subject) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CheckFirstAmendment refuses First-Amendment information unless the
// submission states that it directly relates to criminal conduct and writes
// down why. The privacy officer's approval is checked at approval time.
func (s Submission) CheckFirstAmendment() error {
	cats := s.Categories()
	if len(cats) == 0 {
		return nil
	}
	var missing []string
	if !s.FirstAmendment.CriminalNexus {
		missing = append(missing, "first_amendment.criminal_nexus must state that the information directly relates to criminal conduct")
	}
	if strings.TrimSpace(s.FirstAmendment.Justification) == "" {
		missing = append(missing, "first_amendment.justification is required")
	}
	if len(missing) == 0 {
		return nil
	}
	return nexus.Errorf(nexus.EINVALID, "submission %s: refused: it holds %s views/associations information (28 CFR 23.20(b)): %s",
		s.Subject.ID, strings.Join(cats, ", "), strings.Join(missing, "; "))
}

// CheckApprover reports whether approver may approve a submission by
// submitter: a different person who holds Part 23 training.
func CheckApprover(submitter string, approver access.Viewer) error {
	switch {
	case approver.UserID == "":
		return nexus.Errorf(nexus.EFORBIDDEN, "approval: approver is required")
	case approver.UserID == submitter:
		return nexus.Errorf(nexus.EFORBIDDEN, "approval: the approver must be a different person from the submitter %s", submitter)
	case !approver.Part23Trained:
		return nexus.Errorf(nexus.EFORBIDDEN, "approval: approver %s has no 28 CFR Part 23 training on record", approver.UserID)
	}
	return nil
}

// CheckPrivacyApprover reports whether v may approve First-Amendment
// information in a submission by submitter.
func CheckPrivacyApprover(submitter string, v access.Viewer) error {
	switch {
	case !v.HasRole(access.RolePrivacyOfficer):
		return nexus.Errorf(nexus.EFORBIDDEN, "privacy approval: %s is not a privacy officer", v.UserID)
	case v.UserID == submitter:
		return nexus.Errorf(nexus.EFORBIDDEN, "privacy approval: the privacy officer must not be the submitter %s", submitter)
	}
	return nil
}

// CheckReviewer reports whether v may re-validate a record.
func CheckReviewer(v access.Viewer) error {
	if !v.Part23Trained {
		return nexus.Errorf(nexus.EFORBIDDEN, "review: %s has no 28 CFR Part 23 training on record", v.UserID)
	}
	return nil
}

// CanPurge reports whether v holds a role that may request or approve a
// purge.
func CanPurge(v access.Viewer) bool {
	return v.System || v.HasRole(access.RoleSupervisor) || v.HasRole(access.RolePrivacyOfficer) || v.HasRole(access.RoleAdministrator)
}

// CheckPurgeApprover reports whether v may approve a bulk purge requested by
// requester: a different person with a purge role.
func CheckPurgeApprover(requester string, v access.Viewer) error {
	switch {
	case !CanPurge(v) || v.System:
		return nexus.Errorf(nexus.EFORBIDDEN, "purge approval: %s may not approve purges (supervisor, privacy officer or administrator)", v.UserID)
	case v.UserID == requester:
		return nexus.Errorf(nexus.EFORBIDDEN, "purge approval: a bulk purge needs two people; %s requested it", requester)
	}
	return nil
}

// ReviewDue returns when a record validated at validated must be reviewed:
// retention after validation (a dataset's rule such as "2y", "18m", "90d"),
// never later than five years. An empty retention means five years.
func ReviewDue(validated time.Time, retention string) (time.Time, error) {
	max := validated.AddDate(MaxRetentionYears, 0, 0)
	if strings.TrimSpace(retention) == "" {
		return max, nil
	}
	d, err := AddRetention(validated, retention)
	if err != nil {
		return time.Time{}, err
	}
	if d.After(max) {
		return max, nil
	}
	return d, nil
}

// AddRetention adds a retention period written as a whole number of years
// (y), months (m) or days (d) to t.
func AddRetention(t time.Time, retention string) (time.Time, error) {
	r := strings.TrimSpace(retention)
	if len(r) < 2 {
		return time.Time{}, nexus.Errorf(nexus.EINVALID, "retention %q: want a number and y, m or d (e.g. 5y)", retention)
	}
	n, err := strconv.Atoi(r[:len(r)-1])
	if err != nil || n <= 0 {
		return time.Time{}, nexus.Errorf(nexus.EINVALID, "retention %q: want a positive number and y, m or d (e.g. 5y)", retention)
	}
	switch r[len(r)-1] {
	case 'y':
		return t.AddDate(n, 0, 0), nil
	case 'm':
		return t.AddDate(0, n, 0), nil
	case 'd':
		return t.AddDate(0, 0, n), nil
	}
	return time.Time{}, nexus.Errorf(nexus.EINVALID, "retention %q: unit must be y, m or d", retention)
}

// tlpOrder ranks TLP labels from least to most restrictive; no label ranks
// lowest.
var tlpOrder = map[string]int{"": 0, "CLEAR": 1, "GREEN": 2, "AMBER": 3, "AMBER+STRICT": 4, "RED": 5}

// Lowers reports whether changing a statement's marking from old to new
// lowers it: whether anyone could see or pass on under new what old kept
// from them. Classification down, a caveat dropped, a less restrictive TLP,
// made public, a sharing group or compartment added, or a different
// originating agency all lower a marking. Only the originating agency may
// do that (R-MK-06); anyone who can see a statement may raise its marking.
func Lowers(old, new access.Marking) bool {
	old, new = old.Normalize(), new.Normalize()
	switch {
	case old.Classification == access.CUI && new.Classification != access.CUI:
		return true
	case tlpOrder[new.TLP] < tlpOrder[old.TLP]:
		return true
	case new.Public && !old.Public:
		return true
	}
	for _, c := range old.Caveats {
		if !slices.Contains(new.Caveats, c) {
			return true
		}
	}
	if old.Public {
		return false // nothing widens a public statement's distribution
	}
	if new.Originator != old.Originator && new.Originator != "" {
		return true // another agency gains it
	}
	for _, g := range new.SharingGroups {
		if !slices.Contains(old.SharingGroups, g) {
			return true
		}
	}
	for _, c := range new.Compartments {
		if !slices.Contains(old.Compartments, c) {
			return true
		}
	}
	return false
}
