package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/store"
)

const auditUsage = `usage:
  nexus audit verify [--checkpoint FILE --public-key KEY] [--log EXPORT.jsonl]
  nexus audit export [--as AUDITOR] [--after SEQ]
  nexus audit checkpoint [--signing-key KEY] [--out FILE]
  nexus audit report [--since DATE] [--sample N]`

func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return cmdAuditReport(ctx, e, args[1:]) // intel.go
	}
	if len(args) == 0 {
		return fmt.Errorf("%s", auditUsage)
	}
	fs := e.flags("audit " + args[0])
	var (
		after      = fs.Int64("after", 0, "export: only events after this sequence number")
		as         = fs.String("as", "", "export: the Nexus user (an auditor) reading the log")
		checkpoint = fs.String("checkpoint", "", "verify: a signed checkpoint file the log must still match")
		publicKey  = fs.String("public-key", "", "verify: the PEM ed25519 public key the checkpoint was signed with")
		logFile    = fs.String("log", "", "verify: a shipped copy of the log (JSON lines from audit export) instead of the database")
		signingKey = fs.String("signing-key", "", "checkpoint: PEM ed25519 private key; created with KEY.pub beside it when absent (default <data-dir>/audit-signing.key)")
		outFile    = fs.String("out", "", "checkpoint: write the checkpoint here instead of stdout")
	)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "verify":
		var cp *audit.Checkpoint
		if *checkpoint != "" || *publicKey != "" {
			c, err := loadCheckpoint(*checkpoint, *publicKey)
			if err != nil {
				return err
			}
			cp = &c
		}
		if *logFile != "" {
			return verifyShipped(e, *logFile, cp)
		}
		return verifyStore(ctx, e, cp)
	case "export":
		return exportAudit(ctx, e, *as, *after)
	case "checkpoint":
		return writeCheckpoint(ctx, e, *signingKey, *outFile)
	}
	return fmt.Errorf("unknown audit command %q\n%s", args[0], auditUsage)
}

