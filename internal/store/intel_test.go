package store_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

// Viewers of the Part 23 tests. Agency "a" originates intelligence; "b"
// and "c" receive it.
var (
	analystA = access.Viewer{UserID: "alice", Agency: "a", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleAnalyst}}
	superA   = access.Viewer{UserID: "sam", Agency: "a", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleSupervisor}, Part23Trained: true}
	super2A  = access.Viewer{UserID: "sue", Agency: "a", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleSupervisor}, Part23Trained: true}
	untrainA = access.Viewer{UserID: "ulf", Agency: "a", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleSupervisor}}
	privacyA = access.Viewer{UserID: "pia", Agency: "a", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RolePrivacyOfficer}}
	analystB = access.Viewer{UserID: "bob", Agency: "b", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleAnalyst}}
)

// intelStore opens a store on b with agencies a, b, c and the criminal
// intelligence dataset "a_ci" owned by a (CUI//LES, a only).
func intelStore(t *testing.T, b backend, clk *clock) *store.Store {
	t.Helper()
	s := b.open(t, store.Options{Now: clk.Now})
	for _, a := range []string{"a", "b", "c"} {
		if err := s.PutAgency(ctx, store.Agency{Code: a, Name: "Agency " + a}); err != nil {
			t.Fatal(err)
		}
	}
	err := s.PutDataset(ctx, store.Dataset{Name: "a_ci", Class: store.ClassCriminalIntel, Owner: "a",
		DefaultMarking: access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// submission returns a complete submission about subject id named name.
func submission(id, name string) intel.Submission {
	return intel.Submission{
		Dataset:     "a_ci",
		Subject:     person(id, name, "birthDate", "1980-02-03"),
		Predicate:   intel.Predicate{Narrative: "Controlled buys on 3 dates from the subject (case 24-117).", OffenceCodes: []string{"35A"}},
		Reliability: "B",
		Validity:    "2",
		Pointer:     intel.Pointer{Allowed: true, Contact: "A watch desk +1 555 0100"},
	}
}

// activeRecord submits as analystA and approves as superA.
func activeRecord(t *testing.T, s *store.Store, sub intel.Submission) store.IntelRecord {
	t.Helper()
	if _, err := s.SubmitIntel(ctx, analystA, sub); err != nil {
		t.Fatalf("submit %s: %v", sub.Subject.ID, err)
	}
	r, err := s.ApproveIntel(ctx, superA, sub.Subject.ID)
	if err != nil {
		t.Fatalf("approve %s: %v", sub.Subject.ID, err)
	}
	if r.State != intel.StateActive {
		t.Fatalf("approve %s: state %s, want active", sub.Subject.ID, r.State)
	}
	return r
}

func wantCode(t *testing.T, what string, err error, code string, msgParts ...string) {
	t.Helper()
	if nexus.ErrorCode(err) != code {
		t.Fatalf("%s: got error %v, want code %s", what, err, code)
	}
	for _, p := range msgParts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not mention %q", what, err, p)
		}
	}
}

func TestIntelSubmissionGate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)

		bare := intel.Submission{Dataset: "a_ci", Subject: person("ci-1", "Hector Salas")}
		_, err := s.SubmitIntel(ctx, analystA, bare)
		wantCode(t, "bare submission", err, nexus.EINVALID, "predicate.narrative", "predicate.offence_codes", "source_reliability", "content_validity")

		bad := submission("ci-1", "Hector Salas")
		bad.Reliability, bad.Validity = "E", "7"
		_, err = s.SubmitIntel(ctx, analystA, bad)
		wantCode(t, "bad ratings", err, nexus.EINVALID, `source_reliability "E"`, `content_validity "7"`)

		pub := submission("ci-1", "Hector Salas")
		pub.Dataset = "nope"
		_, err = s.SubmitIntel(ctx, analystA, pub)
		wantCode(t, "unknown dataset", err, nexus.ENOTFOUND, "dataset nope")

		if _, err := s.SubmitIntel(ctx, access.Viewer{Agency: "a"}, submission("ci-1", "Hector Salas")); nexus.ErrorCode(err) != nexus.EINVALID ||
			!strings.Contains(err.Error(), "submitter") {
			t.Fatalf("anonymous submitter: got %v, want EINVALID naming submitter", err)
		}

		rec, err := s.SubmitIntel(ctx, analystA, submission("ci-1", "Hector Salas"))
		if err != nil {
			t.Fatal(err)
		}
		if rec.State != intel.StatePending || rec.Submitter != "alice" || rec.Originator != "a" {
			t.Errorf("submitted: got state %s submitter %s originator %s", rec.State, rec.Submitter, rec.Originator)
		}
		// Pending content is not in the store: nobody finds it.
		if _, err := s.Entity(ctx, access.SystemViewer(), "ci-1"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("pending record readable as an entity: %v", err)
		}

		self := analystA
		self.Part23Trained = true
		_, err = s.ApproveIntel(ctx, self, "ci-1")
		wantCode(t, "self-approval", err, nexus.EFORBIDDEN, "different person")
		_, err = s.ApproveIntel(ctx, untrainA, "ci-1")
		wantCode(t, "untrained approver", err, nexus.EFORBIDDEN, "Part 23 training")
		_, err = s.ApproveIntel(ctx, analystB, "ci-1")
		wantCode(t, "approver who cannot see it", err, nexus.ENOTFOUND)

		t0 := clk.Now().UTC().Truncate(time.Microsecond)
		rec, err = s.ApproveIntel(ctx, superA, "ci-1")
		if err != nil {
			t.Fatal(err)
		}
		if rec.State != intel.StateActive || rec.Approver != "sam" || !rec.ValidatedAt.Equal(t0) || !rec.ReviewDue.Equal(t0.AddDate(5, 0, 0)) {
			t.Errorf("approved: got state %s approver %s validated %v due %v; want active, sam, %v, %v",
				rec.State, rec.Approver, rec.ValidatedAt, rec.ReviewDue, t0, t0.AddDate(5, 0, 0))
		}
		if rec.Entity != nil {
			t.Errorf("active record still carries its submitted body")
		}
		e, err := s.Entity(ctx, analystA, "ci-1")
		if err != nil || e.First("name") != "Hector Salas" {
			t.Fatalf("approved entity: %v, %v", e, err)
		}
		if _, err := s.Entity(ctx, analystB, "ci-1"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("other agency reads the record: %v", err)
		}
		_, err = s.ApproveIntel(ctx, super2A, "ci-1")
		wantCode(t, "second approval", err, nexus.ECONFLICT)
		_, err = s.SubmitIntel(ctx, analystA, submission("ci-1", "Hector Salas"))
		wantCode(t, "duplicate id", err, nexus.ECONFLICT)
		// A submission that fails half way stores nothing of itself.
		clash := submission("ci-9", "New Subject")
		clash.Identifying = []*ftm.Entity{person("ci-1", "Hector Salas")}
		_, err = s.SubmitIntel(ctx, analystA, clash)
		wantCode(t, "identifying record clashing with a stored one", err, nexus.ECONFLICT, "ci-1")
		if _, err := s.IntelRecordOf(ctx, sys, "ci-9"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("failed submission left its subject behind: %v", err)
		}
		if e, err := s.Entity(ctx, analystA, "ci-1"); err != nil || e.First("name") != "Hector Salas" {
			t.Errorf("failed submission disturbed the stored record: %v, %v", e, err)
		}

		// A dataset with a shorter retention rule shortens the clock; a
		// longer one never passes five years.
		for _, tc := range []struct{ retention, id string }{{"2y", "ci-2"}, {"9y", "ci-3"}} {
			if err := s.PutDataset(ctx, store.Dataset{Name: "a_ci", Class: store.ClassCriminalIntel, Owner: "a", Retention: tc.retention,
				DefaultMarking: access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "a"}}); err != nil {
				t.Fatal(err)
			}
			r := activeRecord(t, s, submission(tc.id, "Person "+tc.id))
			want := t0.AddDate(2, 0, 0)
			if tc.retention == "9y" {
				want = t0.AddDate(5, 0, 0)
			}
			if !r.ReviewDue.Equal(want) {
				t.Errorf("retention %s: review due %v, want %v", tc.retention, r.ReviewDue, want)
			}
		}
	})
}

