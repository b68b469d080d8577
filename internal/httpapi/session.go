package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/store"
)

// bannerBody is GET /api/v1/login's answer.
type bannerBody struct {
	Banner string `json:"banner"`
	// Factors are what a logon needs besides the banner acknowledgement.
	Factors []string `json:"factors"`
	// OIDCProviders are the agency identity providers one may sign on
	// through instead: GET /api/v1/oidc/{provider}/login.
	OIDCProviders []string `json:"oidc_providers,omitempty"`
}

func (s *Server) loginBanner(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, bannerBody{Banner: s.banner, Factors: []string{"password", "totp"},
		OIDCProviders: s.oidc.Names()})
}

// loginRequest is POST /api/v1/login's body.
type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
	// AcknowledgeBanner must be true: the user has read the system-use
	// notice (CJIS AC-8).
	AcknowledgeBanner bool `json:"acknowledge_banner"`
}

// sessionBody describes the caller's session.
type sessionBody struct {
	User    access.Viewer  `json:"user"`
	Session *store.Session `json:"session,omitempty"`
	Token   *store.Token   `json:"token,omitempty"`
}

// login checks a password and TOTP logon and starts a cookie session. It is
// a public route because nobody is authenticated yet, so it writes its own
// audit event for success and failure alike.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ev := audit.Event{Actor: "anonymous", Action: audit.ActionLogin, Object: "session", SourceAddr: remoteHost(r.RemoteAddr)}
	var body any
	err := func() error {
		// A JSON content type cannot be sent cross-site without a CORS
		// preflight, which this server never grants: no login CSRF.
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			return invalid("login: Content-Type must be application/json")
		}
		var req loginRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return invalid("login: body: %v", err)
		}
		if req.User != "" && len(req.User) <= 128 {
			ev.Actor = req.User
		}
		if req.User == "" || req.Password == "" {
			return invalid("login: user and password are required")
		}
		if !req.AcknowledgeBanner {
			return invalid("login: the system-use notice (GET /api/v1/login) must be acknowledged: set acknowledge_banner")
		}
		u, err := s.store.Login(r.Context(), req.User, req.Password, req.TOTP)
		if err != nil {
			return err
		}
		ev.Agency = u.Agency
		secret, ss, err := s.store.CreateSession(r.Context(), u.Name, ev.SourceAddr)
		if err != nil {
			return err
		}
		ev.Detail = "session " + ss.ID + "; password+totp; banner acknowledged"
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: true,
			SameSite: http.SameSiteStrictMode})
		body = sessionBody{User: u.Viewer(), Session: &ss}
		return nil
	}()
	if err != nil {
		ev.Outcome, ev.Detail = audit.Failure, nexus.ErrorMessage(err)
	} else {
		ev.Outcome = audit.Success
	}
	ev.Time = s.now().UTC()
	if _, aerr := s.store.AppendAudit(context.WithoutCancel(r.Context()), ev); aerr != nil {
		s.log.Error("audit append failed; logon refused", "actor", ev.Actor, "err", aerr)
		s.writeError(w, r, fmt.Errorf("audit: %w", aerr))
		return
	}
	if err != nil {
		// Never hand out a cookie with an error.
		w.Header().Del("Set-Cookie")
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, body)
}

func (s *Server) logout(r *http.Request, c *call) (any, error) {
	if c.Session == nil {
		return nil, invalid("logout ends a cookie session; an API token is ended by revoking it (DELETE /api/v1/tokens/{id})")
	}
	c.Object = "session " + c.Session.ID
	if err := s.store.DeleteSession(r.Context(), c.SessionSecret); err != nil {
		return nil, err
	}
	return map[string]string{"status": "logged out"}, nil
}

func (s *Server) session(r *http.Request, c *call) (any, error) {
	c.Object = "session"
	return sessionBody{User: c.Viewer, Session: c.Session, Token: c.Token}, nil
}

// tokenRequest is POST /api/v1/tokens's body.
type tokenRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
	// ExpiresIn is a lifetime such as "720h"; tokens made through the API
	// always expire, after at most MaxTokenLifetime.
	ExpiresIn string `json:"expires_in"`
}

// MaxTokenLifetime bounds the lifetime of a token made through the API.
const MaxTokenLifetime = 365 * 24 * time.Hour

// newTokenBody is the one answer that carries a token's secret.
type newTokenBody struct {
	Secret string      `json:"secret"`
	Token  store.Token `json:"token"`
}

func (s *Server) createToken(r *http.Request, c *call) (any, error) {
	var req tokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	c.Object = "token for user:" + c.Viewer.UserID
	scopes, err := auth.ParseScopes(strings.Join(req.Scopes, ","))
	if err != nil {
		return nil, err
	}
	// A token cannot hand out more than it holds.
	if c.Token != nil {
		for _, sc := range scopes {
			if !slices.Contains(c.Token.Scopes, sc) {
				return nil, nexus.Errorf(nexus.EFORBIDDEN, "a token cannot create a token with scope %q it lacks", sc)
			}
		}
	}
	life := 90 * 24 * time.Hour
	if req.ExpiresIn != "" {
		if life, err = time.ParseDuration(req.ExpiresIn); err != nil || life <= 0 {
			return nil, invalid("expires_in: %q is not a positive duration such as 720h", req.ExpiresIn)
		}
	}
	if life > MaxTokenLifetime {
		return nil, invalid("expires_in: %s is longer than the %s allowed", life, MaxTokenLifetime)
	}
	secret, tk, err := s.store.CreateScopedToken(r.Context(), c.Viewer.UserID, req.Name, s.now().Add(life), scopes)
	if err != nil {
		return nil, err
	}
	c.Object = "token:" + tk.ID + " scopes:" + strings.Join(tk.Scopes, ",")
	c.Status = http.StatusCreated
	return newTokenBody{Secret: secret, Token: tk}, nil
}

func (s *Server) listTokens(r *http.Request, c *call) (any, error) {
	c.Object = "tokens of user:" + c.Viewer.UserID
	ts, err := s.store.Tokens(r.Context(), c.Viewer.UserID)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	return map[string]any{"results": ts}, nil
}

func (s *Server) revokeToken(r *http.Request, c *call) (any, error) {
	id := r.PathValue("id")
	c.Object = "token:" + id
	if err := s.store.RevokeUserToken(r.Context(), c.Viewer.UserID, id); err != nil {
		return nil, err
	}
	return map[string]string{"status": "revoked", "id": id}, nil
}

// decodeJSON reads a JSON request body strictly.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("body: %v", err)
	}
	return nil
}
