// Package auth holds the credentials Nexus checks at its door: argon2id
// password hashes, RFC 6238 one-time passwords, session and lockout limits,
// API-token scopes and the token-bucket rate limiter. It is pure: no I/O; the
// store persists what it computes and the HTTP layer applies it.
package auth

import "time"

// CJIS Security Policy limits (AC-7, AC-11, IA-5, AC-2(3)).
const (
	// MaxFailures failed logons within FailureWindow lock an account until
	// an administrator releases it.
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
	// SessionIdle and SessionAbsolute end a session after 30 minutes
	// without a request, and 12 hours after logon whatever happens.
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	// InactiveAfter disables an account nobody has used for 90 days.
	InactiveAfter = 90 * 24 * time.Hour
	// MinPasswordLength is the shortest password accepted (IA-5(1)(a)).
	MinPasswordLength = 12
	// MaxPasswordLength bounds what is hashed, so a huge body cannot make
	// the server spend memory on it; 64 characters must be allowed.
	MaxPasswordLength = 256
)

// DefaultBanner is the system-use notification (AC-8) shown before logon
// unless the server is configured with another.
const DefaultBanner = "You are accessing a restricted information system. System usage may be monitored, " +
	"recorded and subject to audit. Unauthorized use of the system is prohibited and may be subject to " +
	"criminal and civil penalties. Use of the system indicates consent to monitoring and recording."
