package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

// seedIntel approves two records in dir's database six years ago (the
// store's clock is injected), so both are now past their review date, and
// releases one of them to agency b.
func seedIntel(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The accounts are made today (an account unused for 90 days is
	// disabled); the records were submitted six years ago.
	users, err := store.Open(ctx, filepath.Join(dir, "nexus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"a", "b"} {
		must(users.PutAgency(ctx, store.Agency{Code: a, Name: a}))
	}
	for _, u := range []store.User{
		{Name: "alice", Agency: "a", Roles: []string{access.RoleAnalyst}, CUI: true, Caveats: []string{"LES"}},
		{Name: "sam", Agency: "a", Roles: []string{access.RoleSupervisor}, CUI: true, Caveats: []string{"LES"}},
		{Name: "sue", Agency: "a", Roles: []string{access.RoleSupervisor}, CUI: true, Caveats: []string{"LES"}},
		{Name: "bob", Agency: "b", Roles: []string{access.RoleAnalyst}, CUI: true, Caveats: []string{"LES"}},
	} {
		must(users.PutUser(ctx, u))
	}
	must(users.Close())
	then := time.Now().AddDate(-6, 0, 0)
	st, err := store.Open(ctx, filepath.Join(dir, "nexus.db"), store.Options{Now: func() time.Time { return then }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	must(st.PutDataset(ctx, store.Dataset{Name: "a_ci", Class: store.ClassCriminalIntel, Owner: "a",
		DefaultMarking: access.Marking{Classification: access.CUI, Caveats: []string{"LES"}, Originator: "a"}}))
	alice := access.Viewer{UserID: "alice", Name: "alice", Agency: "a", CUI: true, Caveats: []string{"LES"}}
	trained := access.Viewer{UserID: "tess", Name: "tess", Agency: "a", CUI: true, Caveats: []string{"LES"}, Part23Trained: true}
	for _, id := range []string{"ci-1", "ci-2"} {
		subj := ftm.NewEntity("Person", id)
		subj.Add("name", seedNames[id])
		_, err := st.SubmitIntel(ctx, alice, intel.Submission{Dataset: "a_ci", Subject: subj,
			Predicate:   intel.Predicate{Narrative: "controlled buys", OffenceCodes: []string{"35A"}},
			Reliability: "B", Validity: "2", Pointer: intel.Pointer{Allowed: true, Contact: "A duty desk"}})
		must(err)
		_, err = st.ApproveIntel(ctx, trained, id)
		must(err)
	}
	_, err = st.Disseminate(ctx, alice, store.Dissemination{RecordID: "ci-1", RecipientAgency: "b", Reason: "joint case"})
	must(err)
}

var seedNames = map[string]string{"ci-1": "Hector Salas Ortega", "ci-2": "Ramona Quintero"}

func TestIntelCLIPurgeNeedsTwoPeople(t *testing.T) {
	dir := t.TempDir()
	seedIntel(t, dir)

	out, _ := nexusCmd(t, dir, false, "intel", "due")
	if !strings.Contains(out, "ci-1") || !strings.Contains(out, "ci-2") {
		t.Fatalf("due: %s", out)
	}
	// The scheduled job will not remove two records alone.
	nexusCmd(t, dir, true, "intel", "purge", "--bulk", "1")
	out, _ = nexusCmd(t, dir, false, "intel", "purge", "request", "--due", "--reason", "review date passed", "--as", "sam")
	m := regexp.MustCompile(`request (prg-[0-9a-f]+) of 2 records`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("purge request output: %s", out)
	}
	nexusCmd(t, dir, true, "intel", "purge", "approve", m[1], "--as", "sam")
	nexusCmd(t, dir, true, "intel", "purge", "approve", m[1], "--as", "alice")
	out, _ = nexusCmd(t, dir, false, "intel", "purge", "approve", m[1], "--as", "sue")
	if !strings.Contains(out, "purged 2 records (1 notices sent)") {
		t.Errorf("approve output: %s", out)
	}
	out, _ = nexusCmd(t, dir, false, "intel", "tombstones")
	if !strings.Contains(out, "ci-1") || !strings.Contains(out, "sue") || strings.Contains(out, "Salas") {
		t.Errorf("tombstones: %s", out)
	}
	out, _ = nexusCmd(t, dir, false, "intel", "notices", "--as", "bob")
	var n store.Notice
	if err := json.Unmarshal([]byte(out), &n); err != nil || n.RecordID != "ci-1" || n.Kind != store.NoticePurge {
		t.Errorf("bob's notices %q: %v", out, err)
	}
	out, _ = nexusCmd(t, dir, false, "audit", "report", "--sample", "3")
	var rep store.PrivacyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report %q: %v", out, err)
	}
	if len(rep.Purged) != 2 || len(rep.Disseminations) != 1 || len(rep.PastReview) != 0 {
		t.Errorf("report: purged %d disseminations %d past review %d", len(rep.Purged), len(rep.Disseminations), len(rep.PastReview))
	}
	nexusCmd(t, dir, true, "audit", "report", "--as", "alice")
	nexusCmd(t, dir, false, "audit", "verify")
}

func TestIntelCLISubmitErrorsAndSearch(t *testing.T) {
	dir := t.TempDir()
	seedIntel(t, dir)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"dataset\": \"a_ci\",\n  \"subject\": {\"id\": \"x\", \"schema\": \"Person\"},\n  oops\n}\n"), 0o600)
	_, errOut := nexusCmdErr(t, dir, "intel", "submit", bad, "--as", "alice")
	if !strings.Contains(errOut, "bad.json: line 4") {
		t.Errorf("syntax error: %s", errOut)
	}
	missing := filepath.Join(dir, "missing.json")
	os.WriteFile(missing, []byte(`{"dataset": "a_ci", "subject": {"id": "x", "schema": "Person", "properties": {"name": ["X"]}},
		"source_reliability": "B"}`), 0o600)
	_, errOut = nexusCmdErr(t, dir, "intel", "submit", missing, "--as", "alice")
	for _, f := range []string{"missing.json", "predicate.narrative", "predicate.offence_codes", "content_validity"} {
		if !strings.Contains(errOut, f) {
			t.Errorf("missing fields error does not name %s: %s", f, errOut)
		}
	}
	_, errOut = nexusCmdErr(t, dir, "intel", "search", "Hector Salas Ortega", "--as", "bob")
	if !strings.Contains(errOut, "need to know") {
		t.Errorf("search without purpose: %s", errOut)
	}
	out, _ := nexusCmd(t, dir, false, "intel", "search", "Hector Salas Ortega", "--as", "bob", "--purpose", "inv", "--case", "24-1")
	if !strings.Contains(out, "held by agency a; contact A duty desk") || strings.Contains(out, "ci-1") {
		t.Errorf("bob's search: %s", out)
	}
	// The search is audited with its purpose and case.
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "nexus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var last audit.Event
	st.EachAuditEvent(ctx, 0, func(e audit.Event) error { last = e; return nil })
	if last.Action != audit.ActionSearch || last.Actor != "bob" || last.Purpose != "inv" || last.CaseNumber != "24-1" {
		t.Errorf("audit of the search: %+v", last)
	}
}

// nexusCmdErr runs a command that must fail and returns its output and the
// error text as main would print it.
func nexusCmdErr(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	var out, errb strings.Builder
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	if err == nil {
		t.Fatalf("nexus %s: succeeded, want an error\nstdout: %s", strings.Join(args, " "), out.String())
	}
	return out.String(), errb.String() + err.Error()
}

// TestExampleSubmission keeps docs/examples/intel-submission.json a valid
// submission.
func TestExampleSubmission(t *testing.T) {
	var s intel.Submission
	if err := readJSONFile("../../docs/examples/intel-submission.json", &s); err != nil {
		t.Fatal(err)
	}
	s.Submitter, s.SubmitterAgency = "alice", "agency-a"
	if err := s.Validate(); err != nil {
		t.Errorf("example submission: %v", err)
	}
}

// startServe runs the built binary's serve with args on data directory dir,
// its output going to logs, and stops it with SIGTERM when the test ends.
func startServe(t *testing.T, dir string, logs *syncBuffer, args ...string) {
	t.Helper()
	srv := exec.Command(binPath, append([]string{"serve"}, args...)...)
	srv.Env = append(os.Environ(), "NEXUS_DATA_DIR="+dir, "NEXUS_DATABASE_URL=", "NEXUS_NATS_URL=")
	srv.Stdout, srv.Stderr = logs, logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- srv.Wait() }()
	t.Cleanup(func() {
		srv.Process.Signal(syscall.SIGTERM)
		select {
		case <-waited:
		case <-time.After(60 * time.Second):
			srv.Process.Kill()
			<-waited
		}
	})
}

