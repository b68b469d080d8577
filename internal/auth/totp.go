package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
)

// TOTP is a time-based one-time password generator (RFC 6238) over HOTP
// (RFC 4226). The zero Algorithm is SHA-1, which every authenticator app
// supports.
type TOTP struct {
	Secret    []byte
	Digits    int           // 6 when zero
	Step      time.Duration // 30 s when zero
	Algorithm string        // "SHA1" (default), "SHA256" or "SHA512"
}

// Skew is how many steps either side of now a code is accepted, for clock
// drift between the server and the authenticator.
const Skew = 1

func (t TOTP) digits() int {
	if t.Digits == 0 {
		return 6
	}
	return t.Digits
}

func (t TOTP) step() time.Duration {
	if t.Step == 0 {
		return 30 * time.Second
	}
	return t.Step
}

func (t TOTP) hash() func() hash.Hash {
	switch strings.ToUpper(t.Algorithm) {
	case "SHA256":
		return sha256.New
	case "SHA512":
		return sha512.New
	}
	return sha1.New
}

// Counter is the RFC 6238 time step number of at.
func (t TOTP) Counter(at time.Time) int64 { return at.Unix() / int64(t.step()/time.Second) }

// HOTP returns the RFC 4226 code for counter c.
func (t TOTP) HOTP(c int64) string {
	mac := hmac.New(t.hash(), t.Secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(c))
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range t.digits() {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", t.digits(), bin%mod)
}

// Code returns the code valid at at.
func (t TOTP) Code(at time.Time) string { return t.HOTP(t.Counter(at)) }

// Verify checks code against the steps around at and returns the step it
// matched. A step at or before lastUsed is refused, so each code is
// accepted once (IA-5(1)(d)): the caller stores the returned step.
func (t TOTP) Verify(code string, at time.Time, lastUsed int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != t.digits() {
		return 0, false
	}
	now := t.Counter(at)
	for c := now - Skew; c <= now+Skew; c++ {
		if c <= lastUsed {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(t.HOTP(c)), []byte(code)) == 1 {
			return c, true
		}
	}
	return 0, false
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns 20 random bytes (160 bits, RFC 4226's recommended
// length).
func NewTOTPSecret() []byte {
	b := make([]byte, 20)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// EncodeSecret is the base32 form authenticator apps take.
func EncodeSecret(b []byte) string { return b32.EncodeToString(b) }

// DecodeSecret reads a base32 secret, ignoring case, spaces and padding.
func DecodeSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.TrimRight(strings.ReplaceAll(s, " ", ""), "="))
	b, err := b32.DecodeString(s)
	if err != nil || len(b) < 10 {
		return nil, nexus.Errorf(nexus.EINVALID, "TOTP secret: not base32 of at least 80 bits")
	}
	return b, nil
}

// URI is the otpauth:// enrolment URI (the key-URI format authenticator
// apps scan as a QR code).
func (t TOTP) URI(issuer, account string) string {
	q := url.Values{}
	q.Set("secret", EncodeSecret(t.Secret))
	q.Set("issuer", issuer)
	q.Set("digits", fmt.Sprint(t.digits()))
	q.Set("period", fmt.Sprint(int(t.step()/time.Second)))
	alg := strings.ToUpper(t.Algorithm)
	if alg == "" {
		alg = "SHA1"
	}
	q.Set("algorithm", alg)
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + q.Encode()
}
