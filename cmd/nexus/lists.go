package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ingest"
	"github.com/nexus-intel/nexus/internal/store"
)

func cmdLists(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "update" {
		return fmt.Errorf("usage: nexus lists update [--source us_ofac_sdn,un_sc] [--base-url URL]")
	}
	fs := e.flags("lists update")
	var (
		sources = fs.String("source", "", "comma-separated datasets to update (default: all official lists)")
		baseURL = fs.String("base-url", "", "fetch every file from this URL prefix instead of the publishers' (mirrors, tests)")
		timeout = fs.Duration("timeout", 10*time.Minute, "time limit for each download")
	)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	srcs, err := selectSources(splitList(*sources), *baseURL)
	if err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	bus, err := e.openBus(ctx)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	defer bus.Close()
	im := &importer{store: st, bus: bus, logger: e.logger()}
	client := &http.Client{Timeout: *timeout}
	var errs []error
	for _, src := range srcs {
		d, err := updateList(ctx, im, v, client, src, filepath.Join(e.dataDir, "downloads"))
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", src.Dataset, err)
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(e.stdout, summary(d))
	}
	return errors.Join(errs...)
}

// selectSources returns the official sources named (all when names is
// empty), with their URLs moved under baseURL when one is given.
func selectSources(names []string, baseURL string) ([]ingest.ListSource, error) {
	var out []ingest.ListSource
	var known []string
	for _, s := range ingest.OfficialSources() {
		known = append(known, s.Dataset)
		if len(names) > 0 && !slices.Contains(names, s.Dataset) {
			continue
		}
		if baseURL != "" {
			files := map[string]string{}
			for name := range s.Files {
				files[name] = strings.TrimSuffix(baseURL, "/") + "/" + name
			}
			s.Files = files
		}
		out = append(out, s)
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("--source %s: unknown list (known: %s)", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// updateList downloads one official list into a fresh folder, verifies it
// and imports it as a new version of its dataset. The download folder is
// removed afterwards; the sha256 of every file is kept in the version note.
func updateList(ctx context.Context, im *importer, v access.Viewer, client *http.Client, src ingest.ListSource, dir string) (store.Delta, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return store.Delta{}, err
	}
	tmp, err := os.MkdirTemp(dir, src.Dataset+"-")
	if err != nil {
		return store.Delta{}, err
	}
	defer os.RemoveAll(tmp)
	path, sums, err := ingest.Download(ctx, client, src, tmp)
	if err != nil {
		return store.Delta{}, fmt.Errorf("download: %w", err)
	}
	var note []string
	for name, sum := range sums {
		note = append(note, name+" sha256:"+sum)
	}
	sort.Strings(note)
	return im.run(ctx, importJob{Viewer: v, Source: "lists-update", Dataset: store.Dataset{Name: src.Dataset},
		Format: src.Format, Path: path, Strict: false, Note: "lists update " + strings.Join(note, " "),
		Skipped: func(p ingest.Problem) { im.logger.Warn("skipped row", "dataset", src.Dataset, "problem", p.Error()) }})
}
