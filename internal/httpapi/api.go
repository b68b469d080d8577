package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
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
}

// apiFunc handles an authenticated request. It returns the value to send as
// JSON, or an error. It does not write the response: the caller first
// records the request in the audit log, so nothing is answered unaudited.
type apiFunc func(r *http.Request, c *call) (any, error)

// apiHandler wraps an API route with authentication, the audit log and the
// JSON response.
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
		v, err := s.authenticate(r)
		authenticated := err == nil
		if authenticated {
			ev.Actor, ev.Agency = v.UserID, v.Agency
			c.Viewer = v
			r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
			body, err = rt.API(r, c)
		}
		ev.Object = c.Object
		if !authenticated {
			// The handler never ran; record what was attempted.
			ev.Object = r.URL.RequestURI()
		}
		ev.Outcome, ev.Detail = outcome(err)
		ev.Time = s.now().UTC()
		// A client hanging up must not keep what it did (an import, say)
		// out of the log.
		if _, aerr := s.store.AppendAudit(context.WithoutCancel(r.Context()), ev); aerr != nil {
			s.log.Error("audit append failed; request refused", "route", rt.Pattern, "actor", ev.Actor, "err", aerr)
			s.writeError(w, r, fmt.Errorf("audit: %w", aerr))
			return
		}
		if err != nil {
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

// authenticate returns the viewer of the request's bearer token.
func (s *Server) authenticate(r *http.Request) (access.Viewer, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return access.Viewer{}, nexus.Errorf(nexus.EUNAUTHENTICATED, "missing bearer token")
	}
	v, err := s.store.Authenticate(r.Context(), strings.TrimSpace(token))
	if err != nil {
		return access.Viewer{}, err
	}
	return v, nil
}

// outcome classifies a request's error for the audit log.
func outcome(err error) (outcome, detail string) {
	switch nexus.ErrorCode(err) {
	case "":
		return audit.Success, ""
	case nexus.EFORBIDDEN:
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
