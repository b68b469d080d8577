package intel

import (
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/puretest"
)

func subject() *ftm.Entity {
	e := ftm.NewEntity("Person", "s-1")
	e.Add("name", "Hector Salas")
	return e
}

func complete() Submission {
	return Submission{Dataset: "ci", Subject: subject(), Submitter: "alice", SubmitterAgency: "a",
		Predicate:   Predicate{Narrative: "controlled buys", OffenceCodes: []string{"35A"}},
		Reliability: "a", Validity: "1"}
}

func TestValidateNamesEveryMissingField(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Submission)
		wants []string // "" = valid
	}{
		{"complete", func(*Submission) {}, nil},
		{"no predicate", func(s *Submission) { s.Predicate = Predicate{} }, []string{"predicate.narrative", "predicate.offence_codes"}},
		{"blank offence codes", func(s *Submission) { s.Predicate.OffenceCodes = []string{" "} }, []string{"predicate.offence_codes"}},
		{"no submitter", func(s *Submission) { s.Submitter = "" }, []string{"submitter"}},
		{"no ratings", func(s *Submission) { s.Reliability, s.Validity = "", "" }, []string{"source_reliability is required", "content_validity is required"}},
		{"ratings off the grid", func(s *Submission) { s.Reliability, s.Validity = "F", "6" }, []string{`"F"`, `"6"`}},
		{"no subject", func(s *Submission) { s.Subject = nil }, []string{"subject"}},
		{"bad property", func(s *Submission) { s.Subject.Add("birthDate", "yesterday") }, []string{"subject:"}},
		{"pointer without contact", func(s *Submission) { s.Pointer.Allowed = true }, []string{"pointer.contact"}},
		{"unknown FA category", func(s *Submission) { s.FirstAmendment.Categories = []string{"sports"} }, []string{`"sports"`}},
		{"FA without nexus", func(s *Submission) { s.FirstAmendment.Categories = []string{FASocial} }, []string{"refused", "criminal_nexus", "justification"}},
		{"FA field without nexus", func(s *Submission) { s.Subject.Add("political", "party") }, []string{"refused", "political"}},
		{"FA with nexus and justification", func(s *Submission) {
			s.Subject.Add("topics", "rel")
			s.FirstAmendment = FirstAmendment{CriminalNexus: true, Justification: "the temple account launders proceeds"}
		}, nil},
		{"duplicate identifying id", func(s *Submission) {
			s.Identifying = []*ftm.Entity{ftm.NewEntity("Person", "s-1")}
		}, []string{"identifying[0]", "used twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := complete()
			tt.edit(&s)
			err := s.Validate()
			if tt.wants == nil {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if nexus.ErrorCode(err) != nexus.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestApprovers(t *testing.T) {
	trained := access.Viewer{UserID: "sam", Part23Trained: true}
	if err := CheckApprover("alice", trained); err != nil {
		t.Errorf("trained other person: %v", err)
	}
	for _, v := range []access.Viewer{{}, {UserID: "alice", Part23Trained: true}, {UserID: "sam"}} {
		if nexus.ErrorCode(CheckApprover("alice", v)) != nexus.EFORBIDDEN {
			t.Errorf("approver %+v allowed", v)
		}
	}
	po := access.Viewer{UserID: "pia", Roles: []string{access.RolePrivacyOfficer}}
	if CheckPrivacyApprover("alice", po) != nil || CheckPrivacyApprover("pia", po) == nil || CheckPrivacyApprover("alice", trained) == nil {
		t.Errorf("privacy approver rules wrong")
	}
	sup := access.Viewer{UserID: "sue", Roles: []string{access.RoleSupervisor}}
	if CheckPurgeApprover("sam", sup) != nil || CheckPurgeApprover("sue", sup) == nil ||
		CheckPurgeApprover("sam", access.Viewer{UserID: "al", Roles: []string{access.RoleAnalyst}}) == nil ||
		CheckPurgeApprover("sam", access.SystemViewer()) == nil {
		t.Errorf("purge approver rules wrong")
	}
}

func TestReviewDue(t *testing.T) {
	v := time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		retention string
		want      time.Time
	}{
		{"", v.AddDate(5, 0, 0)},
		{"5y", v.AddDate(5, 0, 0)},
		{"7y", v.AddDate(5, 0, 0)},
		{"2y", v.AddDate(2, 0, 0)},
		{"18m", v.AddDate(0, 18, 0)},
		{"90d", v.AddDate(0, 0, 90)},
	} {
		got, err := ReviewDue(v, tc.retention)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ReviewDue(%q): got %v, %v; want %v", tc.retention, got, err, tc.want)
		}
	}
	for _, bad := range []string{"5", "y", "-1y", "3w", "xy"} {
		if _, err := ReviewDue(v, bad); nexus.ErrorCode(err) != nexus.EINVALID {
			t.Errorf("ReviewDue(%q): got %v, want EINVALID", bad, err)
		}
	}
}

func TestLowers(t *testing.T) {
	base := access.Marking{Classification: "CUI", Caveats: []string{"LES"}, TLP: "AMBER", Originator: "a", SharingGroups: []string{"g1"}}
	with := func(f func(*access.Marking)) access.Marking {
		m := base
		m.Caveats = append([]string(nil), base.Caveats...)
		m.SharingGroups = append([]string(nil), base.SharingGroups...)
		f(&m)
		return m
	}
	tests := []struct {
		name string
		to   access.Marking
		want bool
	}{
		{"same", base, false},
		{"caveat added", with(func(m *access.Marking) { m.Caveats = append(m.Caveats, "FOUO") }), false},
		{"TLP raised", with(func(m *access.Marking) { m.TLP = "RED" }), false},
		{"group removed", with(func(m *access.Marking) { m.SharingGroups = nil }), false},
		{"caveat removed", with(func(m *access.Marking) { m.Caveats = nil }), true},
		{"TLP lowered", with(func(m *access.Marking) { m.TLP = "clear" }), true},
		{"TLP dropped", with(func(m *access.Marking) { m.TLP = "" }), true},
		{"declassified to U", with(func(m *access.Marking) { m.Classification = "U" }), true},
		{"made public", with(func(m *access.Marking) { m.Public = true }), true},
		{"group added", with(func(m *access.Marking) { m.SharingGroups = append(m.SharingGroups, "g2") }), true},
		{"compartment added", with(func(m *access.Marking) { m.Compartments = []string{"op"} }), true},
		{"originator changed", with(func(m *access.Marking) { m.Originator = "b" }), true},
	}
	for _, tt := range tests {
		if got := Lowers(base, tt.to); got != tt.want {
			t.Errorf("%s: Lowers(%s, %s) = %v, want %v", tt.name, base.Key(), tt.to.Key(), got, tt.want)
		}
	}
	if Lowers(access.PublicMarking(), base) {
		t.Errorf("restricting a public statement counted as lowering")
	}
}

// TestPure keeps the Part 23 rules free of I/O.
func TestPure(t *testing.T) {
	puretest.CheckImports(t, "intel", "github.com/nexus-intel/nexus/internal/store")
}
