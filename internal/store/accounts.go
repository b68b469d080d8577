package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/auth"
)

// touchEvery bounds how often a user's last activity is written: the
// 90-day rule needs days, not seconds, and a write per request would not
// be free.
const touchEvery = time.Hour

// inactive reports whether u has gone unused for auth.InactiveAfter. A user
// never used counts from its creation.
func inactive(u User, now time.Time) bool {
	last := u.LastActiveAt
	if last.IsZero() {
		last = u.CreatedAt
	}
	return !last.IsZero() && now.Sub(last) > auth.InactiveAfter
}

func (s *Store) touch(ctx context.Context, u User, now time.Time) error {
	if !u.LastActiveAt.IsZero() && now.Sub(u.LastActiveAt) < touchEvery {
		return nil
	}
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "UPDATE users SET last_active_at = ? WHERE name = ?", formatTime(now), u.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("user %s activity: %w", u.Name, err)
	}
	return nil
}

func (s *Store) disableInactive(ctx context.Context, name string, now time.Time) error {
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "UPDATE users SET disabled = TRUE WHERE name = ?", name)
		return err
	})
	if err != nil {
		return fmt.Errorf("disable inactive user %s: %w", name, err)
	}
	s.logger.Warn("account disabled after 90 days unused", "user", name, "at", now.UTC().Format(time.RFC3339))
	return nil
}

// DisableInactiveUsers disables every enabled account unused for 90 days
// (CJIS AC-2(3)) and returns their names. The server runs it at start and
// hourly; logons and token uses check the same rule themselves.
func (s *Store) DisableInactiveUsers(ctx context.Context) ([]string, error) {
	us, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []string
	for _, u := range us {
		if !u.Disabled && inactive(u, now) {
			if err := s.disableInactive(ctx, u.Name, now); err != nil {
				return out, err
			}
			out = append(out, u.Name)
		}
	}
	return out, nil
}

// SetPassword stores an argon2id hash (auth.HashPassword) as name's
// password. ENOTFOUND when there is no such user.
func (s *Store) SetPassword(ctx context.Context, name, hash string) error {
	return s.updateUser(ctx, name, "set password", "UPDATE users SET password_hash = ? WHERE name = ?", hash, name)
}

// EnrollTOTP stores a base32 TOTP secret for name and forgets which codes
// were used with the previous one.
func (s *Store) EnrollTOTP(ctx context.Context, name, secret string) error {
	if _, err := auth.DecodeSecret(secret); err != nil {
		return fmt.Errorf("enrol TOTP for %s: %w", name, err)
	}
	return s.updateUser(ctx, name, "enrol TOTP", "UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE name = ?", secret, name)
}

// Unlock releases an account locked by failed logons and forgets the
// failures (AC-7: released by an administrator).
func (s *Store) Unlock(ctx context.Context, name string) error {
	if err := s.updateUser(ctx, name, "unlock", "UPDATE users SET locked = FALSE WHERE name = ?", name); err != nil {
		return err
	}
	return s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "DELETE FROM login_failures WHERE user_name = ?", name)
		return err
	})
}

// EnableUser re-enables a disabled account and counts now as its last
// activity, so the 90-day rule does not disable it again at once.
func (s *Store) EnableUser(ctx context.Context, name string) error {
	return s.updateUser(ctx, name, "enable", "UPDATE users SET disabled = FALSE, last_active_at = ? WHERE name = ?",
		formatTime(s.now()), name)
}

func (s *Store) updateUser(ctx context.Context, name, what, query string, args ...any) error {
	err := s.write(ctx, func(t txn) error {
		res, err := t.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "user %s not found", name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, name, err)
	}
	return nil
}

// NeedsMFA reports whether logging on as v requires a second factor: every
// account that can read a non-public record. Any account of an agency can
// read its agency's own records, so in practice that is every account.
func NeedsMFA(v access.Viewer) bool {
	return v.Agency != "" || v.CUI || len(v.Caveats) > 0 || len(v.SharingGroups) > 0 || len(v.Compartments) > 0
}

// dummyHash is a hash of a random password, checked against when a logon
// names no user.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword(randomText(24), auth.DefaultArgon2) // a 32-character password is valid
	return h
})

// errBadCredentials is the one answer to a wrong name, password or code, so
// a caller cannot tell which was wrong.
var errBadCredentials = nexus.Errorf(nexus.EUNAUTHENTICATED, "wrong user name, password or one-time code")

