package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"
)

// openAPIDoc is the OpenAPI 3.1 description of routes(), written by hand.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}

// healthz reports that the process is up; it checks nothing else, so an
// orchestrator does not restart a node over a database outage.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

// readyz reports whether the node can serve: the store answers and, when
// there is a bus, the bus answers. Failures are logged, not shown, because
// this endpoint needs no authentication.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	checks := map[string]string{"store": "ok"}
	ready := true
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readiness: store", "err", err)
		checks["store"], ready = "unavailable", false
	}
	if s.bus != nil {
		checks["bus"] = "ok"
		if err := s.bus.Ping(); err != nil {
			s.log.Warn("readiness: bus", "err", err)
			checks["bus"], ready = "unavailable", false
		}
	}
	status, code := "ready", http.StatusOK
	if !ready {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	s.writeJSON(w, r, code, map[string]any{"status": status, "checks": checks})
}
