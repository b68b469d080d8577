package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
)

// OIDCLoginTTL is how long a sign-in may stay at the identity provider
// before its state is no longer accepted.
const OIDCLoginTTL = 10 * time.Minute

// OIDCLogin is a sign-in under way at an agency's identity provider: what
// the callback needs to check the provider's answer. State and Binding are
// secrets held by the browser (the state parameter and a cookie); the
// store keeps only their hashes.
type OIDCLogin struct {
	Provider   string
	State      string
	Binding    string
	Nonce      string
	Verifier   string
	SourceAddr string
}

// StartOIDCLogin records l until its callback or OIDCLoginTTL, whichever is
// first. Expired sign-ins are deleted as new ones start.
func (s *Store) StartOIDCLogin(ctx context.Context, l OIDCLogin) error {
	if l.State == "" || l.Binding == "" || l.Nonce == "" || l.Verifier == "" || l.Provider == "" {
		return nexus.Errorf(nexus.EINVALID, "oidc login: provider, state, binding, nonce and verifier are required")
	}
	now := s.now()
	err := s.write(ctx, func(t txn) error {
		if _, err := t.exec(ctx, "DELETE FROM oidc_logins WHERE created_at < ?", formatTime(now.Add(-OIDCLoginTTL))); err != nil {
			return err
		}
		_, err := t.exec(ctx, "INSERT INTO oidc_logins (state_hash, provider, binding_hash, nonce, verifier, source_addr, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			access.HashToken(l.State), l.Provider, access.HashToken(l.Binding), l.Nonce, l.Verifier, l.SourceAddr, formatTime(now))
		return dbError(err, "oidc login state")
	})
	if err != nil {
		return fmt.Errorf("start oidc login: %w", err)
	}
	return nil
}

// FinishOIDCLogin redeems a state once: it deletes the sign-in whatever
// the outcome, so a replayed callback finds nothing. EUNAUTHENTICATED when
// the state is unknown, already used, older than OIDCLoginTTL, started for
// another provider, or binding is not the cookie set when it started.
func (s *Store) FinishOIDCLogin(ctx context.Context, provider, state, binding string) (OIDCLogin, error) {
	now := s.now()
	l := OIDCLogin{State: state, Binding: binding}
	var bindingHash, created string
	err := s.write(ctx, func(t txn) error {
		return t.queryRow(ctx, "DELETE FROM oidc_logins WHERE state_hash = ? RETURNING provider, binding_hash, nonce, verifier, source_addr, created_at",
			access.HashToken(state)).Scan(&l.Provider, &bindingHash, &l.Nonce, &l.Verifier, &l.SourceAddr, &created)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return OIDCLogin{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc: unknown or already used state; start the sign-in again")
	} else if err != nil {
		return OIDCLogin{}, fmt.Errorf("finish oidc login: %w", err)
	}
	at, err := parseTime(created)
	if err != nil {
		return OIDCLogin{}, fmt.Errorf("finish oidc login: %w", err)
	}
	switch {
	case now.Sub(at) > OIDCLoginTTL:
		return OIDCLogin{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc: the sign-in took longer than %s; start it again", OIDCLoginTTL)
	case l.Provider != provider:
		return OIDCLogin{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc: state was issued for provider %q, not %q", l.Provider, provider)
	case access.HashToken(binding) != bindingHash:
		return OIDCLogin{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc: state does not belong to this browser (sign-in cookie missing or different)")
	}
	return l, nil
}

// FederatedLogin signs on the user an agency's identity provider vouched
// for. The account must belong to agency: an identity provider can only
// ever sign on its own agency's accounts. When the account does not exist
// and provision is not nil, it is created from provision (its agency
// forced to agency; nothing else comes from the provider). Disabled,
// locked and 90-day-unused accounts are refused as in Login. On success the
// user's last activity is now.
func (s *Store) FederatedLogin(ctx context.Context, agency, name string, provision *User) (User, error) {
	now := s.now()
	if strings.TrimSpace(name) == "" {
		return User{}, nexus.Errorf(nexus.EINVALID, "federated login: empty user name")
	}
	u, err := s.GetUser(ctx, name)
	if nexus.ErrorCode(err) == nexus.ENOTFOUND && provision != nil {
		p := *provision
		p.Name, p.Agency, p.CreatedAt, p.Disabled = name, agency, now, false
		err = s.write(ctx, func(t txn) error {
			// DO NOTHING: a name taken meanwhile, by whichever agency, is
			// checked below rather than overwritten.
			_, err := t.exec(ctx, `INSERT INTO users (name, agency, roles, cui, caveats, sharing_groups, compartments, disabled, created_at, part23_trained, last_active_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
				p.Name, p.Agency, jsonList(p.Roles), p.CUI, jsonList(p.Caveats), jsonList(p.SharingGroups),
				jsonList(p.Compartments), formatTime(now), p.Part23Trained, formatTime(now))
			return dbError(err, "user "+name)
		})
		if err != nil {
			return User{}, fmt.Errorf("provision user %s: %w", name, err)
		}
		s.logger.Info("user provisioned by federated sign-in", "user", name, "agency", agency)
		u, err = s.GetUser(ctx, name)
	}
	switch {
	case nexus.ErrorCode(err) == nexus.ENOTFOUND:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "no Nexus account %s; an administrator must create it", name)
	case err != nil:
		return User{}, fmt.Errorf("federated login %s: %w", name, err)
	case u.Agency != agency:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s belongs to agency %s; this identity provider signs on agency %s accounts only", name, u.Agency, agency)
	case u.Disabled:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s is disabled", name)
	case u.Locked:
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s is locked; an administrator must release it", name)
	case inactive(u, now):
		if err := s.disableInactive(ctx, u.Name, now); err != nil {
			return User{}, err
		}
		return User{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "account %s was disabled after 90 days unused", name)
	}
	err = s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, "UPDATE users SET last_active_at = ? WHERE name = ?", formatTime(now), name)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("federated login %s: %w", name, err)
	}
	u.LastActiveAt = now.UTC().Truncate(time.Microsecond)
	return u, nil
}
