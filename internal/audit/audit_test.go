package audit

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []Event {
	var out []Event
	var prev *Event
	t0 := time.Date(2026, 11, 22, 1, 2, 3, 456789123, time.UTC)
	for i := 0; i < n; i++ {
		e := Chain(prev, Event{Time: t0.Add(time.Duration(i) * time.Second), Actor: "alice", Agency: "a",
			Action: ActionRead, Object: "entity:x", Outcome: Success})
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func verify(events []Event) error {
	var v Verifier
	for _, e := range events {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return nil
}

func TestVerify(t *testing.T) {
	good := chain(5)
	if err := verify(good); err != nil {
		t.Fatalf("untouched chain: %v", err)
	}
	if good[0].Time.Nanosecond()%1000 != 0 {
		t.Errorf("Chain kept sub-microsecond time %v", good[0].Time)
	}
	tests := []struct {
		name   string
		mutate func([]Event) []Event
		want   string
	}{
		{"edited actor", func(es []Event) []Event { es[2].Actor = "mallory"; return es }, "audit event 3: contents"},
		{"edited time", func(es []Event) []Event { es[1].Time = es[1].Time.Add(time.Millisecond); return es }, "audit event 2: contents"},
		{"removed", func(es []Event) []Event { return append(es[:2], es[3:]...) }, "audit event 4: expected sequence 3"},
		{"reordered", func(es []Event) []Event { es[1], es[2] = es[2], es[1]; return es }, "audit event 3: expected sequence 2"},
		{"replaced with a rehashed event", func(es []Event) []Event {
			es[2].Actor = "mallory"
			es[2].Hash = ComputeHash(es[2])
			return es
		}, "audit event 4: previous-hash link broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.mutate(chain(5)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
