package audit

import (
	"strings"
	"testing"
	"time"
)

func TestCheckpoint(t *testing.T) {
	privPEM, pubPEM, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	var prev *Event
	var evs []Event
	for i := 0; i < 3; i++ {
		e := Chain(prev, Event{Time: time.Date(2026, 3, 1, 12, 0, i, 0, time.UTC), Actor: "a", Action: ActionRead, Outcome: Success})
		evs = append(evs, e)
		prev = &evs[len(evs)-1]
	}
	cp := SignCheckpoint(priv, evs[1], time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC))
	if err := cp.VerifySignature(pub); err != nil {
		t.Fatalf("fresh checkpoint: %v", err)
	}
	if err := cp.Match(&evs[1]); err != nil {
		t.Errorf("matching event: %v", err)
	}
	edited := cp
	edited.Seq++
	if err := edited.VerifySignature(pub); err == nil {
		t.Errorf("checkpoint with an edited sequence number verified")
	}
	_, otherPub, _ := NewSigningKey()
	op, _ := ParsePublicKey(otherPub)
	if err := cp.VerifySignature(op); err == nil {
		t.Errorf("checkpoint verified with another key")
	}
	forged := evs[1]
	forged.Actor = "mallory"
	forged = Chain(&evs[0], forged)
	if err := cp.Match(&forged); err == nil || !strings.Contains(err.Error(), "altered") {
		t.Errorf("rechained event: got %v, want a mismatch", err)
	}
	if err := cp.Match(nil); err == nil {
		t.Errorf("truncated log: got no error")
	}
	if _, err := ParsePrivateKey(pubPEM); err == nil {
		t.Errorf("ParsePrivateKey accepted a public key")
	}
	if _, err := ParsePublicKey([]byte("not pem")); err == nil {
		t.Errorf("ParsePublicKey accepted garbage")
	}
}