// TestServeRunsScheduledPurge: `nexus serve` purges the records past their
// review date on its own, leaving tombstones and notices, and logs it.
func TestServeRunsScheduledPurge(t *testing.T) {
	t.Parallel()
	dir, addr := t.TempDir(), freeAddr(t)
	seedIntel(t, dir)
	var logs syncBuffer
	startServe(t, dir, &logs, "--addr", addr, "--no-starter", "--intel-purge-interval", "1h", "--intel-purge-bulk", "5")
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(logs.String(), "intel records purged"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled purge in the server log:\n%s", logs.String())
		}
	}
	out, _ := nexusBin(t, dir, false, "intel", "tombstones")
	if !strings.Contains(out, "ci-1") || !strings.Contains(out, "ci-2") || !strings.Contains(out, "scheduler") {
		t.Errorf("tombstones after the scheduled purge: %s", out)
	}
	out, _ = nexusBin(t, dir, false, "intel", "notices", "--agency", "b")
	if !strings.Contains(out, `"record_id":"ci-1"`) || !strings.Contains(out, `"kind":"purge"`) {
		t.Errorf("notices to b: %s", out)
	}
}

// TestPurgeReachesServerIndexes: a bulk purge approved on the command line
// while the server runs is published to the server's bus, and the screening
// index stops matching the purged record. Screening a name that can reach
// criminal intelligence needs a purpose and a case.
func TestPurgeReachesServerIndexes(t *testing.T) {
	t.Parallel()
	dir, addr := t.TempDir(), freeAddr(t)
	seedIntel(t, dir)
	var logs syncBuffer
	// Two records are due; a bulk limit of 1 leaves them to two people.
	startServe(t, dir, &logs, "--addr", addr, "--no-starter", "--intel-purge-bulk", "1")
	base := "http://" + addr
	waitReady(t, base, func() (bool, error) { return false, nil }, logs.String)
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), "needs two people"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the scheduled purge did not refuse the bulk purge:\n%s", logs.String())
		}
	}
	out, _ := nexusBin(t, dir, false, "user", "token", "alice")
	m := regexp.MustCompile(`nxs_[A-Za-z0-9_-]+`).FindString(out)
	if m == "" {
		t.Fatalf("token output: %s", out)
	}
	screen := func(header bool) (int, string) {
		body := strings.NewReader(`{"queries":[{"id":"q1","name":"Hector Salas Ortega"}]}`)
		req, _ := http.NewRequest("POST", base+"/api/v1/screen", body)
		req.Header.Set("Authorization", "Bearer "+m)
		req.Header.Set("Content-Type", "application/json")
		if header {
			req.Header.Set("X-Nexus-Purpose", "investigation")
			req.Header.Set("X-Nexus-Case", "24-117")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := screen(false); code != http.StatusForbidden || !strings.Contains(body, "need to know") {
		t.Errorf("screen without purpose and case: %d %s", code, body)
	}
	if code, body := screen(true); code != http.StatusOK || !strings.Contains(body, `"ci-1"`) {
		t.Fatalf("screen before the purge: %d %s", code, body)
	}
	out, _ = nexusBin(t, dir, false, "intel", "purge", "request", "--due", "--reason", "review date passed", "--as", "sam")
	req := regexp.MustCompile(`prg-[0-9a-f]+`).FindString(out)
	nexusBin(t, dir, false, "intel", "purge", "approve", req, "--as", "sue")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		code, body := screen(true)
		if code == http.StatusOK && !strings.Contains(body, `"ci-1"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("screening still matches the purged record: %d %s\n%s", code, body, logs.String())
		}
	}
}

// TestApprovalUsesAccountTraining: Part 23 training recorded on an account
// with `nexus user set --part23` is what lets its holder approve a
// submission on the command line; without it the approval is refused and
// the record stays pending.
func TestApprovalUsesAccountTraining(t *testing.T) {
	dir := t.TempDir()
	seedIntel(t, dir)
	sub := filepath.Join(dir, "sub.json")
	os.WriteFile(sub, []byte(`{"dataset": "a_ci",
		"subject": {"id": "ci-9", "schema": "Person", "properties": {"name": ["Ramon Quintero Vidal"]}},
		"predicate": {"narrative": "wire intercepts of fentanyl orders", "offence_codes": ["35A"]},
		"source_reliability": "B", "content_validity": "2"}`), 0o600)
	nexusCmd(t, dir, false, "intel", "submit", sub, "--as", "alice")
	_, errOut := nexusCmdErr(t, dir, "intel", "approve", "ci-9", "--as", "sam")
	if !strings.Contains(strings.ToLower(errOut), "training") {
		t.Errorf("untrained approver: %s", errOut)
	}
	nexusCmd(t, dir, false, "user", "set", "sam", "--part23")
	nexusCmd(t, dir, false, "intel", "approve", "ci-9", "--as", "sam")
	out, _ := nexusCmd(t, dir, false, "intel", "search", "Ramon Quintero Vidal", "--as", "alice", "--purpose", "inv", "--case", "24-9")
	if !strings.Contains(out, "ci-9") {
		t.Errorf("the approved record is not found by its agency: %s", out)
	}
}