func TestIntelFirstAmendmentGuard(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)

		// Declared by a flag, or carried by a structured field or topic.
		declared := submission("fa-1", "Omar Velez")
		declared.FirstAmendment.Categories = []string{intel.FAAssociation}
		field := submission("fa-2", "Rosa Pike")
		field.Subject.Add("religion", "Example faith")
		topic := submission("fa-3", "Ivan Dorn")
		topic.Subject.Add("topics", "pol.party")
		for _, sub := range []intel.Submission{declared, field, topic} {
			_, err := s.SubmitIntel(ctx, analystA, sub)
			wantCode(t, "first-amendment info without nexus "+sub.Subject.ID, err, nexus.EINVALID,
				"refused", "first_amendment.criminal_nexus", "first_amendment.justification")
		}
		noJust := field
		noJust.FirstAmendment.CriminalNexus = true
		_, err := s.SubmitIntel(ctx, analystA, noJust)
		wantCode(t, "nexus without justification", err, nexus.EINVALID, "first_amendment.justification")

		// A plain submission with no such information passes untouched.
		activeRecord(t, s, submission("plain", "Plain Subject"))

		ok := field
		ok.FirstAmendment = intel.FirstAmendment{CriminalNexus: true,
			Justification: "The subject launders proceeds through donations to the congregation he controls (case 24-117)."}
		rec, err := s.SubmitIntel(ctx, analystA, ok)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rec.FirstAmendment.Categories, []string{intel.FAReligious}) {
			t.Errorf("categories: got %v, want [religious] from the religion field", rec.FirstAmendment.Categories)
		}
		rec, err = s.ApproveIntel(ctx, superA, "fa-2")
		if err != nil {
			t.Fatal(err)
		}
		if rec.State != intel.StatePending {
			t.Fatalf("approved without privacy officer: state %s, want pending", rec.State)
		}
		if _, err := s.Entity(ctx, analystA, "fa-2"); nexus.ErrorCode(err) != nexus.ENOTFOUND {
			t.Errorf("record stored before the privacy officer approved: %v", err)
		}
		_, err = s.PrivacyApproveIntel(ctx, super2A, "fa-2")
		wantCode(t, "privacy approval by a supervisor", err, nexus.EFORBIDDEN, "not a privacy officer")
		rec, err = s.PrivacyApproveIntel(ctx, privacyA, "fa-2")
		if err != nil {
			t.Fatal(err)
		}
		if rec.State != intel.StateActive || rec.PrivacyApprover != "pia" {
			t.Errorf("after privacy approval: state %s privacy approver %q", rec.State, rec.PrivacyApprover)
		}
		if _, err := s.SubmitIntel(ctx, analystA, submission("plain-2", "Plain Two")); err != nil {
			t.Fatal(err)
		}
		_, err = s.PrivacyApproveIntel(ctx, privacyA, "plain-2")
		wantCode(t, "privacy approval of a plain record", err, nexus.EINVALID, "no First-Amendment information")

		// Identifying records may never carry such information.
		nci := submission("fa-4", "Lena Voss")
		rel := person("fa-4-wife", "Mara Voss", "political", "Example party")
		nci.Identifying = []*ftm.Entity{rel}
		_, err = s.SubmitIntel(ctx, analystA, nci)
		wantCode(t, "NCI with political views", err, nexus.EINVALID, "identifying[0]", "First-Amendment")
	})
}

