package main

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// startScreening builds the screening index from the store and keeps it
// current from list.updated events, re-screening monitored subjects against
// each delta. It subscribes before building, so no delta committed while the
// index is built is missed (Apply waits for Build). stop ends the
// subscription and waits for the delta being applied.
func startScreening(ctx context.Context, st *store.Store, bus *events.Bus, logger *slog.Logger) (*screening.Service, func(), error) {
	svc := screening.New(st, screening.Options{Logger: logger})
	stop := func() {}
	if bus != nil {
		var err error
		stop, err = bus.Subscribe(ctx, events.SubjectListUpdated, func(_ string, data []byte) {
			var u events.ListUpdated
			if err := json.Unmarshal(data, &u); err != nil {
				logger.Warn("unreadable list.updated event", "err", err)
				return
			}
			alerts, err := svc.Apply(ctx, screening.Update{Dataset: u.Dataset, Version: u.Version, Added: u.Added, Changed: u.Changed, Removed: u.Removed})
			if err != nil {
				// The index may now lag the store for these ids; the next
				// delta or restart brings it back.
				logger.Error("screening index update failed", "dataset", u.Dataset, "version", u.Version, "err", err)
				return
			}
			logger.Info("screening index updated", "dataset", u.Dataset, "version", u.Version, "part", u.Part, "parts", u.Parts,
				"added", len(u.Added), "changed", len(u.Changed), "removed", len(u.Removed), "alerts", len(alerts))
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if err := svc.Build(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	return svc, stop, nil
}
