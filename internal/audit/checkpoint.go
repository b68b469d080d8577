package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// Checkpoint is a signed statement that the log's event Seq had hash Hash
// at Time. Shipped with (or apart from) a copy of the log, it lets anyone
// holding the public key check the copy: an event at or before Seq that was
// altered, removed or reordered afterwards — even with every later hash
// recomputed — no longer leads to Hash.
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	Time      time.Time `json:"time"`
	KeyID     string    `json:"key_id"`
	Signature string    `json:"signature"`
}

// payload is the exact text signed; fixed field order, one per line.
func (c Checkpoint) payload() []byte {
	return fmt.Appendf(nil, "nexus audit checkpoint v1\nseq %d\nhash %s\ntime %s\n", c.Seq, c.Hash, c.Time.UTC().Format(TimeLayout))
}

// KeyID names a public key by the start of its base64 form, so a reader
// can tell which key signed a checkpoint.
func KeyID(pub ed25519.PublicKey) string {
	s := base64.RawURLEncoding.EncodeToString(pub)
	return s[:12]
}

// SignCheckpoint signs the head event e at time at.
func SignCheckpoint(priv ed25519.PrivateKey, e Event, at time.Time) Checkpoint {
	c := Checkpoint{Seq: e.Seq, Hash: e.Hash, Time: at.UTC().Truncate(time.Microsecond),
		KeyID: KeyID(priv.Public().(ed25519.PublicKey))}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, c.payload()))
	return c
}

// VerifySignature checks c was signed by pub.
func (c Checkpoint) VerifySignature(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("audit checkpoint: malformed signature")
	}
	if !ed25519.Verify(pub, c.payload(), sig) {
		return fmt.Errorf("audit checkpoint at event %d: signature does not verify with key %s (wrong key, or the checkpoint was edited)", c.Seq, KeyID(pub))
	}
	return nil
}

// Match checks that e, the log's event at c.Seq, is the one c signed.
func (c Checkpoint) Match(e *Event) error {
	switch {
	case e == nil:
		return fmt.Errorf("audit checkpoint: event %d is missing from the log (it was truncated)", c.Seq)
	case e.Seq != c.Seq:
		return fmt.Errorf("audit checkpoint: event %d is missing from the log", c.Seq)
	case e.Hash != c.Hash:
		return fmt.Errorf("audit event %d: hash differs from the signed checkpoint of %s (the log up to it was altered)",
			c.Seq, c.Time.Format(time.RFC3339))
	}
	return nil
}

// NewSigningKey returns a fresh ed25519 key pair as PEM (PKCS #8 private
// key, PKIX public key), the forms openssl reads too.
func NewSigningKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pk, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pk}), nil
}

// ParsePrivateKey reads a PEM PKCS #8 ed25519 private key.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("signing key: not a PEM PRIVATE KEY")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("signing key: not an ed25519 key")
	}
	return priv, nil
}

// ParsePublicKey reads a PEM PKIX ed25519 public key.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, errors.New("public key: not a PEM PUBLIC KEY")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("public key: not an ed25519 key")
	}
	return pub, nil
}