// TestIntelPurgeAtFiveYears follows a record from approval through a
// re-validation to its purge when the second review date passes, with its
// identifying record, a content-free tombstone and purge notices to every
// recipient.
func TestIntelPurgeAtFiveYears(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		sub := submission("p-1", "Hector Salas")
		car := ftm.NewEntity("Vehicle", "p-1-car")
		car.Add("registrationNumber", "ABC-1234")
		sub.Identifying = []*ftm.Entity{car}
		activeRecord(t, s, sub)
		activeRecord(t, s, submission("p-2", "Other Subject"))

		car2, err := s.Entity(ctx, analystA, "p-1-car")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(car2.Get("notes"), intel.NCILabel) {
			t.Errorf("identifying record lacks its label: %v", car2.Get("notes"))
		}
		nciRec, err := s.IntelRecordOf(ctx, analystA, "p-1-car")
		if err != nil || nciRec.Label != intel.NCILabel || nciRec.Parent != "p-1" {
			t.Fatalf("identifying record metadata: %+v, %v", nciRec, err)
		}

		for _, d := range []store.Dissemination{
			{RecordID: "p-1", RecipientAgency: "b", RecipientPerson: "Det. Reyes", Reason: "joint case 24-117", Channel: "portal"},
			{RecordID: "p-1", RecipientAgency: "b", RecipientPerson: "Det. Reyes", Reason: "update", Channel: "phone"},
			{RecordID: "p-1", RecipientAgency: "c", Reason: "deconfliction of warrant service"},
		} {
			if _, err := s.Disseminate(ctx, analystA, d); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.Disseminate(ctx, analystA, store.Dissemination{RecordID: "p-1", RecipientAgency: "zz", Reason: "x"})
		wantCode(t, "release to a non-participant", err, nexus.EINVALID, "recipient_agency")
		_, err = s.Disseminate(ctx, analystA, store.Dissemination{RecordID: "p-1", RecipientAgency: "b"})
		wantCode(t, "release without reason", err, nexus.EINVALID, "reason")

		// Four years on, p-1 is re-validated; p-2 is not. Neither is due
		// yet, both are within the next 400 days.
		clk.Advance(4 * 365 * 24 * time.Hour)
		if due, err := s.DueIntel(ctx, 0); err != nil || len(due) != 0 {
			t.Errorf("due after four years: %d, %v", len(due), err)
		}
		if soon, err := s.DueIntel(ctx, 400*24*time.Hour); err != nil || len(soon) != 2 {
			t.Errorf("due within 400 days: %d, %v", len(soon), err)
		}
		_, err = s.RevalidateIntel(ctx, untrainA, "p-1", "subject still active")
		wantCode(t, "untrained reviewer", err, nexus.EFORBIDDEN)
		_, err = s.RevalidateIntel(ctx, superA, "p-1", "")
		wantCode(t, "review without explanation", err, nexus.EINVALID, "explanation")
		tv := clk.Now().UTC().Truncate(time.Microsecond)
		rec, err := s.RevalidateIntel(ctx, superA, "p-1", "active investigation 24-117")
		if err != nil {
			t.Fatal(err)
		}
		if !rec.ReviewDue.Equal(tv.AddDate(5, 0, 0)) {
			t.Errorf("after re-validation: due %v, want %v", rec.ReviewDue, tv.AddDate(5, 0, 0))
		}
		revs, err := s.IntelReviews(ctx, analystA, "p-1")
		if err != nil || len(revs) != 1 || revs[0].Reviewer != "sam" || revs[0].Decision != store.ReviewRetain {
			t.Errorf("reviews: %+v, %v", revs, err)
		}

		// Five years and a day after approval: p-2 goes, p-1 stays.
		clk.Advance(365*24*time.Hour + 48*time.Hour)
		res, err := s.PurgeDue(ctx, "scheduler", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Purged) != 1 || res.Purged[0].ID != "p-2" {
			t.Fatalf("first purge: got %+v, want p-2 only", res.Purged)
		}
		if _, err := s.Entity(ctx, access.SystemViewer(), "p-1"); err != nil {
			t.Errorf("re-validated record purged: %v", err)
		}

		// Five years after the re-validation p-1 goes too, with its car.
		clk.Advance(5 * 365 * 24 * time.Hour)
		tp := clk.Now().UTC().Truncate(time.Microsecond)
		res, err = s.PurgeDue(ctx, "scheduler", 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ts := range res.Purged {
			ids = append(ids, ts.ID)
		}
		if !slices.Equal(ids, []string{"p-1", "p-1-car"}) {
			t.Fatalf("second purge: got %v, want [p-1 p-1-car]", ids)
		}
		for _, id := range []string{"p-1", "p-1-car", "p-2"} {
			if _, err := s.Entity(ctx, access.SystemViewer(), id); nexus.ErrorCode(err) != nexus.ENOTFOUND {
				t.Errorf("%s still readable after purge: %v", id, err)
			}
			if _, err := s.IntelRecordOf(ctx, access.SystemViewer(), id); nexus.ErrorCode(err) != nexus.ENOTFOUND {
				t.Errorf("%s metadata still present after purge: %v", id, err)
			}
		}
		tombs, err := s.Tombstones(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(tombs) != 3 {
			t.Fatalf("tombstones: got %d, want 3", len(tombs))
		}
		p1 := tombs[1]
		if p1.ID != "p-1" || p1.Originator != "a" || !p1.PurgedAt.Equal(tp) || p1.Reason != store.PurgeReasonExpired {
			t.Errorf("tombstone: got %+v", p1)
		}
		body, _ := json.Marshal(tombs)
		for _, content := range []string{"Hector", "Salas", "ABC-1234", "Controlled buys", "35A"} {
			if strings.Contains(string(body), content) {
				t.Errorf("tombstones hold content %q: %s", content, body)
			}
		}

		// Notices: one per distinct recipient of p-1.
		nb, err := s.Notices(ctx, analystB, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(nb) != 1 || nb[0].RecordID != "p-1" || nb[0].Kind != store.NoticePurge || nb[0].RecipientPerson != "Det. Reyes" {
			t.Errorf("notices to b: %+v", nb)
		}
		nc, err := s.Notices(ctx, access.Viewer{UserID: "carl", Agency: "c"}, "c")
		if err != nil || len(nc) != 1 || nc[0].Kind != store.NoticePurge {
			t.Errorf("notices to c: %+v, %v", nc, err)
		}
		if _, err := s.Notices(ctx, analystB, "c"); nexus.ErrorCode(err) != nexus.EFORBIDDEN {
			t.Errorf("b lists c's notices: %v", err)
		}
		// The log of who received what outlives the record.
		ds, err := s.Disseminations(ctx, privacyA, "p-1", time.Time{})
		if err != nil || len(ds) != 3 {
			t.Errorf("dissemination log after purge: %d entries, %v", len(ds), err)
		}
		_, err = s.SubmitIntel(ctx, analystA, submission("p-1", "Hector Salas"))
		wantCode(t, "resubmit a purged id", err, nexus.ECONFLICT, "purged")
	})
}

func TestIntelBulkPurgeNeedsTwoPeople(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		for _, id := range []string{"bk-1", "bk-2", "bk-3"} {
			activeRecord(t, s, submission(id, "Name "+id))
		}
		if _, err := s.Disseminate(ctx, analystA, store.Dissemination{RecordID: "bk-2", RecipientAgency: "b", Reason: "task force"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(5*365*24*time.Hour + 72*time.Hour)

		// The scheduled purge will not remove three records alone.
		_, err := s.PurgeDue(ctx, "scheduler", 2)
		wantCode(t, "scheduled bulk purge", err, nexus.EFORBIDDEN, "3 records", "two people")
		due, err := s.DueIntel(ctx, 0)
		if err != nil || len(due) != 3 {
			t.Fatalf("due after refused purge: %d, %v", len(due), err)
		}

		_, err = s.RequestPurge(ctx, analystA, nil, true, "retention expired")
		wantCode(t, "request by an analyst", err, nexus.EFORBIDDEN)
		res, err := s.RequestPurge(ctx, superA, nil, true, "retention expired")
		if err != nil {
			t.Fatal(err)
		}
		if res.Request == nil || len(res.Purged) != 0 || !slices.Equal(res.Request.RecordIDs, []string{"bk-1", "bk-2", "bk-3"}) {
			t.Fatalf("bulk request: got %+v", res)
		}
		if _, err := s.Entity(ctx, analystA, "bk-1"); err != nil {
			t.Errorf("record purged before approval: %v", err)
		}
		// Another agency's supervisor, who may not see the records, learns
		// nothing of the request: the answer for an id that does not exist.
		superB := access.Viewer{UserID: "ben", Agency: "b", CUI: true, Caveats: []string{"LES"}, Roles: []string{access.RoleSupervisor}, Part23Trained: true}
		_, err = s.ApprovePurge(ctx, superB, res.Request.ID)
		wantCode(t, "approval by a supervisor who may not see the records", err, nexus.ENOTFOUND, "purge request "+res.Request.ID+" not found")
		_, err = s.ApprovePurge(ctx, superB, "prg-0000000000000000")
		wantCode(t, "approval of an unknown request", err, nexus.ENOTFOUND, "purge request prg-0000000000000000 not found")
		_, err = s.ApprovePurge(ctx, superA, res.Request.ID)
		wantCode(t, "approval by the requester", err, nexus.EFORBIDDEN, "two people")
		_, err = s.ApprovePurge(ctx, analystA, res.Request.ID)
		wantCode(t, "approval by an analyst", err, nexus.EFORBIDDEN)
		pending, err := s.PurgeRequests(ctx, true)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending requests: %v, %v", pending, err)
		}

		done, err := s.ApprovePurge(ctx, super2A, res.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(done.Purged) != 3 || done.Request.State != "executed" || done.Request.ApprovedBy != "sue" {
			t.Fatalf("approved purge: %+v", done)
		}
		for _, ts := range done.Purged {
			if ts.PurgedBy != "sam" || ts.ApprovedBy != "sue" {
				t.Errorf("tombstone %s: purged by %q approved by %q, want sam and sue", ts.ID, ts.PurgedBy, ts.ApprovedBy)
			}
		}
		if len(done.Notices) != 1 || done.Notices[0].RecipientAgency != "b" || done.Notices[0].RecordID != "bk-2" {
			t.Errorf("purge notices: %+v", done.Notices)
		}
		_, err = s.ApprovePurge(ctx, privacyA, res.Request.ID)
		wantCode(t, "approve twice", err, nexus.ECONFLICT)

		// One record is not a bulk purge: its requester purges it.
		activeRecord(t, s, submission("one", "Single Record"))
		one, err := s.RequestPurge(ctx, superA, []string{"one"}, false, "found to be misleading")
		if err != nil || one.Request != nil || len(one.Purged) != 1 {
			t.Fatalf("single purge: %+v, %v", one, err)
		}
	})
}

func TestIntelCorrectionNotices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		activeRecord(t, s, submission("c-1", "Hector Salas"))
		for _, rc := range []string{"b", "c", "b"} {
			if _, err := s.Disseminate(ctx, analystA, store.Dissemination{RecordID: "c-1", RecipientAgency: rc, Reason: "joint case"}); err != nil {
				t.Fatal(err)
			}
		}
		fixed := person("c-1", "Hector Salas Ortiz", "birthDate", "1980-03-02")
		shared := analystB
		shared.SharingGroups = []string{"hidta"}
		_, err := s.CorrectIntel(ctx, access.Viewer{UserID: "x", Agency: "b"}, fixed, "wrong DOB")
		wantCode(t, "correction by a non-originator who cannot see it", err, nexus.ENOTFOUND)
		_, err = s.CorrectIntel(ctx, analystA, fixed, "")
		wantCode(t, "correction without reason", err, nexus.EINVALID, "reason")

		notices, err := s.CorrectIntel(ctx, analystA, fixed, "date of birth was transposed")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range notices {
			got = append(got, n.RecipientAgency+":"+n.Kind)
		}
		if !slices.Equal(got, []string{"b:correction", "c:correction"}) {
			t.Errorf("correction notices: got %v", got)
		}
		e, err := s.Entity(ctx, analystA, "c-1")
		if err != nil || e.First("birthDate") != "1980-03-02" || len(e.Get("birthDate")) != 1 {
			t.Errorf("corrected entity: %v, %v", e, err)
		}
		nb, err := s.Notices(ctx, analystB, "b")
		if err != nil || len(nb) != 1 || nb[0].Reason != "date of birth was transposed" {
			t.Errorf("b's notices: %+v, %v", nb, err)
		}
	})
}

