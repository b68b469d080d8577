package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
)

const auditColumns = "seq, time, actor, agency, action, object, purpose, case_number, outcome, source_addr, detail, prev_hash, hash"

// AppendAudit chains e onto the log and stores it; it returns the stored
// event once it is committed. Concurrent appends are committed together
// (group commit): while one batch is being written the next gathers, and
// one of its callers writes it, so appends never wait behind each other's
// transactions one by one. Appends are serialised across processes and
// nodes by the lock on the audit_head row (PostgreSQL) or the write lock
// (SQLite), so each batch sees the one before it.
func (s *Store) AppendAudit(ctx context.Context, e audit.Event) (audit.Event, error) {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	if err := checkAuditEvent(e); err != nil {
		return audit.Event{}, err
	}
	r := &auditReq{ev: e, res: make(chan auditRes, 1)}
	s.audit.mu.Lock()
	s.audit.pending = append(s.audit.pending, r)
	lead := !s.audit.writing
	s.audit.writing = true
	s.audit.mu.Unlock()
	if !lead {
		res := <-r.res
		if !res.lead {
			return res.ev, res.err
		}
	}
	// This caller writes the batch gathered so far, its own event with it.
	s.audit.mu.Lock()
	n := min(len(s.audit.pending), maxAuditBatch)
	batch := s.audit.pending[:n:n]
	s.audit.pending = s.audit.pending[n:]
	s.audit.mu.Unlock()
	evs := make([]audit.Event, len(batch))
	for i, b := range batch {
		evs[i] = b.ev
	}
	// Other callers' events ride on this write, so this caller hanging up
	// must not cancel it.
	stored, err := s.AppendAuditBatch(context.WithoutCancel(ctx), evs)
	var own auditRes
	for i, b := range batch {
		res := auditRes{err: err}
		if err == nil {
			res.ev = stored[i]
		}
		if b == r {
			own = res
		} else {
			b.res <- res
		}
	}
	s.audit.mu.Lock()
	if len(s.audit.pending) > 0 {
		next := s.audit.pending[0]
		s.audit.mu.Unlock()
		next.res <- auditRes{lead: true}
	} else {
		s.audit.writing = false
		s.audit.mu.Unlock()
	}
	return own.ev, own.err
}

// maxAuditBatch bounds one group commit.
const maxAuditBatch = 4096

// auditQueue gathers concurrent appends for group commit.
type auditQueue struct {
	mu      sync.Mutex
	pending []*auditReq
	writing bool
	// insert is the prepared SQLite INSERT (nil until first used).
	insert *sql.Stmt
}

type auditReq struct {
	ev  audit.Event
	res chan auditRes
}

// auditRes is a committed event, an error, or (lead) the turn to write the
// next batch.
type auditRes struct {
	ev   audit.Event
	err  error
	lead bool
}

func checkAuditEvent(e audit.Event) error {
	if e.Actor == "" || e.Action == "" || e.Outcome == "" {
		return nexus.Errorf(nexus.EINVALID, "audit event: actor, action and outcome are required")
	}
	return nil
}

// auditInsertRows is how many events one PostgreSQL INSERT carries (13
// parameters each, well inside its limit).
const auditInsertRows = 200

// auditInsertStmt prepares the SQLite audit INSERT once. It must run
// outside a write transaction: SQLite has one writer connection, which the
// transaction would hold.
func (s *Store) auditInsertStmt(ctx context.Context) error {
	if s.d.arrays {
		return nil
	}
	s.audit.mu.Lock()
	defer s.audit.mu.Unlock()
	if s.audit.insert != nil {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, "INSERT INTO audit_events ("+auditColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
	if err != nil {
		return err
	}
	s.audit.insert = st
	return nil
}

// insertAudit stores chained events. SQLite runs in process, so one
// prepared single-row INSERT per event is cheapest (no SQL to parse per
// batch size); PostgreSQL pays a round trip per statement, so it gets
// multi-row INSERTs.
func (s *Store) insertAudit(ctx context.Context, t txn, evs []audit.Event) error {
	args := func(e audit.Event) []any {
		return []any{e.Seq, formatTime(e.Time), e.Actor, e.Agency, e.Action, e.Object, e.Purpose, e.CaseNumber,
			e.Outcome, e.SourceAddr, e.Detail, e.PrevHash, e.Hash}
	}
	if !s.d.arrays {
		// The statement was prepared once on the single SQLite writer
		// connection (auditInsertStmt) and is reused by every batch.
		s.audit.mu.Lock()
		prepared := s.audit.insert
		s.audit.mu.Unlock()
		st := t.tx.StmtContext(ctx, prepared)
		defer st.Close()
		for _, e := range evs {
			if _, err := st.ExecContext(ctx, args(e)...); err != nil {
				return dbError(err, fmt.Sprintf("audit event %d", e.Seq))
			}
		}
		return nil
	}
	for lo := 0; lo < len(evs); lo += auditInsertRows {
		chunk := evs[lo:min(lo+auditInsertRows, len(evs))]
		var q strings.Builder
		q.WriteString("INSERT INTO audit_events (" + auditColumns + ") VALUES ")
		all := make([]any, 0, 13*len(chunk))
		for i, e := range chunk {
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?)")
			all = append(all, args(e)...)
		}
		if _, err := t.exec(ctx, q.String(), all...); err != nil {
			return dbError(err, fmt.Sprintf("audit events %d-%d", chunk[0].Seq, chunk[len(chunk)-1].Seq))
		}
	}
	return nil
}

// AppendAuditBatch chains evs onto the log, in order, in one transaction
// and returns them as stored. Events without a time get the store's clock.
func (s *Store) AppendAuditBatch(ctx context.Context, evs []audit.Event) ([]audit.Event, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	out := make([]audit.Event, len(evs))
	for i, e := range evs {
		if e.Time.IsZero() {
			e.Time = s.now()
		}
		if err := checkAuditEvent(e); err != nil {
			return nil, err
		}
		out[i] = e
	}
	if err := s.auditInsertStmt(ctx); err != nil {
		return nil, fmt.Errorf("append audit: %w", err)
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
		for i := range out {
			out[i] = audit.Chain(prev, out[i])
			prev = &out[i]
		}
		if err := s.insertAudit(ctx, t, out); err != nil {
			return err
		}
		_, err := t.exec(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", prev.Seq, prev.Hash)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append audit: %w", err)
	}
	return out, nil
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
