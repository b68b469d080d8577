package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// TokenPrefix starts every API token so leaked tokens are easy to find.
const TokenPrefix = "nxs_"

// NewTokenSecret returns a fresh random API token. Only its hash is stored.
func NewTokenSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a token secret. Tokens carry 256 bits
// of randomness, so a plain SHA-256 is enough; no password hashing needed.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
