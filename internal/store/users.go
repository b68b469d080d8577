package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/auth"
)

// PutAgency creates or renames an agency.
func (s *Store) PutAgency(ctx context.Context, a Agency) error {
	if strings.TrimSpace(a.Code) == "" {
		return nexus.Errorf(nexus.EINVALID, "agency: empty code")
	}
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "INSERT INTO agencies (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
			a.Code, a.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("put agency %s: %w", a.Code, dbError(err, "agency "+a.Code))
	}
	return nil
}

// Agencies lists agencies by code.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	return readAll(ctx, s, "agencies", func(sc interface{ Scan(...any) error }) (Agency, error) {
		var a Agency
		err := sc.Scan(&a.Code, &a.Name)
		return a, err
	}, "SELECT code, name FROM agencies ORDER BY code")
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

// PutUser creates or updates a user; its agency must exist (EINVALID). An
// update keeps the user's creation time.
func (s *Store) PutUser(ctx context.Context, u User) error {
	if strings.TrimSpace(u.Name) == "" {
		return nexus.Errorf(nexus.EINVALID, "user: empty name")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.now()
	}
	err := s.write(ctx, func(t txn) error {
		var code string
		err := t.queryRow(ctx, "SELECT code FROM agencies WHERE code = ?", u.Agency).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return nexus.Errorf(nexus.EINVALID, "user %s: unknown agency %q", u.Name, u.Agency)
		} else if err != nil {
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO users (name, agency, roles, cui, caveats, sharing_groups, compartments, disabled, created_at, part23_trained)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET agency = excluded.agency, roles = excluded.roles, cui = excluded.cui,
				caveats = excluded.caveats, sharing_groups = excluded.sharing_groups,
				compartments = excluded.compartments, disabled = excluded.disabled,
				part23_trained = excluded.part23_trained`,
			u.Name, u.Agency, jsonList(u.Roles), u.CUI, jsonList(u.Caveats), jsonList(u.SharingGroups),
			jsonList(u.Compartments), u.Disabled, formatTime(u.CreatedAt), u.Part23Trained)
		return err
	})
	if err != nil {
		return fmt.Errorf("put user %s: %w", u.Name, dbError(err, "user "+u.Name))
	}
	return nil
}

const userColumns = "name, agency, roles, cui, caveats, sharing_groups, compartments, disabled, created_at, " +
	"part23_trained, locked, last_active_at, password_hash, totp_secret"

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	u, _, err := scanUserCreds(sc)
	return u, err
}

// credentials are the secrets of a user row, kept out of User so they never
// reach an API answer or a log line.
type credentials struct {
	passwordHash string
	totpSecret   string
}

func scanUserCreds(sc interface{ Scan(...any) error }) (User, credentials, error) {
	var u User
	var c credentials
	var roles, caveats, groups, comps, created, active string
	if err := sc.Scan(&u.Name, &u.Agency, &roles, &u.CUI, &caveats, &groups, &comps, &u.Disabled, &created,
		&u.Part23Trained, &u.Locked, &active, &c.passwordHash, &c.totpSecret); err != nil {
		return u, c, err
	}
	u.HasPassword, u.TOTPEnrolled = c.passwordHash != "", c.totpSecret != ""
	for _, f := range []struct {
		s   string
		dst *[]string
	}{{roles, &u.Roles}, {caveats, &u.Caveats}, {groups, &u.SharingGroups}, {comps, &u.Compartments}} {
		if err := json.Unmarshal([]byte(f.s), f.dst); err != nil {
			return u, c, fmt.Errorf("user %s: %w", u.Name, err)
		}
		if len(*f.dst) == 0 {
			*f.dst = nil
		}
	}
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return u, c, err
	}
	u.LastActiveAt, err = parseTime(active)
	return u, c, err
}

// GetUser returns a user; ENOTFOUND when absent.
func (s *Store) GetUser(ctx context.Context, name string) (User, error) {
	var u User
	err := s.read(ctx, func(t txn) error {
		var err error
		u, err = scanUser(t.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE name = ?", name))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("get user: %w", dbError(err, "user "+name))
	}
	return u, nil
}

// Users lists users by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	return readAll(ctx, s, "users", scanUser, "SELECT "+userColumns+" FROM users ORDER BY name")
}

// CreateToken issues a token with every scope for user and returns its
// secret, which is shown once and stored only as a hash. expires zero means
// no expiry. The user must exist (ENOTFOUND).
func (s *Store) CreateToken(ctx context.Context, user, name string, expires time.Time) (string, Token, error) {
	return s.CreateScopedToken(ctx, user, name, expires, auth.Scopes)
}

// CreateScopedToken issues a token limited to scopes (see auth.Scopes).
func (s *Store) CreateScopedToken(ctx context.Context, user, name string, expires time.Time, scopes []string) (string, Token, error) {
	scopes, err := auth.ParseScopes(strings.Join(scopes, ","))
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	b := make([]byte, 8)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms
	t := Token{ID: "tok_" + hex.EncodeToString(b), User: user, Name: name, CreatedAt: s.now().UTC().Truncate(time.Microsecond), Scopes: scopes}
	var exp any
	if !expires.IsZero() {
		e := expires.UTC().Truncate(time.Microsecond)
		t.ExpiresAt, exp = &e, formatTime(e)
	}
	secret := access.NewTokenSecret()
	err = s.write(ctx, func(tx txn) error {
		var n string
		if err := tx.queryRow(ctx, "SELECT name FROM users WHERE name = ?", user).Scan(&n); err != nil {
			return dbError(err, "user "+user)
		}
		_, err := tx.exec(ctx, "INSERT INTO tokens (id, user_name, name, hash, created_at, expires_at, revoked, scopes) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)",
			t.ID, user, name, access.HashToken(secret), formatTime(t.CreatedAt), exp, jsonList(scopes))
		return dbError(err, "token")
	})
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

const tokenColumns = "id, user_name, name, created_at, expires_at, revoked, scopes"

func scanToken(sc interface{ Scan(...any) error }) (Token, error) {
	var tk Token
	var created, scopes string
	var expires sql.NullString
	if err := sc.Scan(&tk.ID, &tk.User, &tk.Name, &created, &expires, &tk.Revoked, &scopes); err != nil {
		return tk, err
	}
	var err error
	if tk.CreatedAt, err = parseTime(created); err != nil {
		return tk, err
	}
	if expires.Valid {
		e, err := parseTime(expires.String)
		if err != nil {
			return tk, err
		}
		tk.ExpiresAt = &e
	}
	if err := json.Unmarshal([]byte(scopes), &tk.Scopes); err != nil {
		return tk, fmt.Errorf("token %s scopes: %w", tk.ID, err)
	}
	return tk, nil
}

// Tokens lists a user's tokens ("" for all users) by creation time.
func (s *Store) Tokens(ctx context.Context, user string) ([]Token, error) {
	q, args := "SELECT "+tokenColumns+" FROM tokens", []any{}
	if user != "" {
		q += " WHERE user_name = ?"
		args = append(args, user)
	}
	return readAll(ctx, s, "tokens", scanToken, q+" ORDER BY created_at, id", args...)
}

// RevokeToken revokes a token by id; ENOTFOUND when there is none.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	return s.RevokeUserToken(ctx, "", id)
}

// RevokeUserToken revokes token id of user ("" for any user); ENOTFOUND
// when user holds no such token, so nobody learns of other users' tokens.
func (s *Store) RevokeUserToken(ctx context.Context, user, id string) error {
	err := s.write(ctx, func(t txn) error {
		q, args := "UPDATE tokens SET revoked = TRUE WHERE id = ?", []any{id}
		if user != "" {
			q += " AND user_name = ?"
			args = append(args, user)
		}
		res, err := t.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "token %s not found", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// Authenticate returns the viewer for a token secret (see AuthenticateToken).
func (s *Store) Authenticate(ctx context.Context, secret string) (access.Viewer, error) {
	v, _, err := s.AuthenticateToken(ctx, secret)
	return v, err
}

// AuthenticateToken returns the viewer and the token for a token secret.
// EUNAUTHENTICATED when the token is unknown, revoked, expired or its user
// disabled, locked or unused for 90 days; the message does not say which, so a
// caller learns nothing about other people's tokens. A use counts as
// activity of the user.
func (s *Store) AuthenticateToken(ctx context.Context, secret string) (access.Viewer, Token, error) {
	unauth := nexus.Errorf(nexus.EUNAUTHENTICATED, "invalid or expired token")
	var u User
	var tk Token
	now := s.now()
	err := s.read(ctx, func(t txn) error {
		var err error
		tk, err = scanToken(t.queryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?", access.HashToken(secret)))
		if errors.Is(err, sql.ErrNoRows) {
			return unauth
		} else if err != nil {
			return err
		}
		u, err = scanUser(t.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE name = ?", tk.User))
		if err != nil {
			return err
		}
		if tk.Revoked || u.Disabled || u.Locked || (tk.ExpiresAt != nil && !now.Before(*tk.ExpiresAt)) {
			return unauth
		}
		return nil
	})
	if err != nil {
		return access.Viewer{}, Token{}, fmt.Errorf("authenticate: %w", err)
	}
	if inactive(u, now) {
		if err := s.disableInactive(ctx, u.Name, now); err != nil {
			return access.Viewer{}, Token{}, err
		}
		return access.Viewer{}, Token{}, fmt.Errorf("authenticate: %w", unauth)
	}
	if err := s.touch(ctx, u, now); err != nil {
		return access.Viewer{}, Token{}, err
	}
	return u.Viewer(), tk, nil
}

// scanPrefix scans leading columns into pre before handing the rest on.
type scanPrefix struct {
	sc  interface{ Scan(...any) error }
	pre []any
}

func (s scanPrefix) Scan(dst ...any) error { return s.sc.Scan(append(s.pre, dst...)...) }
