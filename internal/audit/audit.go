// Package audit defines the audit event and its hash chain: each event's hash
// covers its own fields and the previous event's hash, so an edited, removed
// or reordered event breaks the chain at a place Verify can name. The store
// persists events; this package owns what they mean.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Actions recorded in the log.
const (
	ActionLogin  = "login"
	ActionRead   = "read"
	ActionSearch = "search"
	ActionWrite  = "write"
	ActionImport = "import"
	ActionExport = "export"
	ActionDelete = "delete"
	ActionAdmin  = "admin"
	// ActionLogout ends a session.
	ActionLogout = "logout"
	// ActionPermission changes what an account or token may do: roles,
	// caveats, groups, passwords, second factors, tokens, locks.
	ActionPermission = "permission_change"
	// ActionAuditRead is any access to the audit log itself.
	ActionAuditRead = "audit_read"
)

// Outcomes.
const (
	Success = "success"
	Failure = "failure"
	Denied  = "denied"
)

// Event is one audited action. Seq, PrevHash and Hash are assigned when the
// event is appended.
type Event struct {
	Seq        int64     `json:"seq"`
	Time       time.Time `json:"time"`
	Actor      string    `json:"actor"`
	Agency     string    `json:"agency,omitempty"`
	Action     string    `json:"action"`
	Object     string    `json:"object,omitempty"`
	Purpose    string    `json:"purpose,omitempty"`
	CaseNumber string    `json:"case_number,omitempty"`
	Outcome    string    `json:"outcome"`
	SourceAddr string    `json:"source_addr,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// TimeLayout is how event times are written and hashed: UTC, microseconds.
// Both SQLite and PostgreSQL keep microseconds, so a stored time reads back
// exactly as it was hashed.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Genesis is the PrevHash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of e chained onto e.PrevHash. The encoding is
// a JSON array of the fields in a fixed order, so no field can bleed into
// another.
func ComputeHash(e Event) string {
	fields := []any{e.Seq, e.Time.UTC().Format(TimeLayout), e.Actor, e.Agency, e.Action, e.Object,
		e.Purpose, e.CaseNumber, e.Outcome, e.SourceAddr, e.Detail, e.PrevHash}
	b, _ := json.Marshal(fields) // a slice of strings and ints always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Chain fills in e's Seq, PrevHash and Hash to follow prev (nil for the
// first event) and truncates its time to what is stored.
func Chain(prev *Event, e Event) Event {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.Seq, e.PrevHash = 1, Genesis
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = ComputeHash(e)
	return e
}

// Verifier checks events one at a time, in order. It keeps only the last
// event, so a log of any size verifies in constant memory.
type Verifier struct {
	prev  *Event
	count int64
}

// Check verifies the next event. The error names the event and what is wrong.
func (v *Verifier) Check(e Event) error {
	wantSeq, wantPrev := int64(1), Genesis
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		return fmt.Errorf("audit event %d: expected sequence %d (an event was removed or reordered)", e.Seq, wantSeq)
	case e.PrevHash != wantPrev:
		return fmt.Errorf("audit event %d: previous-hash link broken (an earlier event was removed, reordered or replaced)", e.Seq)
	case ComputeHash(e) != e.Hash:
		return fmt.Errorf("audit event %d: contents do not match its hash (the event was altered)", e.Seq)
	}
	v.prev = &e
	v.count++
	return nil
}

// Count returns how many events have verified.
func (v *Verifier) Count() int64 { return v.count }

// Last returns the last verified event, or nil.
func (v *Verifier) Last() *Event { return v.prev }
