package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/httpapi"
	"github.com/nexus-intel/nexus/internal/idp"
	"github.com/nexus-intel/nexus/internal/ingest"
	"github.com/nexus-intel/nexus/internal/network"
	"github.com/nexus-intel/nexus/internal/starter"
	"github.com/nexus-intel/nexus/internal/store"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve")
	var (
		addr      = fs.String("addr", "127.0.0.1:8080", "HOST:PORT to listen on")
		noStarter = fs.Bool("no-starter", false, "do not load the embedded starter lists into an empty database")
		updateIvl = fs.Duration("lists-update-interval", 0, "fetch the official lists this often (e.g. 24h); 0 disables")
		listsBase = fs.String("lists-base-url", "", "fetch list files from this URL prefix instead of the publishers'")
		purgeIvl  = fs.Duration("intel-purge-interval", time.Hour, "purge criminal intelligence past its review date this often; 0 disables")
		purgeBulk = fs.Int("intel-purge-bulk", 10, "most records one scheduled purge removes alone; more needs two people (nexus intel purge request)")
		txRules   = fs.String("tx-rules", "", "typology rule file for transactions (JSON; default: the built-in US rules)")
		exposure  = fs.Float64("exposure-threshold", feed.DefaultExposureThreshold, "screening score at which an account holder counts as a listed party (exposure typology)")
		tlsCert   = fs.String("tls-cert", "", "serve HTTPS with this PEM certificate (with --tls-key)")
		tlsKey    = fs.String("tls-key", "", "the PEM private key of --tls-cert")
		banner    = fs.String("banner", "", "system-use notice users must acknowledge at logon (default: the CJIS-style notice)")
		rateAddr  = fs.Float64("rate-limit-addr", 500, "API requests per second allowed from one client address (bursts of twice that); 0 disables")
		rateToken = fs.Float64("rate-limit-token", 200, "API requests per second allowed per token or session (bursts of twice that; a screening client batching through /match needs hundreds); 0 disables")
		maxBody   = fs.Int64("max-body", httpapi.DefaultMaxBody, "largest request body in bytes, uploads aside")
		oidcConf  = fs.String("oidc-config", "", "JSON file of agency OIDC identity providers users may sign on through (see README)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	rules, err := loadRules(*txRules)
	if err != nil {
		return err
	}
	var tlsConf *tls.Config
	if *tlsCert != "" || *tlsKey != "" {
		if *tlsCert == "" || *tlsKey == "" {
			return fmt.Errorf("--tls-cert and --tls-key go together")
		}
		if tlsConf, err = httpapi.TLSConfig(*tlsCert, *tlsKey); err != nil {
			return err
		}
	}
	var oidcProviders []idp.ProviderConfig
	if *oidcConf != "" {
		if oidcProviders, err = idp.LoadConfig(*oidcConf, e.getenv); err != nil {
			return err
		}
	}
	logger := e.logger()
	st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	bus, closeBus, err := e.openServerBus(ctx)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	defer closeBus()
	im := &importer{store: st, bus: bus, logger: logger}

	if err := bootstrapAdmin(ctx, st, e.dataDir, logger); err != nil {
		return err
	}
	if err := checkOIDCAgencies(ctx, st, *oidcConf, oidcProviders); err != nil {
		return err
	}
	if !*noStarter {
		if err := loadStarter(ctx, im, e.dataDir, logger); err != nil {
			return err
		}
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	jobCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	if *updateIvl > 0 {
		srcs, err := selectSources(nil, *listsBase)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			scheduleListUpdates(jobCtx, im, srcs, *updateIvl, filepath.Join(e.dataDir, "downloads"), logger)
		}()
	}

	if *purgeIvl > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scheduleIntelPurge(jobCtx, st, bus, *purgeIvl, *purgeBulk, logger)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		disableInactiveAccounts(jobCtx, st, logger)
	}()

	svc, stopScreening, err := startScreening(jobCtx, st, bus, logger)
	if err != nil {
		return err
	}
	defer stopScreening()
	txFeed, stopTxFeed, err := startTxFeed(jobCtx, st, bus, svc, rules, *exposure, logger)
	if err != nil {
		return err
	}
	defer stopTxFeed()

	links := network.New(st, network.Options{Logger: logger})
	stopLinks, err := links.Follow(jobCtx, bus)
	if err != nil {
		return err
	}
	defer stopLinks()

	reg := prometheus.NewRegistry() // httpapi registers its own and the Go/process collectors
	api := httpapi.New(httpapi.Config{
		Store: st, Bus: bus, Logger: logger, Now: time.Now, Registry: reg, Version: version, Screening: svc, Graph: links,
		Transactions: txFeed, OIDC: idp.New(oidcProviders, idp.Options{}),
		Banner: *banner, RatePerAddr: *rateAddr, RatePerToken: *rateToken, MaxBody: *maxBody,
		Import: func(ctx context.Context, req httpapi.ImportRequest) (store.Delta, error) {
			return im.run(ctx, importJob{Viewer: req.Viewer, Source: "api", Dataset: store.Dataset{Name: req.Dataset},
				Format: req.Format, Path: req.Path, Strict: req.Strict, Map: req.Map, Note: "api upload",
				Skipped: func(p ingest.Problem) { logger.Warn("skipped row", "dataset", req.Dataset, "problem", p.Error()) }})
		},
	})
	scheme := "http://"
	if tlsConf != nil {
		scheme = "https://"
	}
	logger.Info("nexus listening", "addr", scheme+*addr, "database", st.Dialect(), "version", version)
	return httpapi.ListenAndServeTLS(ctx, *addr, api.Handler(), logger, tlsConf)
}