// Login checks a password logon with its TOTP code. On success it returns
// the user and counts now as its last activity. A wrong password or code
// counts as a failure: the fifth within auth.FailureWindow locks the
// account until Unlock. Locked, disabled and 90-day-unused accounts are
// refused with a message saying so; unknown names and wrong secrets get one
// message.
func (s *Store) Login(ctx context.Context, name, password, code string) (User, error) {
	now := s.now()
	var u User
	var c credentials
	var lastStep int64
	err := s.read(ctx, func(t txn) error {
		var err error
		u, c, err = scanUserCreds(scanPrefix{t.queryRow(ctx, "SELECT totp_last_step, "+userColumns+" FROM users WHERE name = ?", name), []any{&lastStep}})
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Spend the time a real check takes, so response times do not
		// tell which names exist.
		auth.VerifyPassword(password, dummyHash())
		return User{}, fmt.Errorf("login %s: %w", name, errBadCredentials)
	case err != nil:
		return User{}, fmt.Errorf("login %s: %w", name, err)
	case u.Disabled:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s is disabled", name)
	case u.Locked:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s is locked after %d failed logons; an administrator must release it", name, auth.MaxFailures)
	case inactive(u, now):
		if err := s.disableInactive(ctx, u.Name, now); err != nil {
			return User{}, err
		}
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s was disabled after 90 days unused", name)
	case c.passwordHash == "":
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s has no password; an administrator must set one", name)
	case NeedsMFA(u.Viewer()) && c.totpSecret == "":
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s can read non-public records and has no second factor; an administrator must enrol TOTP", name)
	}
	ok, err := auth.VerifyPassword(password, c.passwordHash)
	if err != nil {
		return User{}, fmt.Errorf("login %s: %w", name, err)
	}
	var step int64
	if ok && c.totpSecret != "" {
		secret, err := auth.DecodeSecret(c.totpSecret)
		if err != nil {
			return User{}, fmt.Errorf("login %s: %w", name, err)
		}
		step, ok = auth.TOTP{Secret: secret}.Verify(code, now, lastStep)
	}
	if !ok {
		locked, err := s.loginFailed(ctx, name, now)
		if err != nil {
			return User{}, err
		}
		if locked {
			return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "wrong user name, password or one-time code; account %s is now locked", name)
		}
		return User{}, fmt.Errorf("login %s: %w", name, errBadCredentials)
	}
	err = s.write(ctx, func(t txn) error {
		// The step condition makes a code usable once even when two logons
		// race with it.
		res, err := t.exec(ctx, "UPDATE users SET last_active_at = ?, totp_last_step = ? WHERE name = ? AND totp_last_step = ? AND locked = FALSE",
			formatTime(now), max(step, lastStep), name, lastStep)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errBadCredentials
		}
		_, err = t.exec(ctx, "DELETE FROM login_failures WHERE user_name = ?", name)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("login %s: %w", name, err)
	}
	u.LastActiveAt = now.UTC().Truncate(time.Microsecond)
	return u, nil
}

