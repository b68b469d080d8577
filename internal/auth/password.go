package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/nexus-intel/nexus"
)

// Argon2Params are the cost parameters of a password hash. They are stored
// in the hash itself, so raising them later leaves old hashes verifiable.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultArgon2 follows OWASP's argon2id recommendation (19 MiB, 2 passes,
// one lane): about 30 ms on a server core.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// CheckPassword reports a password too short, too long or not text.
func CheckPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw):
		return nexus.Errorf(nexus.EINVALID, "password: not valid UTF-8")
	case n < MinPasswordLength:
		return nexus.Errorf(nexus.EINVALID, "password: %d characters, at least %d needed", n, MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return nexus.Errorf(nexus.EINVALID, "password: longer than %d bytes", MaxPasswordLength)
	}
	return nil
}

// HashPassword returns the PHC string form of an argon2id hash of pw with a
// fresh random salt: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string, p Argon2Params) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // crypto/rand.Read never fails on supported platforms
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-encoded hash. An
// unreadable hash is an error, not a mismatch.
func VerifyPassword(pw, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	if len(pw) > MaxPasswordLength {
		return false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	bad := func(why string) error { return fmt.Errorf("password hash: %s", why) }
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, bad("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, bad("unsupported version " + parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, bad("bad parameters " + parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, bad("bad salt")
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, bad("bad key")
	}
	return p, salt, key, nil
}
