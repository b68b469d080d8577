package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/store"
)

// Headers a client sets to record why it reads, for the audit log.
const (
	HeaderPurpose = "X-Nexus-Purpose"
	HeaderCase    = "X-Nexus-Case"
)

// call is one authenticated request as a handler sees it.
type call struct {
	Viewer access.Viewer
	// Object is what the request is about (entity id, dataset, query) as
	// the audit log records it; the handler sets it once it has parsed
	// the request.
	Object string
	// Status overrides 200 for a successful response.
	Status int
	// Token is the API token the request came with, Session its session
	// and SessionSecret the session's cookie value; one of Token and
	// Session is set.
	Token         *store.Token
	Session       *store.Session
	SessionSecret string
}

// apiFunc handles an authenticated request. It returns the value to send as
// JSON, or an error. It does not write the response: the caller first
// records the request in the audit log, so nothing is answered unaudited.
type apiFunc func(r *http.Request, c *call) (any, error)

// apiHandler wraps an API route with authentication, the scope check, CSRF
// protection for cookie sessions, the per-caller rate limit, the audit log
// and the JSON response.
func (s *Server) apiHandler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := audit.Event{
			Actor:      "anonymous",
			Action:     rt.Action,
			Purpose:    r.Header.Get(HeaderPurpose),
			CaseNumber: r.Header.Get(HeaderCase),
			SourceAddr: remoteHost(r.RemoteAddr),
		}
		c := &call{}
		var body any
		var retryAfter time.Duration
		err := s.authenticate(r, c)
		ran := false
		if err == nil {
			ev.Actor, ev.Agency = c.Viewer.UserID, c.Viewer.Agency
			err = s.admit(r, rt, c, &retryAfter)
		}
		if err == nil {
			ran = true
			r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, c.Viewer))
			body, err = rt.API(r, c)
		}
		ev.Object = c.Object
		if !ran {
			// The handler never ran; record what was attempted.
			ev.Object = r.URL.RequestURI()
		}
		ev.Outcome, ev.Detail = outcome(err)
		if c.Session != nil {
			// CJIS AU-3(1): the session an action belongs to.
			ev.Detail = strings.TrimSuffix("session "+c.Session.ID+"; "+ev.Detail, "; ")
		}
		ev.Time = s.now().UTC()
		// A client hanging up must not keep what it did (an import, say)
		// out of the log.
		if _, aerr := s.store.AppendAudit(context.WithoutCancel(r.Context()), ev); aerr != nil {
			s.log.Error("audit append failed; request refused", "route", rt.Pattern, "actor", ev.Actor, "err", aerr)
			s.writeError(w, r, fmt.Errorf("audit: %w", aerr))
			return
		}
		if err != nil {
			if retryAfter > 0 {
				setRetryAfter(w.Header(), retryAfter)
			}
			s.writeError(w, r, err)
			return
		}
		status := c.Status
		if status == 0 {
			status = http.StatusOK
		}
		if raw, ok := body.(rawBody); ok {
			w.Header().Set("Content-Type", raw.contentType)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(status)
			w.Write(raw.data)
			return
		}
		s.writeJSON(w, r, status, body)
	})
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "nexus_session"

// HeaderCSRF carries a cookie session's CSRF token on state-changing
// requests.
const HeaderCSRF = "X-CSRF-Token"

// authenticate fills c with the caller of r: the bearer token when there is
// an Authorization header, else the session cookie.
func (s *Server) authenticate(r *http.Request, c *call) error {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return nexus.Errorf(nexus.EUNAUTHENTICATED, "malformed Authorization header; want Bearer <token>")
		}
		v, tk, err := s.store.AuthenticateToken(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.Viewer, c.Token = v, &tk
		return nil
	}
	ck, err := r.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return nexus.Errorf(nexus.EUNAUTHENTICATED, "missing bearer token or session cookie")
	}
	v, ss, err := s.store.SessionViewer(r.Context(), ck.Value)
	if err != nil {
		return err
	}
	c.Viewer, c.Session, c.SessionSecret = v, &ss, ck.Value
	return nil
}

// admit decides whether an authenticated caller may use rt now: the token
// must carry the route's scope, a cookie session must echo its CSRF token on
// anything that changes state, and the caller must be within its rate.
func (s *Server) admit(r *http.Request, rt route, c *call, retryAfter *time.Duration) error {
	key := ""
	switch {
	case c.Token != nil:
		key = "token:" + c.Token.ID
		if rt.Scope != "" && !slices.Contains(c.Token.Scopes, rt.Scope) {
			return nexus.Errorf(nexus.EFORBIDDEN, "token %s lacks the %q scope this route requires", c.Token.ID, rt.Scope)
		}
	case c.Session != nil:
		key = "session:" + c.Session.ID
		if !safeMethod(r.Method) {
			got := r.Header.Get(HeaderCSRF)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.Session.CSRF)) != 1 {
				return nexus.Errorf(nexus.EFORBIDDEN, "missing or wrong %s header (cookie sessions must echo their CSRF token)", HeaderCSRF)
			}
		}
	}
	if s.tokenLimit != nil {
		if ok, wait := s.tokenLimit.Allow(key); !ok {
			*retryAfter = wait
			return errRateLimited
		}
	}
	return nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// errRateLimited answers 429; it is not one of the domain codes because
// only the HTTP layer limits rates.
var errRateLimited = nexus.Errorf(codeRateLimited, "too many requests; slow down and retry after the time in Retry-After")

const codeRateLimited = "rate_limited"

// outcome classifies a request's error for the audit log.
func outcome(err error) (outcome, detail string) {
	switch nexus.ErrorCode(err) {
	case "":
		return audit.Success, ""
	case nexus.EFORBIDDEN, codeRateLimited:
		return audit.Denied, nexus.ErrorMessage(err)
	default:
		return audit.Failure, nexus.ErrorMessage(err)
	}
}

// statusFor is the one mapping from error codes to HTTP statuses.
func statusFor(code string) int {
	switch code {
	case nexus.ENOTFOUND:
		return http.StatusNotFound
	case nexus.EINVALID:
		return http.StatusBadRequest
	case nexus.ECONFLICT:
		return http.StatusConflict
	case nexus.EFORBIDDEN:
		return http.StatusForbidden
	case nexus.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case codeRateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with err's code and safe message. Internal errors are
// logged here, where they stop travelling, and answered with a generic
// message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := nexus.ErrorCode(err)
	if code == nexus.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == nexus.EUNAUTHENTICATED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nexus"`)
	}
	s.writeJSON(w, r, statusFor(code), errorBody{Error: errorDetail{Code: code, Message: nexus.ErrorMessage(err)}})
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "method", r.Method, "path", r.URL.Path, "err", err)
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func remoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

func invalid(format string, args ...any) error { return nexus.Errorf(nexus.EINVALID, format, args...) }
func notFound(format string, args ...any) error {
	return nexus.Errorf(nexus.ENOTFOUND, format, args...)
}
