package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// startTxFeed builds the transaction feed the API and the NATS subject
// nexus.tx.in share, and consumes that subject: each message is one
// dataset's batch of transactions, imported all or nothing like an API call
// and audited as the system acting for the feed. Account holders are
// screened against the lists through svc for the exposure typology, and a
// list update makes each dataset's engine look them up again. stop ends the
// subscriptions and waits for the batch being imported.
func startTxFeed(ctx context.Context, st *store.Store, bus *events.Bus, svc *screening.Service, rules []finint.Rule, exposureThreshold float64, logger *slog.Logger) (*feed.Feed, func(), error) {
	cfg := feed.Config{Store: st, Rules: rules, Designated: feed.ScreenedHolders(st, svc, exposureThreshold), Logger: logger}
	if bus != nil {
		cfg.Publish = bus.Publish
	}
	fd, err := feed.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	if bus == nil {
		return fd, func() {}, nil
	}
	v := access.SystemViewer()
	v.Name, v.UserID = "nats:"+feed.SubjectTxIn, "nats:"+feed.SubjectTxIn
	// Durable, so a feed's batches published while no server runs are not
	// lost, and shared, so each batch is imported by one of several nodes.
	stop, err := bus.SubscribeDurable(ctx, "nexus-tx-in", feed.SubjectTxIn, func(_ string, data []byte) {
		var m feed.Message
		err := json.Unmarshal(data, &m)
		if err != nil {
			err = nexus.Errorf(nexus.EINVALID, "unreadable message: %v", err)
		}
		var res store.TxImport
		if err == nil {
			res, err = fd.Import(ctx, m.Dataset, func(emit func(finint.Transaction, string) error) error {
				for i, tx := range m.Transactions {
					origin := fmt.Sprintf("%s[%d]", feed.SubjectTxIn, i)
					if field, err := tx.Validate(); err != nil {
						return nexus.Errorf(nexus.EINVALID, "%s, field %s: %v", origin, field, err)
					}
					if err := emit(tx, origin); err != nil {
						return err
					}
				}
				return nil
			})
		}
		object := fmt.Sprintf("transactions dataset:%s transactions:%d raised:%d updated:%d", m.Dataset, res.Transactions, res.AlertsRaised, res.AlertsUpdated)
		if aerr := record(ctx, st, v, audit.ActionImport, object, err); aerr != nil {
			logger.Error("audit of a feed batch failed", "err", aerr)
		}
		if err != nil {
			logger.Warn("transaction batch refused", "subject", feed.SubjectTxIn, "dataset", m.Dataset, "err", err)
			return
		}
		logger.Info("transaction batch stored", "dataset", m.Dataset, "transactions", res.Transactions,
			"alerts_raised", res.AlertsRaised, "alerts_updated", res.AlertsUpdated)
	})
	if err != nil {
		return nil, nil, err
	}
	stopLists, err := bus.Subscribe(ctx, events.SubjectListUpdated, func(string, []byte) { fd.Reset() })
	if err != nil {
		stop()
		return nil, nil, err
	}
	return fd, func() { stopLists(); stop() }, nil
}
