package store

import (
	"context"
	"fmt"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
)

const auditColumns = "seq, time, actor, agency, action, object, purpose, case_number, outcome, source_addr, detail, prev_hash, hash"

// AppendAudit chains e onto the log and stores it; it returns the stored
// event. Appends are serialised across processes and nodes by the lock on
// the audit_head row (PostgreSQL) or the write lock (SQLite), so each
// append sees the one before it.
func (s *Store) AppendAudit(ctx context.Context, e audit.Event) (audit.Event, error) {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	if e.Actor == "" || e.Action == "" || e.Outcome == "" {
		return audit.Event{}, nexus.Errorf(nexus.EINVALID, "audit event: actor, action and outcome are required")
	}
	err := s.write(ctx, func(t txn) error {
		var head audit.Event
		if err := t.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1"+s.d.forUpdate).Scan(&head.Seq, &head.Hash); err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		var prev *audit.Event
		if head.Seq > 0 {
			prev = &head
		}
		e = audit.Chain(prev, e)
		if _, err := t.exec(ctx, "INSERT INTO audit_events ("+auditColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			e.Seq, formatTime(e.Time), e.Actor, e.Agency, e.Action, e.Object, e.Purpose, e.CaseNumber, e.Outcome,
			e.SourceAddr, e.Detail, e.PrevHash, e.Hash); err != nil {
			return dbError(err, fmt.Sprintf("audit event %d", e.Seq))
		}
		_, err := t.exec(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", e.Seq, e.Hash)
		return err
	})
	if err != nil {
		return audit.Event{}, fmt.Errorf("append audit: %w", err)
	}
	return e, nil
}

// auditPage is how many events EachAuditEvent reads per query.
const auditPage = 1000

// EachAuditEvent streams audit events with seq > after, in order, from one
// snapshot, a page at a time.
func (s *Store) EachAuditEvent(ctx context.Context, after int64, fn func(audit.Event) error) error {
	err := s.read(ctx, func(t txn) error {
		return s.eachAudit(ctx, t, after, fn)
	})
	if err != nil {
		return fmt.Errorf("audit events: %w", err)
	}
	return nil
}

func (s *Store) eachAudit(ctx context.Context, t txn, after int64, fn func(audit.Event) error) error {
	for {
		rows, err := t.query(ctx, "SELECT "+auditColumns+" FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?", after, auditPage)
		if err != nil {
			return err
		}
		var page []audit.Event
		for rows.Next() {
			var e audit.Event
			var tm string
			if err := rows.Scan(&e.Seq, &tm, &e.Actor, &e.Agency, &e.Action, &e.Object, &e.Purpose, &e.CaseNumber,
				&e.Outcome, &e.SourceAddr, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				rows.Close()
				return err
			}
			if e.Time, err = parseTime(tm); err != nil {
				rows.Close()
				return err
			}
			page = append(page, e)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < auditPage {
			return nil
		}
		after = page[len(page)-1].Seq
	}
}

// VerifyAudit walks the whole chain and returns how many events verified;
// the error names the first bad event. It also checks the chain ends where
// the head says, so removing the newest events is caught too.
func (s *Store) VerifyAudit(ctx context.Context) (int64, error) {
	n, _, err := s.VerifyAuditAt(ctx, 0)
	return n, err
}

// VerifyAuditAt is VerifyAudit that also returns the verified event at seq
// (nil when the log does not reach it), for checking a signed checkpoint;
// seq < 0 returns the last event, for signing one.
func (s *Store) VerifyAuditAt(ctx context.Context, seq int64) (int64, *audit.Event, error) {
	var v audit.Verifier
	var at *audit.Event
	check := func(e audit.Event) error {
		if err := v.Check(e); err != nil {
			return err
		}
		if e.Seq == seq || seq < 0 {
			at = &e
		}
		return nil
	}
	err := s.read(ctx, func(t txn) error {
		var headSeq int64
		var headHash string
		if err := t.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
			return err
		}
		if err := s.eachAudit(ctx, t, 0, check); err != nil {
			return err
		}
		last := v.Last()
		switch {
		case last == nil && headSeq != 0:
			return fmt.Errorf("audit event %d: missing (the log is empty but its head records %d events)", headSeq, headSeq)
		case last != nil && last.Seq != headSeq:
			return fmt.Errorf("audit event %d: missing (the log ends at %d but its head records %d)", headSeq, last.Seq, headSeq)
		case last != nil && last.Hash != headHash:
			return fmt.Errorf("audit event %d: hash differs from the one recorded at append", last.Seq)
		}
		return nil
	})
	if err != nil {
		return v.Count(), nil, fmt.Errorf("verify audit: %w", err)
	}
	return v.Count(), at, nil
}
