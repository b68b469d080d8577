package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/store"
)

// nexusIn runs the program in process with stdin.
func nexusIn(t *testing.T, dir, stdin string, wantErr bool, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "NEXUS_DATA_DIR" {
			return dir
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	if (err != nil) != wantErr {
		t.Fatalf("nexus %s: err = %v, want error %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, wantErr, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func TestUserAccountCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nexusCmd(t, dir, false, "user", "agency", "add", "a", "Agency A")
	nexusCmd(t, dir, false, "user", "add", "alice", "--agency", "a", "--roles", "analyst", "--cui", "--caveats", "LES")
	nexusCmd(t, dir, true, "user", "add", "eve", "--agency", "a", "--roles", "analist")
	nexusIn(t, dir, "short\n", true, "user", "password", "alice")
	nexusIn(t, dir, "a perfectly long passphrase\n", false, "user", "password", "alice")
	out, _ := nexusCmd(t, dir, false, "user", "totp", "alice")
	var secret string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "secret "); ok {
			secret = strings.TrimSpace(s)
		}
	}
	if secret == "" || !strings.Contains(out, "otpauth://totp/Nexus:alice?") {
		t.Fatalf("user totp: got %q, want a secret and an otpauth URI", out)
	}
	nexusCmd(t, dir, false, "user", "set", "alice", "--part23", "--groups", "hidta-sw")
	nexusCmd(t, dir, true, "user", "set", "alice")

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "nexus.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := auth.DecodeSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	tp := auth.TOTP{Secret: sec}
	u, err := st.Login(ctx, "alice", "a perfectly long passphrase", tp.Code(nowUTC()))
	if err != nil {
		t.Fatalf("logon with the CLI-set password and TOTP: %v", err)
	}
	if !u.Part23Trained || len(u.SharingGroups) != 1 || !u.CUI || len(u.Caveats) != 1 {
		t.Errorf("user set kept or changed the wrong things: %+v", u)
	}
	for i := 0; i < 5; i++ {
		st.Login(ctx, "alice", "wrong wrong wrong", "000000")
	}
	if u, _ := st.GetUser(ctx, "alice"); !u.Locked {
		t.Fatalf("not locked after five failures")
	}
	st.Close()
	out, _ = nexusCmd(t, dir, false, "user", "list")
	if !strings.Contains(out, "LOCKED") || !strings.Contains(out, "true") {
		t.Errorf("user list: %s", out)
	}
	nexusCmd(t, dir, false, "user", "unlock", "alice")
	out, _ = nexusCmd(t, dir, false, "user", "tokens", "alice")
	_ = out
	tokOut, _ := nexusCmd(t, dir, false, "user", "token", "alice", "--scopes", "screen,read", "--expires", "1d")
	if !strings.HasPrefix(tokOut, "nxs_") {
		t.Errorf("user token: got %q", tokOut)
	}
	nexusCmd(t, dir, true, "user", "token", "alice", "--scopes", "everything")

	st, err = store.Open(ctx, filepath.Join(dir, "nexus.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, _ := st.GetUser(ctx, "alice"); u.Locked {
		t.Errorf("still locked after user unlock")
	}
	_, tk, err := st.AuthenticateToken(ctx, strings.TrimSpace(tokOut))
	if err != nil || strings.Join(tk.Scopes, ",") != "read,screen" || tk.ExpiresAt == nil {
		t.Errorf("CLI token: got %+v %v, want scopes read,screen and an expiry", tk, err)
	}
	// Every change to the account is audited as a permission change.
	var changes []string
	st.EachAuditEvent(ctx, 0, func(e audit.Event) error {
		if e.Action == audit.ActionPermission {
			changes = append(changes, strings.Fields(e.Object)[1]+":"+e.Outcome)
		}
		return nil
	})
	want := "add:success add:failure password:failure password:success totp:success set:success set:failure unlock:success token:success token:failure"
	if got := strings.Join(changes, " "); got != want {
		t.Errorf("permission changes audited:\n got %s\nwant %s", got, want)
	}
}

// rechain rewrites every event from the first changed one on, as an
// attacker with database access would, so the plain chain check passes.
func rechain(evs []audit.Event) []audit.Event {
	var prev *audit.Event
	out := make([]audit.Event, len(evs))
	for i, e := range evs {
		out[i] = audit.Chain(prev, e)
		prev = &out[i]
	}
	return out
}

func TestAuditCheckpointDetectsRewrittenLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nexusCmd(t, dir, false, "user", "agency", "add", "a", "Agency A")
	nexusCmd(t, dir, false, "user", "add", "alice", "--agency", "a", "--roles", "analyst")
	nexusCmd(t, dir, false, "user", "add", "audrey", "--agency", "a", "--roles", "auditor")
	nexusCmd(t, dir, false, "user", "list")

	key := filepath.Join(dir, "keys", "audit.key")
	cpFile := filepath.Join(dir, "checkpoint.json")
	nexusCmd(t, dir, false, "audit", "checkpoint", "--signing-key", key, "--out", cpFile)
	if _, err := os.Stat(key + ".pub"); err != nil {
		t.Fatalf("public key not written: %v", err)
	}
	out, _ := nexusCmd(t, dir, false, "audit", "verify", "--checkpoint", cpFile, "--public-key", key+".pub")
	if !strings.Contains(out, "intact") || !strings.Contains(out, "matches") {
		t.Fatalf("verify with checkpoint before tampering: %q", out)
	}

	// Export as a user needs the auditor role.
	nexusCmd(t, dir, true, "audit", "export", "--as", "alice")
	shipped, _ := nexusCmd(t, dir, false, "audit", "export", "--as", "audrey")
	logFile := filepath.Join(dir, "shipped.jsonl")
	os.WriteFile(logFile, []byte(shipped), 0o600)
	out, _ = nexusCmd(t, dir, false, "audit", "verify", "--log", logFile, "--checkpoint", cpFile, "--public-key", key+".pub")
	if !strings.Contains(out, "audit copy intact") || !strings.Contains(out, "matches") {
		t.Fatalf("verify the shipped copy: %q", out)
	}
	// A wrong key fails the signature.
	otherPriv, otherPub, _ := audit.NewSigningKey()
	_ = otherPriv
	os.WriteFile(filepath.Join(dir, "other.pub"), otherPub, 0o600)
	nexusCmd(t, dir, true, "audit", "verify", "--checkpoint", cpFile, "--public-key", filepath.Join(dir, "other.pub"))

	// Tamper with event 2 in the shipped copy and recompute the chain.
	var evs []audit.Event
	for _, l := range strings.Split(strings.TrimSpace(shipped), "\n") {
		var e audit.Event
		json.Unmarshal([]byte(l), &e)
		evs = append(evs, e)
	}
	evs[1].Actor = "mallory"
	var buf bytes.Buffer
	for _, e := range rechain(evs) {
		json.NewEncoder(&buf).Encode(e)
	}
	forged := filepath.Join(dir, "forged.jsonl")
	os.WriteFile(forged, buf.Bytes(), 0o600)
	out, _ = nexusCmd(t, dir, false, "audit", "verify", "--log", forged)
	if !strings.Contains(out, "intact") {
		t.Fatalf("a fully rechained copy should pass the bare chain check (that is why checkpoints exist): %q", out)
	}
	out, _ = nexusCmd(t, dir, true, "audit", "verify", "--log", forged, "--checkpoint", cpFile, "--public-key", key+".pub")
	if !strings.Contains(out, "signed checkpoint") {
		t.Errorf("checkpoint verify of the rewritten copy: got %q, want a checkpoint mismatch", out)
	}

	// The same rewrite in the database itself.
	db, err := sql.Open("sqlite", filepath.Join(dir, "nexus.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var all []audit.Event
	rows, err := db.Query(`SELECT seq, time, actor, agency, action, object, purpose, case_number, outcome, source_addr, detail FROM audit_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e audit.Event
		var tm string
		rows.Scan(&e.Seq, &tm, &e.Actor, &e.Agency, &e.Action, &e.Object, &e.Purpose, &e.CaseNumber, &e.Outcome, &e.SourceAddr, &e.Detail)
		e.Time, _ = timeParse(tm)
		all = append(all, e)
	}
	rows.Close()
	all[1].Actor = "mallory"
	for _, e := range rechain(all) {
		if _, err := db.Exec(`UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Actor, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE audit_head SET hash = ? WHERE seq = ?`, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	out, _ = nexusCmd(t, dir, false, "audit", "verify")
	if !strings.Contains(out, "intact") {
		t.Fatalf("rechained database: bare verify got %q, want intact (the attack the checkpoint catches)", out)
	}
	out, _ = nexusCmd(t, dir, true, "audit", "verify", "--checkpoint", cpFile, "--public-key", key+".pub")
	if !strings.Contains(out, "BROKEN") || !strings.Contains(out, "signed checkpoint") {
		t.Errorf("checkpoint verify after tampering: got %q, want BROKEN naming the checkpoint", out)
	}
}

func nowUTC() time.Time { return time.Now().UTC() }

func timeParse(s string) (time.Time, error) { return time.Parse(audit.TimeLayout, s) }
