package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// guard wraps every request: security headers on every answer and the
// per-address rate limit on the API.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		api := strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/match/")
		if api {
			// Answers hold records; no cache may keep them.
			h.Set("Cache-Control", "no-store")
		}
		if api && s.addrLimit != nil {
			if ok, wait := s.addrLimit.Allow(remoteHost(r.RemoteAddr)); !ok {
				setRetryAfter(h, wait)
				s.writeError(w, r, errRateLimited)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds the request body of a route at Config.MaxBody. Upload
// routes are left to their handlers, which bound it at Config.MaxUpload.
func (s *Server) limitBody(rt route, next http.Handler) http.Handler {
	if rt.Upload {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			if r.ContentLength > s.maxBody {
				s.writeError(w, r, invalid("request body of %d bytes is larger than the %d allowed", r.ContentLength, s.maxBody))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// setRetryAfter tells a rate-limited client how many whole seconds to wait.
func setRetryAfter(h http.Header, wait time.Duration) {
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
}
