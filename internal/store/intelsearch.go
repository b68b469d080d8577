package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/intel"
)

// ChangeMarking sets the marking of every statement dataset holds about
// entityID to m and returns how many changed. Anyone who can see all of
// them may raise a marking; lowering one (intel.Lowers) is for the
// statement's originating agency only (R-MK-06) and is EFORBIDDEN for
// anyone else, with nothing changed. A criminal-intelligence record's
// marking follows its statements.
func (s *Store) ChangeMarking(ctx context.Context, v access.Viewer, dataset, entityID string, m access.Marking) (int, error) {
	if err := m.Validate(); err != nil {
		return 0, fmt.Errorf("change marking %s: %w", entityID, err)
	}
	m = m.Normalize()
	n := 0
	err := s.write(ctx, func(t txn) error {
		if err := s.refreshMarkings(ctx, t); err != nil {
			return err
		}
		stmts, err := s.scanStatements(ctx, t, "SELECT "+statementColumns+" FROM statements WHERE dataset = ? AND entity_id = ?"+statementOrder,
			dataset, entityID)
		if err != nil {
			return err
		}
		if len(stmts) == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "entity %s not found in dataset %s", entityID, dataset)
		}
		for _, st := range stmts {
			if !access.CanSee(v, st.Marking) {
				// The same answer as for an entity that does not exist.
				return nexus.Errorf(nexus.ENOTFOUND, "entity %s not found in dataset %s", entityID, dataset)
			}
		}
		for _, st := range stmts {
			if intel.Lowers(st.Marking, m) && !v.System && v.Agency != st.Marking.Originator {
				return nexus.Errorf(nexus.EFORBIDDEN, "change marking %s: %s to %s lowers the marking; only the originating agency %q may do that",
					entityID, st.Marking.Key(), m.Key(), st.Marking.Originator)
			}
		}
		mid, err := s.ensureMarking(ctx, t, m)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, "UPDATE statements SET marking_id = ? WHERE dataset = ? AND entity_id = ? AND marking_id <> ?", mid, dataset, entityID, mid)
		if err != nil {
			return err
		}
		rows, _ := res.RowsAffected()
		n = int(rows)
		mb, _ := json.Marshal(m)
		_, err = t.exec(ctx, "UPDATE intel_records SET marking = ? WHERE id = ? AND dataset = ?", string(mb), entityID, dataset)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("change marking %s: %w", entityID, err)
	}
	return n, nil
}