// TestChangeMarkingOriginatorOnly: a sharing partner who can see a record
// may raise its marking but not lower it; the originator may do both.
func TestChangeMarkingOriginatorOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		if err := s.PutDataset(ctx, store.Dataset{Name: "a_case", Class: store.ClassCase, Owner: "a"}); err != nil {
			t.Fatal(err)
		}
		orig := access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "a", SharingGroups: []string{"hidta"}}
		var stmts []store.Statement
		for _, st := range person("m-1", "Hector Salas", "alias", "El Gato").Statements("a_case", "t") {
			stmts = append(stmts, store.Statement{Statement: st, Marking: orig})
		}
		if err := s.PutStatements(ctx, stmts); err != nil {
			t.Fatal(err)
		}
		partner := access.Viewer{UserID: "bob", Agency: "b", CUI: true, Caveats: []string{"LES", "FOUO"}, SharingGroups: []string{"hidta"}}
		lowers := []access.Marking{
			{Classification: access.CUI, TLP: "AMBER", Originator: "a", SharingGroups: []string{"hidta"}},                                         // caveat dropped
			{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "GREEN", Originator: "a", SharingGroups: []string{"hidta"}},               // TLP down
			{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "a", SharingGroups: []string{"hidta", "nation"}},     // group added
			{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "b", SharingGroups: []string{"hidta"}},               // originator changed
			{Classification: access.CUI, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "a", SharingGroups: []string{"hidta"}, Public: true}, // made public
			{Classification: access.Unclassified, Caveats: []string{"LES"}, TLP: "AMBER", Originator: "a", SharingGroups: []string{"hidta"}},      // U
		}
		for i, m := range lowers {
			_, err := s.ChangeMarking(ctx, partner, "a_case", "m-1", m)
			wantCode(t, "partner lowers "+m.Key(), err, nexus.EFORBIDDEN, "originating agency")
			if !intel.Lowers(orig, m) {
				t.Errorf("lowers[%d] %s: intel.Lowers says no", i, m.Key())
			}
		}
		st, err := s.EntityStatements(ctx, sys, "m-1")
		if err != nil || st[0].Marking.Key() != orig.Normalize().Key() {
			t.Fatalf("marking changed by a refused call: %v, %v", st[0].Marking.Key(), err)
		}
		_, err = s.ChangeMarking(ctx, access.Viewer{UserID: "eve", Agency: "c"}, "a_case", "m-1", orig)
		wantCode(t, "outsider", err, nexus.ENOTFOUND)

		raised := orig
		raised.Caveats = []string{"LES", "FOUO"}
		raised.TLP = "RED"
		n, err := s.ChangeMarking(ctx, partner, "a_case", "m-1", raised)
		if err != nil || n != 3 {
			t.Fatalf("partner raises: %d, %v", n, err)
		}
		originator := access.Viewer{UserID: "alice", Agency: "a", CUI: true, Caveats: []string{"LES", "FOUO"}}
		if _, err := s.ChangeMarking(ctx, originator, "a_case", "m-1", access.PublicMarking()); err != nil {
			t.Fatalf("originator lowers to public: %v", err)
		}
		if _, err := s.Entity(ctx, access.Viewer{}, "m-1"); err != nil {
			t.Errorf("after the originator's release the public cannot read it: %v", err)
		}
	})
}