// loadCheckpoint reads a checkpoint and checks its signature.
func loadCheckpoint(path, keyPath string) (audit.Checkpoint, error) {
	var c audit.Checkpoint
	if path == "" || keyPath == "" {
		return c, errors.New("--checkpoint and --public-key go together")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		return c, fmt.Errorf("public key: %w", err)
	}
	pub, err := audit.ParsePublicKey(kb)
	if err != nil {
		return c, fmt.Errorf("%s: %w", keyPath, err)
	}
	if err := c.VerifySignature(pub); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func verifyStore(ctx context.Context, e *env, cp *audit.Checkpoint) error {
	st, v, err := e.openStoreAs(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	var seq int64
	if cp != nil {
		seq = cp.Seq
	}
	n, at, verr := st.VerifyAuditAt(ctx, seq)
	if verr == nil && cp != nil {
		verr = cp.Match(at)
	}
	object := "audit verify"
	if cp != nil {
		object += fmt.Sprintf(" checkpoint=%d", cp.Seq)
	}
	if verr != nil {
		fmt.Fprintf(e.stdout, "audit chain BROKEN after %d good events: %v\n", n, verr)
		// Recording the failed check extends a broken chain, which is
		// fine: verification names the first bad event, not the last.
		record(ctx, st, v, audit.ActionAuditRead, object, verr)
		return exitError(1)
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d events\n", n)
	if cp != nil {
		fmt.Fprintf(e.stdout, "checkpoint at event %d (signed %s by key %s) matches\n", cp.Seq, cp.Time.Format(time.RFC3339), cp.KeyID)
	}
	return record(ctx, st, v, audit.ActionAuditRead, object, nil)
}

// verifyShipped checks a copy of the log exported as JSON lines, with no
// database: the chain from the first event, and the checkpoint if given.
func verifyShipped(e *env, path string, cp *audit.Checkpoint) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var v audit.Verifier
	var at *audit.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	verr := func() error {
		for sc.Scan() {
			line++
			var ev audit.Event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				return fmt.Errorf("%s:%d: %w", path, line, err)
			}
			if err := v.Check(ev); err != nil {
				return fmt.Errorf("%s:%d: %w", path, line, err)
			}
			if cp != nil && ev.Seq == cp.Seq {
				at = &ev
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if cp != nil {
			return cp.Match(at)
		}
		return nil
	}()
	if verr != nil {
		fmt.Fprintf(e.stdout, "audit copy BROKEN after %d good events: %v\n", v.Count(), verr)
		return exitError(1)
	}
	fmt.Fprintf(e.stdout, "audit copy intact: %d events\n", v.Count())
	if cp != nil {
		fmt.Fprintf(e.stdout, "checkpoint at event %d (signed %s by key %s) matches\n", cp.Seq, cp.Time.Format(time.RFC3339), cp.KeyID)
	}
	return nil
}

// exportAudit writes the log as JSON lines. Run as a Nexus user (--as), the
// user must hold the auditor role (CJIS AU-9); a refused attempt is
// recorded too. Without --as it runs as the system operator, who holds the
// database itself, and is recorded under the operating-system user.
func exportAudit(ctx context.Context, e *env, as string, after int64) error {
	st, v, err := e.openStoreAs(ctx, as)
	if err != nil {
		return err
	}
	defer st.Close()
	object := fmt.Sprintf("audit export after=%d", after)
	if !v.System && !v.HasRole(access.RoleAuditor) {
		denied := fmt.Errorf("audit export: user %s lacks the %s role", as, access.RoleAuditor)
		if err := recordOutcome(ctx, st, v, audit.ActionAuditRead, object, audit.Denied, denied); err != nil {
			return err
		}
		return denied
	}
	// Record the export first so it is part of what it exports.
	if err := record(ctx, st, v, audit.ActionAuditRead, object, nil); err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(w)
	if err := st.EachAuditEvent(ctx, after, func(ev audit.Event) error { return enc.Encode(ev) }); err != nil {
		return err
	}
	return w.Flush()
}

// writeCheckpoint signs the log's newest event.
func writeCheckpoint(ctx context.Context, e *env, keyPath, out string) error {
	if keyPath == "" {
		keyPath = filepath.Join(e.dataDir, "audit-signing.key")
	}
	kb, err := os.ReadFile(keyPath)
	if errors.Is(err, os.ErrNotExist) {
		priv, pub, gerr := audit.NewSigningKey()
		if gerr != nil {
			return gerr
		}
		if err := os.MkdirAll(filepath.Dir(keyPath), 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(keyPath, priv, 0o600); err != nil {
			return fmt.Errorf("write signing key: %w", err)
		}
		if err := os.WriteFile(keyPath+".pub", pub, 0o644); err != nil {
			return fmt.Errorf("write public key: %w", err)
		}
		fmt.Fprintf(e.stderr, "created signing key %s and public key %s.pub\n", keyPath, keyPath)
		kb = priv
	} else if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	priv, err := audit.ParsePrivateKey(kb)
	if err != nil {
		return fmt.Errorf("%s: %w", keyPath, err)
	}
	st, v, err := e.openStoreAs(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	// Only an intact chain is worth signing.
	_, head, err := st.VerifyAuditAt(ctx, -1)
	if err != nil {
		record(ctx, st, v, audit.ActionAuditRead, "audit checkpoint", err)
		return fmt.Errorf("audit checkpoint: refusing to sign a broken chain: %w", err)
	}
	if head == nil {
		return errors.New("audit checkpoint: the log is empty")
	}
	cp := audit.SignCheckpoint(priv, *head, time.Now())
	b, _ := json.MarshalIndent(cp, "", "  ") // a Checkpoint always marshals
	b = append(b, '\n')
	var w io.Writer = e.stdout
	if out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return fmt.Errorf("write checkpoint: %w", err)
		}
		fmt.Fprintf(e.stderr, "checkpoint at event %d written to %s\n", cp.Seq, out)
	} else {
		w.Write(b)
	}
	return record(ctx, st, v, audit.ActionAdmin, fmt.Sprintf("audit checkpoint seq=%d key=%s", cp.Seq, cp.KeyID), nil)
}

// recordOutcome is record with an explicit outcome (denied, say).
func recordOutcome(ctx context.Context, st *store.Store, v access.Viewer, action, object, outcome string, actErr error) error {
	ev := audit.Event{Time: time.Now(), Actor: v.Name, Agency: v.Agency, Action: action, Object: object,
		Outcome: outcome, SourceAddr: "cli"}
	if actErr != nil {
		ev.Detail = actErr.Error()
	}
	if _, err := st.AppendAudit(ctx, ev); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
