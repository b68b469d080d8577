package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/nexus-intel/nexus/internal/puretest"
)

// TestTOTPRFC6238 checks the test vectors of RFC 6238 appendix B (8
// digits, 30-second step, the three HMAC algorithms with their seeds).
func TestTOTPRFC6238(t *testing.T) {
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix int64
		alg  string
		want string
	}{
		{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
	}
	for _, v := range vectors {
		tp := TOTP{Secret: []byte(seeds[v.alg]), Digits: 8, Algorithm: v.alg}
		if got := tp.Code(time.Unix(v.unix, 0)); got != v.want {
			t.Errorf("TOTP %s at %d: got %s, want %s", v.alg, v.unix, got, v.want)
		}
	}
}

// TestHOTPRFC4226 checks RFC 4226 appendix D's six-digit values.
func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	tp := TOTP{Secret: []byte("12345678901234567890")}
	for c, w := range want {
		if got := tp.HOTP(int64(c)); got != w {
			t.Errorf("HOTP(%d): got %s, want %s", c, got, w)
		}
	}
}

func TestTOTPVerify(t *testing.T) {
	tp := TOTP{Secret: NewTOTPSecret()}
	now := time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)
	code := tp.Code(now)
	step, ok := tp.Verify(code, now, 0)
	if !ok || step != tp.Counter(now) {
		t.Fatalf("Verify current code: got %d %v, want %d true", step, ok, tp.Counter(now))
	}
	if _, ok := tp.Verify(code, now, step); ok {
		t.Errorf("Verify accepted a code twice")
	}
	if _, ok := tp.Verify(tp.Code(now.Add(-30*time.Second)), now, 0); !ok {
		t.Errorf("Verify refused the previous step's code (clock skew allowance)")
	}
	if _, ok := tp.Verify(tp.Code(now.Add(-90*time.Second)), now, 0); ok {
		t.Errorf("Verify accepted a code three steps old")
	}
	if _, ok := tp.Verify("12345", now, 0); ok {
		t.Errorf("Verify accepted a five-digit code")
	}
	sec, err := DecodeSecret(strings.ToLower(EncodeSecret(tp.Secret)))
	if err != nil || string(sec) != string(tp.Secret) {
		t.Errorf("secret round trip: got %x %v, want %x", sec, err, tp.Secret)
	}
	if u := tp.URI("Nexus", "alice"); !strings.HasPrefix(u, "otpauth://totp/Nexus:alice?") || !strings.Contains(u, "secret="+EncodeSecret(tp.Secret)) {
		t.Errorf("URI: got %s", u)
	}
}

func TestPassword(t *testing.T) {
	p := Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} // cheap for tests
	h, err := HashPassword("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q is not in PHC argon2id form", h)
	}
	h2, _ := HashPassword("correct horse battery", p)
	if h == h2 {
		t.Errorf("two hashes of one password are equal: salt not random")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterx": false, "": false} {
		got, err := VerifyPassword(pw, h)
		if err != nil || got != want {
			t.Errorf("VerifyPassword(%q): got %v %v, want %v", pw, got, err, want)
		}
	}
	if _, err := HashPassword("short", p); err == nil {
		t.Errorf("HashPassword accepted a 5-character password")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$YWJjZGVmZ2g$YWJjZGVmZ2hpamtsbW5vcA", "$argon2id$v=19$m=x$a$b"} {
		if _, err := VerifyPassword("whatever-long-pw", bad); err == nil {
			t.Errorf("VerifyPassword with hash %q: got no error", bad)
		}
	}
	// The RFC 9106 style parameters are read from the hash, so a hash made
	// with the defaults verifies too.
	hd, err := HashPassword("another long passphrase", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword("another long passphrase", hd); !ok || err != nil {
		t.Errorf("default-cost hash does not verify: %v %v", ok, err)
	}
}

func TestParseScopes(t *testing.T) {
	got, err := ParseScopes("search, read,read")
	if err != nil || strings.Join(got, ",") != "read,search" {
		t.Errorf("ParseScopes: got %v %v, want [read search]", got, err)
	}
	if got, _ := ParseScopes("all"); len(got) != len(Scopes) {
		t.Errorf("ParseScopes(all): got %v", got)
	}
	for _, bad := range []string{"", "read,root"} {
		if _, err := ParseScopes(bad); err == nil {
			t.Errorf("ParseScopes(%q): got no error", bad)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := NewLimiter(2, 3, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Errorf("fourth request: got %v wait %v, want refused, wait 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Errorf("another key shares the first key's bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Errorf("after the refill interval: refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Errorf("bucket refilled more than one token in 500ms at 2/s")
	}
}

func TestPure(t *testing.T) {
	puretest.CheckImports(t, "auth")
}