// TestIntelPointersDoNotLeak: a viewer who cannot read a matching record
// gets "agency X holds a record; contact Y" when the originator allows it,
// and nothing more: no id, content, count or score.
func TestIntelPointersDoNotLeak(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		one := submission("pt-1", "Hector Salas")
		one.Subject.Add("passportNumber", "X1234567")
		wife := person("pt-1-wife", "Mara Salas")
		wife.Target = false
		one.Identifying = []*ftm.Entity{wife}
		activeRecord(t, s, one)
		activeRecord(t, s, submission("pt-2", "Hector Salas")) // a second record, same agency and name
		quiet := submission("pt-3", "Ramon Quiet")
		quiet.Pointer = intel.Pointer{}
		activeRecord(t, s, quiet)

		res, err := s.SearchIntel(ctx, analystB, "hector SALAS")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Results) != 0 || len(res.Pointers) != 1 {
			t.Fatalf("b's search: got %+v, want one pointer and no results", res)
		}
		p := res.Pointers[0]
		if p.Agency != "a" || p.Contact != "A watch desk +1 555 0100" || !strings.Contains(p.Message, "held by agency a") {
			t.Errorf("pointer: %+v", p)
		}
		body, _ := json.Marshal(res)
		for _, leak := range []string{"pt-1", "pt-2", "Hector", "Salas", "X1234567", "1980", "35A", "Controlled", `"2"`, "score", "count"} {
			if strings.Contains(string(body), leak) {
				t.Errorf("pointer answer leaks %q: %s", leak, body)
			}
		}
		if res, _ := s.SearchIntel(ctx, analystB, "x1234567"); len(res.Pointers) != 1 || len(res.Results) != 0 {
			t.Errorf("identifier search: %+v", res)
		}
		if res, _ := s.SearchIntel(ctx, analystB, "Ramon Quiet"); len(res.Pointers)+len(res.Results) != 0 {
			t.Errorf("record without pointer permission shows: %+v", res)
		}
		if res, _ := s.SearchIntel(ctx, analystB, "Nobody Here"); len(res.Pointers)+len(res.Results) != 0 {
			t.Errorf("no match shows: %+v", res)
		}
		// The originator reads both records; a match on the identifying
		// record leads to its subject, not to the wife.
		res, err = s.SearchIntel(ctx, analystA, "Hector Salas")
		if err != nil || len(res.Results) != 2 || len(res.Pointers) != 0 {
			t.Fatalf("a's search: %+v, %v", res, err)
		}
		res, err = s.SearchIntel(ctx, analystA, "Mara Salas")
		if err != nil || len(res.Results) != 1 || res.Results[0].ID != "pt-1" {
			t.Errorf("identifying-record search: got %+v, want subject pt-1", res)
		}
		if res, _ := s.SearchIntel(ctx, analystB, "Mara Salas"); len(res.Results) != 0 || len(res.Pointers) != 1 {
			t.Errorf("b's identifying-record search: %+v", res)
		}
	})
}