// TouchesCriminalIntel reports whether a search by v, limited to dataset
// when not "", can reach a criminal-intelligence statement v may see. Such
// searches need a purpose code and a case number (need-to-know).
func (s *Store) TouchesCriminalIntel(ctx context.Context, v access.Viewer, dataset string) (bool, error) {
	var found bool
	err := s.read(ctx, func(t txn) error {
		vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
		if err != nil {
			return err
		}
		names, err := intelDatasets(ctx, t)
		if err != nil {
			return err
		}
		where := "dataset = ?"
		if vis != "" {
			where += " AND " + vis
		}
		// One dataset at a time, so the (dataset, entity_id) index keeps
		// the probe to the intelligence datasets' own statements.
		for _, name := range names {
			if dataset != "" && name != dataset {
				continue
			}
			rows, err := t.query(ctx, "SELECT 1 FROM statements WHERE "+where+" LIMIT 1", name)
			if err != nil {
				return err
			}
			found = rows.Next()
			if err := rows.Close(); err != nil {
				return err
			}
			if found {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("need-to-know check: %w", err)
	}
	return found, nil
}

// IntelHit is a criminal-intelligence record a search found that the
// viewer may read.
type IntelHit struct {
	ID      string `json:"id"`
	Dataset string `json:"dataset"`
	Schema  string `json:"schema"`
	Caption string `json:"caption"`
}

// IntelPointer says that an agency holds a record matching a search the
// viewer may not read, and whom to contact. It carries nothing else: no id,
// no content, no count, no score.
type IntelPointer struct {
	Agency  string `json:"agency"`
	Contact string `json:"contact"`
	Message string `json:"message"`
}

// IntelSearch is the answer of SearchIntel.
type IntelSearch struct {
	Results  []IntelHit     `json:"results"`
	Pointers []IntelPointer `json:"pointers"`
}

// searchProps are the properties SearchIntel compares with the query:
// names and identifiers.
var searchProps = append(slices.Clone(nameProps), "idNumber", "passportNumber", "registrationNumber", "taxNumber",
	"phone", "email", "imoNumber", "accountNumber", "iban")

// SearchIntel finds criminal-intelligence subjects with a name or
// identifier equal (ignoring case) to q. A subject is a result only when a
// matching value is one v may see, and then only as v may see it. Matches v
// may not see become pointers — originator and contact, one per agency —
// when the originator allows it, and otherwise nothing. A match on an
// identifying (NCI) record leads to its subject, never to the identifying
// record itself.
func (s *Store) SearchIntel(ctx context.Context, v access.Viewer, q string) (IntelSearch, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	res := IntelSearch{Results: []IntelHit{}, Pointers: []IntelPointer{}}
	if q == "" {
		return res, nexus.Errorf(nexus.EINVALID, "intel search: q is required")
	}
	err := s.read(ctx, func(t txn) error {
		if err := s.refreshMarkings(ctx, t); err != nil {
			return err
		}
		names, err := intelDatasets(ctx, t)
		if err != nil {
			return err
		}
		type match struct {
			id, dataset, parent, state string
			visible                    bool
		}
		var ms []match
		// One dataset at a time: the (dataset, entity_id) index limits the
		// scan to intelligence statements, however large the lists are.
		for _, name := range names {
			rows, err := t.query(ctx, `SELECT DISTINCT s.entity_id, s.dataset, s.marking_id, COALESCE(r.parent_id, ''),
					COALESCE(r.state, '')
				FROM statements s LEFT JOIN intel_records r ON r.id = s.entity_id
				WHERE s.dataset = ? AND s.prop IN ('`+strings.Join(searchProps, "','")+`') AND LOWER(s.value) = ?
				ORDER BY s.entity_id`, name, q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var m match
				var mid int64
				if err := rows.Scan(&m.id, &m.dataset, &mid, &m.parent, &m.state); err != nil {
					rows.Close()
					return err
				}
				mk, ok := s.markingByID(mid)
				m.visible = ok && access.CanSee(v, mk)
				ms = append(ms, m)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		visible := map[string]bool{}
		hidden := map[string]bool{}
		for _, m := range ms {
			id := m.id
			if m.parent != "" {
				id = m.parent
			}
			if m.visible {
				visible[id] = true
			} else {
				hidden[id] = true
			}
		}
		seen := map[string]bool{}
		for _, id := range sortedKeys(visible) {
			stmts, err := s.entityStatements(ctx, t, v, id)
			if nexus.ErrorCode(err) == nexus.ENOTFOUND {
				hidden[id] = true // matched a visible identifying record of a subject v may not read
				continue
			} else if err != nil {
				return err
			}
			e, err := fold(stmts)
			if err != nil {
				return err
			}
			seen[id] = true
			res.Results = append(res.Results, IntelHit{ID: id, Dataset: stmts[0].Dataset, Schema: e.Schema, Caption: e.Caption()})
		}
		pointers := map[IntelPointer]bool{}
		for _, id := range sortedKeys(hidden) {
			if seen[id] {
				continue
			}
			var allowed bool
			var originator, contact string
			err := t.queryRow(ctx, "SELECT pointer_allowed, originator, pointer_contact FROM intel_records WHERE id = ? AND state = ?",
				id, intel.StateActive).Scan(&allowed, &originator, &contact)
			if err != nil || !allowed {
				continue // no record, not active or no permission: nothing at all
			}
			pointers[IntelPointer{Agency: originator, Contact: contact,
				Message: fmt.Sprintf("a record is held by agency %s; contact %s", originator, contact)}] = true
		}
		for p := range pointers {
			res.Pointers = append(res.Pointers, p)
		}
		slices.SortFunc(res.Pointers, func(a, b IntelPointer) int { return strings.Compare(a.Message, b.Message) })
		return nil
	})
	if err != nil {
		return IntelSearch{}, fmt.Errorf("intel search: %w", err)
	}
	return res, nil
}

// intelDatasets returns the names of the criminal-intelligence datasets.
func intelDatasets(ctx context.Context, t txn) ([]string, error) {
	rows, err := t.query(ctx, "SELECT name FROM datasets WHERE class = ? ORDER BY name", intel.Class)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// IntelRef names a record in the privacy report: metadata, no content.
type IntelRef struct {
	ID          string    `json:"id"`
	Dataset     string    `json:"dataset"`
	Originator  string    `json:"originator"`
	State       string    `json:"state"`
	ValidatedAt time.Time `json:"validated_at,omitzero"`
	ReviewDue   time.Time `json:"review_due,omitzero"`
}

// FirstAmendmentRef is a record holding First-Amendment information, with
// its justification and who approved it.
type FirstAmendmentRef struct {
	IntelRef
	Categories      []string `json:"categories"`
	Justification   string   `json:"justification"`
	PrivacyApprover string   `json:"privacy_approver,omitempty"`
}

// Merge is an entity folded into another (its canonical id differs).
type Merge struct {
	EntityID    string `json:"entity_id"`
	CanonicalID string `json:"canonical_id"`
	Dataset     string `json:"dataset"`
}

// PrivacyReport is the privacy officer's oversight report (R-PRIV-01/02).
type PrivacyReport struct {
	GeneratedAt time.Time `json:"generated_at"`
	Since       time.Time `json:"since"`
	// PastReview are active records whose review date has passed.
	PastReview []IntelRef `json:"past_review"`
	// ReviewSoon are active records due for review in the next 90 days.
	ReviewSoon []IntelRef `json:"review_soon"`
	// LackingPredicate are criminal-intelligence subjects with no
	// documented predicate: loaded around the submission gate (an import
	// into a criminal_intelligence dataset) or with an empty predicate.
	LackingPredicate []Merge             `json:"lacking_predicate"`
	FirstAmendment   []FirstAmendmentRef `json:"first_amendment"`
	Merges           []Merge             `json:"merges"`
	Disseminations   []Dissemination     `json:"disseminations"`
	Purged           []Tombstone         `json:"purged"`
	OpenRedress      []Redress           `json:"open_redress"`
	// Sample is a random sample of active records for manual review.
	Sample []IntelRef `json:"sample"`
}

// reportLimit bounds each list of the privacy report.
const reportLimit = 1000

// PrivacyReportFor builds the privacy report for v, who must be a privacy
// officer or auditor: lists since since (disseminations, purges) and a
// random sample of sample active records drawn with seed.
func (s *Store) PrivacyReportFor(ctx context.Context, v access.Viewer, since time.Time, sample int, seed uint64) (PrivacyReport, error) {
	if !oversight(v) {
		return PrivacyReport{}, nexus.Errorf(nexus.EFORBIDDEN, "privacy report: %s is not a privacy officer or auditor", v.UserID)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	rep := PrivacyReport{GeneratedAt: now, Since: since.UTC(), PastReview: []IntelRef{}, ReviewSoon: []IntelRef{}, LackingPredicate: []Merge{},
		FirstAmendment: []FirstAmendmentRef{}, Merges: []Merge{}, Disseminations: []Dissemination{}, Purged: []Tombstone{},
		OpenRedress: []Redress{}, Sample: []IntelRef{}}
	err := s.read(ctx, func(t txn) error {
		due, err := s.dueIntel(ctx, t, now)
		if err != nil {
			return err
		}
		for _, r := range due {
			rep.PastReview = append(rep.PastReview, refOf(r))
		}
		soon, err := s.dueIntel(ctx, t, now.AddDate(0, 0, 90))
		if err != nil {
			return err
		}
		for _, r := range soon {
			if r.ReviewDue.After(now) {
				rep.ReviewSoon = append(rep.ReviewSoon, refOf(r))
			}
		}
		rows, err := t.query(ctx, `SELECT DISTINCT s.entity_id, s.canonical_id, s.dataset FROM statements s
			JOIN datasets d ON d.name = s.dataset
			WHERE d.class = ? AND s.target = TRUE
			AND NOT EXISTS (SELECT 1 FROM intel_records r WHERE r.id = s.entity_id AND r.narrative <> '' AND r.offence_codes <> '[]')
			ORDER BY s.dataset, s.entity_id LIMIT ?`, intel.Class, reportLimit)
		if err != nil {
			return err
		}
		if rep.LackingPredicate, err = scanMerges(rows, rep.LackingPredicate); err != nil {
			return err
		}
		rows, err = t.query(ctx, `SELECT DISTINCT entity_id, canonical_id, dataset FROM statements WHERE entity_id <> canonical_id
			ORDER BY dataset, entity_id LIMIT ?`, reportLimit)
		if err != nil {
			return err
		}
		if rep.Merges, err = scanMerges(rows, rep.Merges); err != nil {
			return err
		}
		all, err := s.allIntel(ctx, t)
		if err != nil {
			return err
		}
		var active []IntelRef
		for _, r := range all {
			if len(r.FirstAmendment.Categories) > 0 {
				rep.FirstAmendment = append(rep.FirstAmendment, FirstAmendmentRef{IntelRef: refOf(r), Categories: r.FirstAmendment.Categories,
					Justification: r.FirstAmendment.Justification, PrivacyApprover: r.PrivacyApprover})
			}
			if r.State == intel.StateActive && !r.NCI {
				active = append(active, refOf(r))
			}
		}
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		rng.Shuffle(len(active), func(i, j int) { active[i], active[j] = active[j], active[i] })
		rep.Sample = append(rep.Sample, active[:min(sample, len(active))]...)
		slices.SortFunc(rep.Sample, func(a, b IntelRef) int { return strings.Compare(a.ID, b.ID) })

		rows, err = t.query(ctx, "SELECT "+disseminationColumns+" FROM intel_disseminations WHERE time >= ? ORDER BY time, id LIMIT ?",
			formatTime(since), reportLimit)
		if err != nil {
			return err
		}
		ds, err := scanDisseminations(rows)
		if err != nil {
			return err
		}
		rep.Disseminations = append(rep.Disseminations, ds...)
		purged, err := queryAll(ctx, t, scanTombstone, "SELECT "+tombstoneColumns+` FROM intel_tombstones
			WHERE purged_at >= ? ORDER BY purged_at, id LIMIT ?`, formatTime(since), reportLimit)
		if err != nil {
			return err
		}
		rep.Purged = append(rep.Purged, purged...)
		open, err := s.redressWhere(ctx, t, "state = 'open'")
		if err != nil {
			return err
		}
		rep.OpenRedress = append(rep.OpenRedress, open...)
		return nil
	})
	if err != nil {
		return PrivacyReport{}, fmt.Errorf("privacy report: %w", err)
	}
	return rep, nil
}

func refOf(r IntelRecord) IntelRef {
	return IntelRef{ID: r.ID, Dataset: r.Dataset, Originator: r.Originator, State: r.State, ValidatedAt: r.ValidatedAt, ReviewDue: r.ReviewDue}
}

func scanMerges(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}, out []Merge) ([]Merge, error) {
	defer rows.Close()
	for rows.Next() {
		var m Merge
		if err := rows.Scan(&m.EntityID, &m.CanonicalID, &m.Dataset); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) allIntel(ctx context.Context, t txn) ([]IntelRecord, error) {
	return queryAll(ctx, t, scanIntel, "SELECT "+intelColumns+" FROM intel_records ORDER BY id")
}

// Redress is a person's request to correct what Nexus holds about them,
// routed to the originating agency and answered there (R-PRIV-06).
type Redress struct {
	ID         string    `json:"id"`
	FiledAt    time.Time `json:"filed_at"`
	FiledBy    string    `json:"filed_by"`
	Requester  string    `json:"requester"`
	RecordID   string    `json:"record_id,omitempty"`
	Request    string    `json:"request"`
	RoutedTo   string    `json:"routed_to"`
	State      string    `json:"state"` // open, answered
	Answer     string    `json:"answer,omitempty"`
	Outcome    string    `json:"outcome,omitempty"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// Redress outcomes.
var RedressOutcomes = []string{"corrected", "no_change", "purged", "no_record"}

// FileRedress records a correction request taken by v on a person's
// behalf. It is routed to the originating agency of RecordID when v may
// see that record, else to RoutedTo, which must then be given — so filing
// does not reveal whether or where a record v cannot see exists.
func (s *Store) FileRedress(ctx context.Context, v access.Viewer, r Redress) (Redress, error) {
	var probs []string
	if strings.TrimSpace(r.Requester) == "" {
		probs = append(probs, "requester (the person asking) is required")
	}
	if strings.TrimSpace(r.Request) == "" {
		probs = append(probs, "request (what they ask to be corrected) is required")
	}
	if len(probs) > 0 {
		return Redress{}, nexus.Errorf(nexus.EINVALID, "redress: %s", strings.Join(probs, "; "))
	}
	r.ID, r.FiledBy, r.State = newID("rdr-"), v.UserID, "open"
	r.FiledAt = s.now().UTC().Truncate(time.Microsecond)
	r.Answer, r.Outcome, r.AnsweredBy, r.AnsweredAt = "", "", "", time.Time{}
	err := s.write(ctx, func(t txn) error {
		if r.RecordID != "" {
			if rec, err := s.loadIntel(ctx, t, v, r.RecordID, false); err == nil {
				r.RoutedTo = rec.Originator
			} else if nexus.ErrorCode(err) != nexus.ENOTFOUND {
				return err
			}
		}
		if r.RoutedTo == "" {
			return nexus.Errorf(nexus.EINVALID, "redress: routed_to (the agency to answer) is required when the record is not one you can see")
		}
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM agencies WHERE code = ?", r.RoutedTo).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return nexus.Errorf(nexus.EINVALID, "redress: routed_to %q is not a participating agency", r.RoutedTo)
		}
		_, err := t.exec(ctx, `INSERT INTO intel_redress (id, filed_at, filed_by, requester, record_id, request, routed_to, state)
			VALUES (?,?,?,?,?,?,?,?)`, r.ID, formatTime(r.FiledAt), r.FiledBy, r.Requester, r.RecordID, r.Request, r.RoutedTo, r.State)
		return err
	})
	if err != nil {
		return Redress{}, fmt.Errorf("file redress: %w", err)
	}
	return r, nil
}

// AnswerRedress records the routed agency's answer to a redress request.
// Only a member of that agency may answer; outcome is one of
// RedressOutcomes.
func (s *Store) AnswerRedress(ctx context.Context, v access.Viewer, id, answer, outcome string) (Redress, error) {
	if strings.TrimSpace(answer) == "" {
		return Redress{}, nexus.Errorf(nexus.EINVALID, "redress %s: answer is required", id)
	}
	if !slices.Contains(RedressOutcomes, outcome) {
		return Redress{}, nexus.Errorf(nexus.EINVALID, "redress %s: outcome %q is not one of %s", id, outcome, strings.Join(RedressOutcomes, ", "))
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var out Redress
	err := s.write(ctx, func(t txn) error {
		rs, err := s.redressWhere(ctx, t, "id = ?", id)
		if err != nil {
			return err
		}
		if len(rs) == 0 || (!v.System && v.Agency != rs[0].RoutedTo && rs[0].FiledBy != v.UserID) {
			return nexus.Errorf(nexus.ENOTFOUND, "redress %s not found", id)
		}
		r := rs[0]
		if !v.System && v.Agency != r.RoutedTo {
			return nexus.Errorf(nexus.EFORBIDDEN, "redress %s: only agency %s may answer it", id, r.RoutedTo)
		}
		if r.State != "open" {
			return nexus.Errorf(nexus.ECONFLICT, "redress %s is already %s", id, r.State)
		}
		r.State, r.Answer, r.Outcome, r.AnsweredBy, r.AnsweredAt = "answered", answer, outcome, v.UserID, now
		_, err = t.exec(ctx, "UPDATE intel_redress SET state = ?, answer = ?, outcome = ?, answered_by = ?, answered_at = ? WHERE id = ?",
			r.State, r.Answer, r.Outcome, r.AnsweredBy, formatTime(now), id)
		out = r
		return err
	})
	if err != nil {
		return Redress{}, fmt.Errorf("answer redress: %w", err)
	}
	return out, nil
}

// RedressRequests lists the redress requests v may see: those routed to
// its agency or filed by it; every one for oversight roles.
func (s *Store) RedressRequests(ctx context.Context, v access.Viewer) ([]Redress, error) {
	var out []Redress
	err := s.read(ctx, func(t txn) error {
		var err error
		if oversight(v) {
			out, err = s.redressWhere(ctx, t, "1 = 1")
		} else {
			out, err = s.redressWhere(ctx, t, "routed_to = ? OR filed_by = ?", v.Agency, v.UserID)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("redress requests: %w", err)
	}
	return out, nil
}

func (s *Store) redressWhere(ctx context.Context, t txn, where string, args ...any) ([]Redress, error) {
	rows, err := t.query(ctx, `SELECT id, filed_at, filed_by, requester, record_id, request, routed_to, state, answer, outcome,
		answered_by, answered_at FROM intel_redress WHERE `+where+" ORDER BY filed_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Redress{}
	for rows.Next() {
		var r Redress
		var filed, answered string
		if err := rows.Scan(&r.ID, &filed, &r.FiledBy, &r.Requester, &r.RecordID, &r.Request, &r.RoutedTo, &r.State, &r.Answer,
			&r.Outcome, &r.AnsweredBy, &answered); err != nil {
			return nil, err
		}
		if r.FiledAt, err = parseTime(filed); err != nil {
			return nil, err
		}
		if r.AnsweredAt, err = parseTime(answered); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
