package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/idp"
	"github.com/nexus-intel/nexus/internal/store"
)

// OIDCCookie binds a sign-in at an identity provider to the browser that
// started it, so a callback URL sent to someone else signs nobody on
// (login CSRF). SameSite=Lax: the provider's redirect back is a cross-site
// navigation, which a Strict cookie would miss.
const OIDCCookie = "nexus_oidc"

const oidcCookiePath = "/api/v1/oidc/"

func (s *Server) oidcProvider(r *http.Request) (*idp.Provider, error) {
	name := r.PathValue("provider")
	p, ok := s.oidc.Get(name)
	if !ok {
		return nil, notFound("no OIDC identity provider %q is configured", name)
	}
	return p, nil
}

// oidcLogin sends the browser to the provider's sign-in page with a fresh
// state, nonce and PKCE challenge. Like the password logon it requires the
// system-use notice (GET /api/v1/login) acknowledged: ?acknowledge_banner=true.
func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		p, err := s.oidcProvider(r)
		if err != nil {
			return err
		}
		if r.URL.Query().Get("acknowledge_banner") != "true" {
			return invalid("oidc login: the system-use notice (GET /api/v1/login) must be acknowledged: add ?acknowledge_banner=true")
		}
		st, err := p.Start(r.Context())
		if err != nil {
			return err
		}
		b := make([]byte, 32)
		rand.Read(b) // crypto/rand.Read never fails on supported platforms
		binding := base64.RawURLEncoding.EncodeToString(b)
		if err := s.store.StartOIDCLogin(r.Context(), store.OIDCLogin{Provider: p.Config().Name, State: st.State, Binding: binding,
			Nonce: st.Nonce, Verifier: st.Verifier, SourceAddr: remoteHost(r.RemoteAddr)}); err != nil {
			return err
		}
		http.SetCookie(w, &http.Cookie{Name: OIDCCookie, Value: binding, Path: oidcCookiePath, HttpOnly: true, Secure: true,
			SameSite: http.SameSiteLaxMode, MaxAge: int(store.OIDCLoginTTL.Seconds())})
		http.Redirect(w, r, st.URL, http.StatusFound)
		return nil
	}()
	if err != nil {
		s.writeError(w, r, err)
	}
}

// oidcCallback finishes a sign-in: it redeems the state once, checks the
// provider's ID token, finds (or, when configured, provisions) the user in
// the provider's agency and starts the same session as the password logon.
// Like it, it audits success and failure itself.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("provider")
	ev := audit.Event{Actor: "anonymous", Action: audit.ActionLogin, Object: "session", SourceAddr: remoteHost(r.RemoteAddr)}
	var body any
	var after string
	// The binding cookie has done its job whatever happens.
	http.SetCookie(w, &http.Cookie{Name: OIDCCookie, Value: "", Path: oidcCookiePath, HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	err := func() error {
		p, err := s.oidcProvider(r)
		if err != nil {
			return err
		}
		cfg := p.Config()
		ev.Agency = cfg.Agency
		q := r.URL.Query()
		var binding string
		if c, err := r.Cookie(OIDCCookie); err == nil {
			binding = c.Value
		}
		// The state is used up first, so whatever fails below cannot be
		// retried with it.
		l, err := s.store.FinishOIDCLogin(r.Context(), cfg.Name, q.Get("state"), binding)
		if err != nil {
			return err
		}
		if e := q.Get("error"); e != "" {
			return nexus.Errorf(nexus.EUNAUTHENTICATED, "oidc provider %s refused the sign-in: %.64s %.200s", cfg.Name, e, q.Get("error_description"))
		}
		if q.Get("code") == "" {
			return invalid("oidc callback: no code")
		}
		id, err := p.Finish(r.Context(), q.Get("code"), l.Verifier, l.Nonce)
		if err != nil {
			return err
		}
		ev.Actor = id.User
		var prov *store.User
		if cfg.Provision != nil {
			prov = &store.User{Roles: cfg.Provision.Roles}
		}
		u, err := s.store.FederatedLogin(r.Context(), cfg.Agency, id.User, prov)
		if err != nil {
			return err
		}
		ev.Agency = u.Agency
		secret, ss, err := s.store.CreateSession(r.Context(), u.Name, ev.SourceAddr)
		if err != nil {
			return err
		}
		ev.Detail = fmt.Sprintf("session %s; oidc provider %s (subject %s, amr %s); banner acknowledged",
			ss.ID, cfg.Name, id.Subject, strings.Join(id.AMR, "+"))
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: true,
			SameSite: http.SameSiteStrictMode})
		body, after = sessionBody{User: u.Viewer(), Session: &ss}, cfg.AfterLogin
		return nil
	}()
	if err != nil {
		ev.Outcome, ev.Detail = audit.Failure, nexus.ErrorMessage(err)
		if !strings.HasPrefix(ev.Detail, "oidc provider "+name+":") {
			ev.Detail = fmt.Sprintf("oidc provider %.64q: %s", name, ev.Detail)
		}
	} else {
		ev.Outcome = audit.Success
	}
	ev.Time = s.now().UTC()
	if _, aerr := s.store.AppendAudit(context.WithoutCancel(r.Context()), ev); aerr != nil {
		s.log.Error("audit append failed; logon refused", "actor", ev.Actor, "err", aerr)
		err = fmt.Errorf("audit: %w", aerr)
	}
	if err != nil {
		// Never hand out a session cookie with an error.
		w.Header().Del("Set-Cookie")
		http.SetCookie(w, &http.Cookie{Name: OIDCCookie, Value: "", Path: oidcCookiePath, HttpOnly: true, Secure: true,
			SameSite: http.SameSiteLaxMode, MaxAge: -1})
		s.writeError(w, r, err)
		return
	}
	if after != "" {
		http.Redirect(w, r, after, http.StatusSeeOther)
		return
	}
	s.writeJSON(w, r, http.StatusOK, body)
}