func TestTouchesCriminalIntel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		putPublic(t, s, "ofac")
		mustImport(t, s, "ofac", source(person("o-1", "Public Person")))
		for _, v := range []access.Viewer{analystA, analystB} {
			if got, err := s.TouchesCriminalIntel(ctx, v, ""); err != nil || got {
				t.Errorf("%s before any intel: %v, %v", v.UserID, got, err)
			}
		}
		activeRecord(t, s, submission("t-1", "Hector Salas"))
		for _, tc := range []struct {
			v       access.Viewer
			dataset string
			want    bool
		}{{analystA, "", true}, {analystA, "a_ci", true}, {analystA, "ofac", false}, {analystB, "", false}} {
			if got, err := s.TouchesCriminalIntel(ctx, tc.v, tc.dataset); err != nil || got != tc.want {
				t.Errorf("%s dataset %q: got %v (%v), want %v", tc.v.UserID, tc.dataset, got, err, tc.want)
			}
		}
	})
}

func TestPrivacyReportAndRedress(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		clk := newClock()
		s := intelStore(t, b, clk)
		start := clk.Now()
		for _, id := range []string{"r-1", "r-2", "r-3", "r-4"} {
			activeRecord(t, s, submission(id, "Name "+id))
		}
		fa := submission("r-fa", "Rosa Pike")
		fa.Subject.Add("religion", "Example faith")
		fa.FirstAmendment = intel.FirstAmendment{CriminalNexus: true, Justification: "donations launder proceeds"}
		if _, err := s.SubmitIntel(ctx, analystA, fa); err != nil {
			t.Fatal(err)
		}
		// Loaded around the gate: an import straight into the dataset.
		mustImport(t, s, "a_ci", source(person("legacy-1", "Legacy Subject")))
		if _, err := s.Disseminate(ctx, analystA, store.Dissemination{RecordID: "r-1", RecipientAgency: "b", Reason: "case"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(5*365*24*time.Hour + 48*time.Hour)
		if _, err := s.RevalidateIntel(ctx, superA, "r-2", "still active"); err != nil {
			t.Fatal(err)
		}

		_, err := s.PrivacyReportFor(ctx, analystA, start, 2, 1)
		wantCode(t, "report for an analyst", err, nexus.EFORBIDDEN)
		rep, err := s.PrivacyReportFor(ctx, privacyA, start, 2, 7)
		if err != nil {
			t.Fatal(err)
		}
		var past []string
		for _, r := range rep.PastReview {
			past = append(past, r.ID)
		}
		if !slices.Equal(past, []string{"r-1", "r-3", "r-4"}) {
			t.Errorf("past review: got %v", past)
		}
		if len(rep.LackingPredicate) != 1 || rep.LackingPredicate[0].EntityID != "legacy-1" {
			t.Errorf("lacking predicate: %+v", rep.LackingPredicate)
		}
		if len(rep.FirstAmendment) != 1 || rep.FirstAmendment[0].ID != "r-fa" || rep.FirstAmendment[0].Justification == "" {
			t.Errorf("first amendment: %+v", rep.FirstAmendment)
		}
		if len(rep.Disseminations) != 1 || rep.Disseminations[0].RecipientAgency != "b" {
			t.Errorf("disseminations: %+v", rep.Disseminations)
		}
		if len(rep.Sample) != 2 {
			t.Errorf("sample: got %d, want 2", len(rep.Sample))
		}
		again, _ := s.PrivacyReportFor(ctx, privacyA, start, 2, 7)
		if !slices.Equal(ids(again.Sample), ids(rep.Sample)) {
			t.Errorf("same seed, different sample: %v vs %v", ids(again.Sample), ids(rep.Sample))
		}

		// Redress: taken at agency b about a record b cannot see, so b
		// names where to route it; a answers.
		_, err = s.FileRedress(ctx, analystB, store.Redress{Requester: "Jose Salas", RecordID: "r-1", Request: "I am not the person in your file"})
		wantCode(t, "redress about a hidden record without routing", err, nexus.EINVALID, "routed_to")
		rd, err := s.FileRedress(ctx, analystB, store.Redress{Requester: "Jose Salas", RecordID: "r-1", RoutedTo: "a",
			Request: "I am not the person in your file"})
		if err != nil {
			t.Fatal(err)
		}
		own, err := s.FileRedress(ctx, analystA, store.Redress{Requester: "Ana Ruiz", RecordID: "r-3", Request: "wrong address"})
		if err != nil || own.RoutedTo != "a" {
			t.Fatalf("redress on a visible record: %+v, %v", own, err)
		}
		_, err = s.AnswerRedress(ctx, analystB, rd.ID, "done", "corrected")
		wantCode(t, "answer by the filing agency", err, nexus.EFORBIDDEN)
		_, err = s.AnswerRedress(ctx, analystA, rd.ID, "checked", "maybe")
		wantCode(t, "bad outcome", err, nexus.EINVALID, "outcome")
		ans, err := s.AnswerRedress(ctx, analystA, rd.ID, "identity resolved: different date of birth; no change", "no_change")
		if err != nil || ans.State != "answered" || ans.AnsweredBy != "alice" {
			t.Fatalf("answer: %+v, %v", ans, err)
		}
		rep, err = s.PrivacyReportFor(ctx, privacyA, start, 0, 1)
		if err != nil || len(rep.OpenRedress) != 1 || rep.OpenRedress[0].ID != own.ID {
			t.Errorf("open redress: %+v, %v", rep.OpenRedress, err)
		}
		list, err := s.RedressRequests(ctx, analystB)
		if err != nil || len(list) != 1 || list[0].ID != rd.ID {
			t.Errorf("b's redress list: %+v, %v", list, err)
		}
	})
}

func ids(rs []store.IntelRef) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