// checkOIDCAgencies refuses to start with an identity provider bound to
// an agency the store does not know: its users could never sign on, or
// provisioning would fail at the first sign-in.
func checkOIDCAgencies(ctx context.Context, st *store.Store, file string, ps []idp.ProviderConfig) error {
	if len(ps) == 0 {
		return nil
	}
	as, err := st.Agencies(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, a := range as {
		known[a.Code] = true
	}
	for i, p := range ps {
		if !known[p.Agency] {
			return fmt.Errorf("oidc config %s: providers[%d].agency: unknown agency %q (nexus user agency add)", file, i, p.Agency)
		}
	}
	return nil
}

// disableInactiveAccounts disables accounts unused for 90 days (CJIS
// AC-2(3)) at start and then hourly, recording each in the audit log.
func disableInactiveAccounts(ctx context.Context, st *store.Store, logger *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		names, err := st.DisableInactiveUsers(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Error("disabling inactive accounts", "err", err)
		}
		for _, n := range names {
			if err := record(ctx, st, access.SystemViewer(), audit.ActionPermission, "disable user:"+n+" (90 days unused)", nil); err != nil {
				logger.Error("audit", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// bootstrapAdmin gives a new installation its first account: when no user
// exists it creates agency "local" and user "admin" with the administrator
// role, and writes an API token to <data-dir>/admin.token (mode 0600).
func bootstrapAdmin(ctx context.Context, st *store.Store, dataDir string, logger *slog.Logger) error {
	users, err := st.Users(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	if err := st.PutAgency(ctx, store.Agency{Code: "local", Name: "Local administrators"}); err != nil {
		return err
	}
	admin := store.User{Name: "admin", Agency: "local", Roles: []string{"administrator", "importer"}}
	if err := st.PutUser(ctx, admin); err != nil {
		return err
	}
	secret, _, err := st.CreateToken(ctx, admin.Name, "bootstrap", time.Time{})
	if err != nil {
		return err
	}
	path := filepath.Join(dataDir, "admin.token")
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("write admin token: %w", err)
	}
	if err := record(ctx, st, access.SystemViewer(), audit.ActionAdmin, "bootstrap user:admin", nil); err != nil {
		return err
	}
	logger.Info("created user admin; its API token is in "+path, "token_file", path)
	return nil
}

// loadStarter imports the embedded lists into datasets that were never
// imported, so a fresh installation is useful offline.
func loadStarter(ctx context.Context, im *importer, dataDir string, logger *slog.Logger) error {
	tmp, err := os.MkdirTemp(dataDir, "starter-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, l := range starter.Lists() {
		d, err := im.store.GetDataset(ctx, l.Dataset)
		if err == nil && d.Version > 0 {
			continue
		}
		path, err := starter.Extract(l, tmp)
		if err != nil {
			return err
		}
		delta, err := im.run(ctx, importJob{Viewer: access.SystemViewer(), Source: "starter",
			Dataset: store.Dataset{Name: l.Dataset, Title: l.Title}, Format: l.Format, Path: path,
			Note:    fmt.Sprintf("embedded starter snapshot of %s", l.Date),
			Skipped: func(p ingest.Problem) { logger.Debug("starter row skipped", "problem", p.Error()) }})
		if err != nil {
			return fmt.Errorf("starter list %s: %w", l.Dataset, err)
		}
		logger.Info("loaded starter list", "dataset", l.Dataset, "as_of", l.Date, "entities", delta.Entities, "statements", delta.Statements)
	}
	return nil
}

// scheduleListUpdates runs the list updater every interval until ctx ends.
// Failures are logged and retried at the next tick: the previous version
// stays in force, which is what a screening service must do when a
// publisher is down.
func scheduleListUpdates(ctx context.Context, im *importer, srcs []ingest.ListSource, every time.Duration, dir string, logger *slog.Logger) {
	client := &http.Client{Timeout: 10 * time.Minute}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, src := range srcs {
			d, err := updateList(ctx, im, access.SystemViewer(), client, src, dir)
			if err != nil {
				logger.Warn("list update failed", "dataset", src.Dataset, "err", err)
				continue
			}
			logger.Info("list updated", "dataset", d.Dataset, "version", d.Version, "added", len(d.Added), "changed", len(d.Changed), "removed", len(d.Removed))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