// loginFailed records a failed logon and locks the account at the
// auth.MaxFailures-th failure inside auth.FailureWindow. It reports whether
// the account is now locked.
func (s *Store) loginFailed(ctx context.Context, name string, now time.Time) (bool, error) {
	var locked bool
	err := s.write(ctx, func(t txn) error {
		if _, err := t.exec(ctx, "INSERT INTO login_failures (user_name, time) VALUES (?, ?)", name, formatTime(now)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, "DELETE FROM login_failures WHERE user_name = ? AND time < ?", name, formatTime(now.Add(-auth.FailureWindow))); err != nil {
			return err
		}
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM login_failures WHERE user_name = ?", name).Scan(&n); err != nil {
			return err
		}
		if n >= auth.MaxFailures {
			locked = true
			_, err := t.exec(ctx, "UPDATE users SET locked = TRUE WHERE name = ?", name)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record failed logon of %s: %w", name, err)
	}
	return locked, nil
}

// Session is a logged-on browser's server-side session. Its secret lives
// only in the client's cookie; the store keeps its hash.
type Session struct {
	ID         string    `json:"id"`
	User       string    `json:"user"`
	CSRF       string    `json:"csrf_token"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	SourceAddr string    `json:"source_addr,omitempty"`
	// IdleExpiresAt and ExpiresAt are when the session ends without a
	// request, and at the latest.
	IdleExpiresAt time.Time `json:"idle_expires_at"`
	ExpiresAt     time.Time `json:"expires_at"`
}

func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *Session) limits() {
	ss.IdleExpiresAt = ss.LastSeenAt.Add(auth.SessionIdle)
	ss.ExpiresAt = ss.CreatedAt.Add(auth.SessionAbsolute)
	if ss.ExpiresAt.Before(ss.IdleExpiresAt) {
		ss.IdleExpiresAt = ss.ExpiresAt
	}
}

// CreateSession starts a session for user and returns the cookie secret.
func (s *Store) CreateSession(ctx context.Context, user, addr string) (string, Session, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	b := make([]byte, 8)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	ss := Session{ID: "ses_" + hex.EncodeToString(b), User: user, CSRF: randomText(32), CreatedAt: now, LastSeenAt: now, SourceAddr: addr}
	ss.limits()
	secret := randomText(32)
	err := s.write(ctx, func(t txn) error {
		// Ended sessions go when new ones start, so the table stays small.
		if _, err := t.exec(ctx, "DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?",
			formatTime(now.Add(-auth.SessionAbsolute)), formatTime(now.Add(-auth.SessionIdle))); err != nil {
			return err
		}
		_, err := t.exec(ctx, "INSERT INTO sessions (hash, id, user_name, csrf, created_at, last_seen_at, source_addr) VALUES (?, ?, ?, ?, ?, ?, ?)",
			access.HashToken(secret), ss.ID, user, ss.CSRF, formatTime(now), formatTime(now), addr)
		return dbError(err, "session for user "+user)
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	return secret, ss, nil
}

// sessionTouchEvery bounds how often a session's last request is written;
// the idle limit is then exact to within it.
const sessionTouchEvery = 30 * time.Second

// SessionViewer returns the viewer and session of a cookie secret and
// counts the request as activity. EUNAUTHENTICATED when the session is
// unknown, idle for 30 minutes, older than 12 hours, or its user disabled
// or locked; an ended session is deleted.
func (s *Store) SessionViewer(ctx context.Context, secret string) (access.Viewer, Session, error) {
	now := s.now().UTC()
	hash := access.HashToken(secret)
	var ss Session
	var u User
	var ended bool
	err := s.read(ctx, func(t txn) error {
		var created, seen string
		err := t.queryRow(ctx, "SELECT id, user_name, csrf, created_at, last_seen_at, source_addr FROM sessions WHERE hash = ?", hash).
			Scan(&ss.ID, &ss.User, &ss.CSRF, &created, &seen, &ss.SourceAddr)
		if err != nil {
			return err
		}
		if ss.CreatedAt, err = parseTime(created); err != nil {
			return err
		}
		if ss.LastSeenAt, err = parseTime(seen); err != nil {
			return err
		}
		u, err = scanUser(t.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE name = ?", ss.User))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return access.Viewer{}, Session{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "no such session; log on again")
	} else if err != nil {
		return access.Viewer{}, Session{}, fmt.Errorf("session: %w", err)
	}
	ss.limits()
	var why string
	switch {
	case !now.Before(ss.ExpiresAt):
		ended, why = true, "session reached its 12-hour limit; log on again"
	case !now.Before(ss.IdleExpiresAt):
		ended, why = true, "session ended after 30 minutes idle; log on again"
	case u.Disabled || u.Locked:
		ended, why = true, "account is disabled or locked"
	}
	if ended {
		if err := s.DeleteSession(ctx, secret); err != nil {
			return access.Viewer{}, Session{}, err
		}
		return access.Viewer{}, Session{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "%s", why)
	}
	if now.Sub(ss.LastSeenAt) >= sessionTouchEvery {
		err := s.write(ctx, func(t txn) error {
			_, err := t.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE hash = ?", formatTime(now), hash)
			return err
		})
		if err != nil {
			return access.Viewer{}, Session{}, fmt.Errorf("session: %w", err)
		}
		ss.LastSeenAt = now.Truncate(time.Microsecond)
		ss.limits()
	}
	if err := s.touch(ctx, u, now); err != nil {
		return access.Viewer{}, Session{}, err
	}
	return u.Viewer(), ss, nil
}

// DeleteSession ends a session (logout). Ending an unknown session is not
// an error.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "DELETE FROM sessions WHERE hash = ?", access.HashToken(secret))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// EndUserSessions ends every session of user (a "kill switch" when an
// account is disabled, locked or changed).
func (s *Store) EndUserSessions(ctx context.Context, user string) error {
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "DELETE FROM sessions WHERE user_name = ?", user)
		return err
	})
	if err != nil {
		return fmt.Errorf("end sessions of %s: %w", user, err)
	}
	return nil
}
