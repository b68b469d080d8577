// Package httpapi is the Nexus REST/JSON API. routes.go lists every
// endpoint in one table; each handler parses, validates, calls the store and
// responds. Every request under /api/v1, and yente's /match, is authenticated with a bearer
// token, runs as that token's viewer and is written to the audit log before
// its answer leaves the server.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/network"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// DefaultMaxUpload is the largest import upload accepted when
// Config.MaxUpload is zero.
const DefaultMaxUpload = 512 << 20

// Config holds what the API needs. Store is required; the rest have
// defaults.
type Config struct {
	Store *store.Store
	// Bus, when set, is checked by /readyz.
	Bus *events.Bus
	// Import runs one import (read, store, publish). The API saves the
	// upload to a temporary path, calls Import and removes the files after.
	// Nil disables POST /api/v1/import.
	Import func(ctx context.Context, req ImportRequest) (store.Delta, error)
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // time.Now when nil
	// Registry receives the HTTP metrics and is served on /metrics; a new
	// registry with the Go and process collectors when nil.
	Registry *prometheus.Registry
	Version  string
	// MaxUpload bounds an import upload in bytes; DefaultMaxUpload when 0.
	MaxUpload int64
	// Screening serves /api/v1/screen, /match, clearances and monitors;
	// nil disables them.
	Screening *screening.Service
	// Graph serves /api/v1/graph/...; nil disables them.
	Graph *network.Service
	// Transactions evaluates and stores POST /api/v1/transactions; nil
	// disables it.
	Transactions *feed.Feed
}

// ImportRequest is one upload handed to Config.Import.
type ImportRequest struct {
	Viewer  access.Viewer
	Dataset string
	Format  string
	// Path is the uploaded file, or for a multi-file upload (OFAC's
	// sdn.csv, alt.csv, add.csv, sdn_comments.csv) the directory holding
	// them under their own names. It is removed when Import returns.
	Path   string
	Strict bool
	// Map maps FtM property to column header for the csv format.
	Map map[string]string
}

// Server serves the API. Build it with New.
type Server struct {
	store     *store.Store
	bus       *events.Bus
	importFn  func(ctx context.Context, req ImportRequest) (store.Delta, error)
	log       *slog.Logger
	now       func() time.Time
	registry  *prometheus.Registry
	version   string
	maxUpload int64
	metrics   *metrics
	screening *screening.Service
	graph     *network.Service
	feed      *feed.Feed
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		store: cfg.Store, bus: cfg.Bus, importFn: cfg.Import, log: cfg.Logger, now: cfg.Now,
		registry: cfg.Registry, version: cfg.Version, maxUpload: cfg.MaxUpload, screening: cfg.Screening,
		graph: cfg.Graph, feed: cfg.Transactions,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxUpload <= 0 {
		s.maxUpload = DefaultMaxUpload
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(s.registry, s.log)
	return s
}

// Handler returns the http.Handler serving every route in routes().
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		var h http.Handler
		if rt.API != nil {
			h = s.apiHandler(rt)
		} else {
			h = rt.Public
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.metrics.wrap(rt.Pattern, h))
	}
	// Anything else gets the same JSON error shape as the routes do.
	mux.Handle("/", s.metrics.wrap("unmatched", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, notFound("no route for %s %s", r.Method, r.URL.Path))
	})))
	return mux
}

type viewerKey struct{}

// ViewerFrom returns the authenticated viewer of a request under /api/v1.
func ViewerFrom(ctx context.Context) (access.Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(access.Viewer)
	return v, ok
}

// shutdownTimeout bounds how long in-flight requests may take to finish
// once the server is asked to stop.
const shutdownTimeout = 30 * time.Second

// ListenAndServe serves h on addr until ctx is cancelled, then stops
// accepting connections and waits (up to 30 seconds) for in-flight requests
// to complete.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return Serve(ctx, ln, h, logger)
}

// Serve is ListenAndServe on an existing listener, which it closes.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("http server shutting down", "addr", ln.Addr().String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
