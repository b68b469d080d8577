// Package httpapi is the Nexus REST/JSON API. routes.go lists every
// endpoint in one table; each handler parses, validates, calls the store and
// responds. Every request under /api/v1, and yente's /match, is authenticated with a bearer
// token, runs as that token's viewer and is written to the audit log before
// its answer leaves the server.
package httpapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/idp"
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
	// Banner is the system-use notice shown before logon, which a logon
	// must acknowledge; auth.DefaultBanner when empty.
	Banner string
	// RatePerAddr and RatePerToken limit requests per second from one
	// client address (every route under /api and /match) and per API token
	// or session; zero means no limit. Bursts default to twice the rate.
	RatePerAddr, RatePerToken   float64
	BurstPerAddr, BurstPerToken int
	// MaxBody bounds a request body other than an import upload;
	// DefaultMaxBody when zero.
	MaxBody int64
	// OIDC holds the agency identity providers users may sign on
	// through (/api/v1/oidc/{provider}/…); nil has none.
	OIDC *idp.Providers
}

// DefaultMaxBody is the largest non-upload request body accepted when
// Config.MaxBody is zero.
const DefaultMaxBody = 4 << 20

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
	banner    string
	maxBody   int64
	oidc      *idp.Providers
	// addrLimit and tokenLimit are nil when there is no limit.
	addrLimit, tokenLimit *auth.Limiter
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	s := &Server{
		store: cfg.Store, bus: cfg.Bus, importFn: cfg.Import, log: cfg.Logger, now: cfg.Now,
		registry: cfg.Registry, version: cfg.Version, maxUpload: cfg.MaxUpload, screening: cfg.Screening,
		graph: cfg.Graph, feed: cfg.Transactions, oidc: cfg.OIDC,
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
	s.banner = cfg.Banner
	if s.banner == "" {
		s.banner = auth.DefaultBanner
	}
	s.maxBody = cfg.MaxBody
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	burst := func(b int, rate float64) int {
		if b > 0 {
			return b
		}
		return max(1, int(2*rate))
	}
	if cfg.RatePerAddr > 0 {
		s.addrLimit = auth.NewLimiter(cfg.RatePerAddr, burst(cfg.BurstPerAddr, cfg.RatePerAddr), s.now)
	}
	if cfg.RatePerToken > 0 {
		s.tokenLimit = auth.NewLimiter(cfg.RatePerToken, burst(cfg.BurstPerToken, cfg.RatePerToken), s.now)
	}
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
		mux.Handle(rt.Method+" "+rt.Pattern, s.metrics.wrap(rt.Pattern, s.limitBody(rt, h)))
	}
	// Anything else gets the same JSON error shape as the routes do.
	mux.Handle("/", s.metrics.wrap("unmatched", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, notFound("no route for %s %s", r.Method, r.URL.Path))
	})))
	return s.guard(mux)
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
	return ListenAndServeTLS(ctx, addr, h, logger, nil)
}

// ListenAndServeTLS is ListenAndServe over TLS when tc is not nil.
func ListenAndServeTLS(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, tc *tls.Config) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	if tc != nil {
		ln = tls.NewListener(ln, tc)
	}
	return Serve(ctx, ln, h, logger)
}

// TLSConfig loads a certificate and key (PEM files) into a server TLS
// configuration that accepts TLS 1.2 and later only (CJIS SC-8).
func TLSConfig(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}, nil
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
		MaxHeaderBytes:    64 << 10,
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
