package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
)

// txBatch is how many transactions go into one INSERT of rows of
// parameters (SQLite): 11 × 2,000 stays under SQLite's limit of 32,766
// host parameters. The parameters are anonymous: SQLite looks a numbered
// one (?NNN) up in a list, which made binding a large statement quadratic.
const txBatch = 2000

// txArrayBatch is how many transactions go into one INSERT of arrays
// (PostgreSQL).
const txArrayBatch = 5000

// txQueued is how many full batches may wait for the writer goroutine
// while the next one fills: the bound on the memory an import holds
// beyond the batch being written.
const txQueued = 2

const txColumns = "dataset, id, ts, from_account, to_account, amount, currency, type, location, conductor, marking_id"

const insertTxArrays = "INSERT INTO transactions (" + txColumns + `)
	SELECT ?::text, id, ts, from_account, to_account, amount, currency, type, location, conductor, ?::bigint
	FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
		AS r (id, ts, from_account, to_account, amount, currency, type, location, conductor)`

func insertTxRows(n int) string {
	var b strings.Builder
	b.Grow(64 + n*24)
	b.WriteString("INSERT INTO transactions (" + txColumns + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// TxImport is what ImportTransactions stored.
type TxImport struct {
	Dataset       string `json:"dataset"`
	Transactions  int    `json:"transactions"`
	Accounts      int    `json:"accounts"`       // distinct accounts the transactions touched
	AlertsRaised  int    `json:"alerts_raised"`  // alerts stored for the first time
	AlertsUpdated int    `json:"alerts_updated"` // stored alerts that grew
}

// TxWriter stores one import's transactions and the alerts they raised. It
// lives inside the write transaction of ImportTransactions. Full batches
// are written by a goroutine of their own while the caller goes on
// evaluating and adding the next ones; that goroutine is the only user of
// the database transaction until the import finishes, and it has stopped
// before the transaction commits or rolls back.
type TxWriter struct {
	s       *Store
	ctx     context.Context
	t       txn
	dataset string
	marking int64
	batch   *txBatchRows // being filled by Add
	alerts  map[string]finint.Alert
	n       int

	queue  chan *txBatchRows // full batches for the writer goroutine
	free   chan *txBatchRows // written batches, for reuse
	failed chan struct{}     // closed when the writer goroutine fails
	done   chan struct{}     // closed when the writer goroutine returns
	closed bool              // queue is closed
	abort  atomic.Bool       // the import failed: store nothing more
	err    error             // the writer goroutine's first error; read after failed or done

	// Owned by the writer goroutine until done.
	months map[string]bool
	full   *sql.Stmt
	acc    map[string]*accountSeen
	args   []any // reused between batches
}

// txBatchRows is a batch of transactions and where each came from.
type txBatchRows struct {
	txs   []finint.Transaction
	lines []string
}

type accountSeen struct{ first, last time.Time }

func newTxWriter(s *Store, ctx context.Context, t txn, dataset string, marking int64) *TxWriter {
	w := &TxWriter{s: s, ctx: ctx, t: t, dataset: dataset, marking: marking, months: map[string]bool{},
		acc: map[string]*accountSeen{}, alerts: map[string]finint.Alert{},
		queue: make(chan *txBatchRows, txQueued), free: make(chan *txBatchRows, txQueued+2),
		failed: make(chan struct{}), done: make(chan struct{})}
	w.batch = w.newBatch()
	go w.write()
	return w
}

func (w *TxWriter) size() int {
	if w.s.d.arrays {
		return txArrayBatch
	}
	return txBatch
}

func (w *TxWriter) newBatch() *txBatchRows {
	select {
	case b := <-w.free:
		return b
	default:
		n := w.size()
		return &txBatchRows{txs: make([]finint.Transaction, 0, n), lines: make([]string, 0, n)}
	}
}

// write is the writer goroutine: it stores each queued batch, and after a
// failure drains the queue without storing anything more.
func (w *TxWriter) write() {
	defer close(w.done)
	for b := range w.queue {
		if w.err == nil && !w.abort.Load() {
			if err := w.flush(b); err != nil {
				w.err = err
				close(w.failed)
			}
		}
		b.txs, b.lines = b.txs[:0], b.lines[:0]
		select {
		case w.free <- b:
		default:
		}
	}
}

// stop closes the queue and waits for the writer goroutine; it returns the
// goroutine's error.
func (w *TxWriter) stop() error {
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	<-w.done
	if w.full != nil {
		w.full.Close()
		w.full = nil
	}
	return w.err
}

// Add stores tx; origin ("file.csv:12") names it in an error. Rows are
// written in batches, in the background, so a duplicate id may be
// reported by a later Add or when the import finishes, naming the span
// of origins of the batch that held it.
func (w *TxWriter) Add(tx finint.Transaction, origin string) error {
	if tx.ID == "" {
		return nexus.Errorf(nexus.EINVALID, "%s: transaction without an id", origin)
	}
	if w.closed {
		return errors.New("transaction writer: add after the import finished")
	}
	w.batch.txs = append(w.batch.txs, tx)
	w.batch.lines = append(w.batch.lines, origin)
	w.n++
	if len(w.batch.txs) >= w.size() {
		return w.send()
	}
	return nil
}

// send hands the batch being filled to the writer goroutine, waiting while
// the queue is full, and reports the goroutine's failure.
func (w *TxWriter) send() error {
	select {
	case <-w.failed:
		return w.err
	default:
	}
	select {
	case w.queue <- w.batch:
	case <-w.failed:
		return w.err
	}
	w.batch = w.newBatch()
	return nil
}

// Alerts records raised or updated alerts; the last version of each is
// stored when the import commits.
func (w *TxWriter) Alerts(as []finint.Alert) {
	for _, a := range as {
		w.alerts[a.ID] = a
	}
}

// flush stores one batch and notes the accounts it touched (writer
// goroutine).
func (w *TxWriter) flush(b *txBatchRows) error {
	if len(b.txs) == 0 {
		return nil
	}
	for _, tx := range b.txs {
		w.seen(tx.From, tx.Time)
		w.seen(tx.To, tx.Time)
	}
	if err := w.partitions(b.txs); err != nil {
		return err
	}
	var err error
	if w.s.d.arrays {
		err = w.flushArrays(b.txs)
	} else {
		err = w.flushRows(b.txs)
	}
	if err != nil {
		return fmt.Errorf("transactions %s to %s: %w", b.lines[0], b.lines[len(b.lines)-1], dbError(err, "transaction id"))
	}
	return nil
}

func (w *TxWriter) seen(a string, at time.Time) {
	if a == "" {
		return
	}
	if s := w.acc[a]; s == nil {
		w.acc[a] = &accountSeen{at, at}
	} else {
		if at.Before(s.first) {
			s.first = at
		}
		if at.After(s.last) {
			s.last = at
		}
	}
}

func (w *TxWriter) flushRows(txs []finint.Transaction) error {
	args := w.args[:0]
	for _, tx := range txs {
		args = append(args, w.dataset, tx.ID, tx.Time.UnixMicro(), tx.From, tx.To, int64(tx.Amount), tx.Currency,
			string(tx.Type), tx.Location, tx.Conductor, w.marking)
	}
	w.args = args
	if len(txs) == txBatch {
		if w.full == nil {
			st, err := w.t.prepare(w.ctx, insertTxRows(txBatch))
			if err != nil {
				return err
			}
			w.full = st
		}
		_, err := w.full.ExecContext(w.ctx, args...)
		return err
	}
	_, err := w.t.exec(w.ctx, insertTxRows(len(txs)), args...)
	return err
}

func (w *TxWriter) flushArrays(txs []finint.Transaction) error {
	n := len(txs)
	id, from, to, cur, typ, loc, cond := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ts, amt := make([]int64, n), make([]int64, n)
	for i, tx := range txs {
		id[i], ts[i], from[i], to[i], amt[i] = tx.ID, tx.Time.UnixMicro(), tx.From, tx.To, int64(tx.Amount)
		cur[i], typ[i], loc[i], cond[i] = tx.Currency, string(tx.Type), tx.Location, tx.Conductor
	}
	_, err := w.t.exec(w.ctx, insertTxArrays, w.dataset, w.marking, id, ts, from, to, amt, cur, typ, loc, cond)
	return err
}

// partitions creates the PostgreSQL month partitions the batch needs.
func (w *TxWriter) partitions(txs []finint.Transaction) error {
	if w.s.d.name != postgresDialect.name {
		return nil
	}
	for _, tx := range txs {
		m := tx.Time.UTC().Format("2006-01")
		if w.months[m] {
			continue
		}
		first := time.Date(tx.Time.UTC().Year(), tx.Time.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
		next := first.AddDate(0, 1, 0)
		q := fmt.Sprintf("CREATE TABLE IF NOT EXISTS transactions_%s PARTITION OF transactions FOR VALUES FROM (%d) TO (%d)",
			first.Format("200601"), first.UnixMicro(), next.UnixMicro())
		if _, err := w.t.exec(w.ctx, q); err != nil {
			return fmt.Errorf("partition %s: %w", m, err)
		}
		w.months[m] = true
	}
	return nil
}

func (w *TxWriter) finish() (TxImport, error) {
	res := TxImport{Dataset: w.dataset, Transactions: w.n}
	if len(w.batch.txs) > 0 {
		if err := w.send(); err != nil {
			w.stop()
			return res, err
		}
	}
	if err := w.stop(); err != nil {
		return res, err
	}
	res.Accounts = len(w.acc)
	ids := make([]string, 0, len(w.acc))
	for id := range w.acc {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		n := min(len(ids), 200)
		args := make([]any, 0, n*4)
		var b strings.Builder
		b.WriteString("INSERT INTO tx_accounts (dataset, id, first_seen, last_seen) VALUES ")
		for i, id := range ids[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?)")
			s := w.acc[id]
			args = append(args, w.dataset, id, formatTime(s.first), formatTime(s.last))
		}
		// Imports of a dataset are in time order, so the new last_seen is the later one.
		b.WriteString(" ON CONFLICT (dataset, id) DO UPDATE SET last_seen = excluded.last_seen")
		if _, err := w.t.exec(w.ctx, b.String(), args...); err != nil {
			return res, fmt.Errorf("accounts: %w", err)
		}
		ids = ids[n:]
	}
	now := formatTime(w.s.now())
	alertIDs := make([]string, 0, len(w.alerts))
	for id := range w.alerts {
		alertIDs = append(alertIDs, id)
	}
	slices.Sort(alertIDs)
	for _, id := range alertIDs {
		a := w.alerts[id]
		body, err := json.Marshal(a)
		if err != nil {
			return res, err
		}
		accs, err := json.Marshal(nonNil(a.Accounts))
		if err != nil {
			return res, err
		}
		var version int64
		err = w.t.queryRow(w.ctx, `INSERT INTO tx_alerts (id, dataset, typology, rule, score, explanation, accounts, total,
				start_ts, end_ts, version, body, marking_id, status, note, created_at, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'open', '', ?, ?, '')
			ON CONFLICT (id) DO UPDATE SET score = excluded.score, explanation = excluded.explanation,
				accounts = excluded.accounts, total = excluded.total, start_ts = excluded.start_ts, end_ts = excluded.end_ts,
				version = tx_alerts.version + 1, body = excluded.body, updated_at = excluded.updated_at
			RETURNING version`,
			a.ID, w.dataset, a.Typology, a.Rule, a.Score, a.Explanation, string(accs), int64(a.Total),
			formatTime(a.Start), formatTime(a.End), string(body), w.marking, now, now).Scan(&version)
		if err != nil {
			return res, fmt.Errorf("alert %s: %w", a.ID, dbError(err, "alert "+a.ID))
		}
		if version == 1 {
			res.AlertsRaised++
		} else {
			res.AlertsUpdated++
		}
	}
	return res, nil
}

// ImportTransactions stores a dataset's transactions, and the alerts
// evaluating them raised, all or nothing: fn adds them through the writer,
// and an error from fn (or from storing) leaves the store as it was. The
// transactions take the dataset's default marking; the dataset must exist.
func (s *Store) ImportTransactions(ctx context.Context, dataset string, fn func(w *TxWriter) error) (TxImport, error) {
	var res TxImport
	err := s.write(ctx, func(t txn) error {
		var body string
		if err := t.queryRow(ctx, "SELECT default_marking FROM datasets WHERE name = ?", dataset).Scan(&body); err != nil {
			return dbError(err, "dataset "+dataset)
		}
		var m access.Marking
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return fmt.Errorf("dataset %s: marking: %w", dataset, err)
		}
		mid, err := s.ensureMarking(ctx, t, m)
		if err != nil {
			return err
		}
		w := newTxWriter(s, ctx, t, dataset, mid)
		// The writer goroutine stops before the transaction ends, whatever fn does.
		defer w.stop()
		if err := fn(w); err != nil {
			w.abort.Store(true)
			return err
		}
		res, err = w.finish()
		return err
	})
	if err != nil {
		return TxImport{Dataset: dataset}, fmt.Errorf("import transactions into %s: %w", dataset, err)
	}
	return res, nil
}

// TxQuery selects a dataset's stored transactions. Zero fields do not filter.
type TxQuery struct {
	Dataset string
	Since   time.Time // at or after
	Account string    // as sender or receiver
	Limit   int       // 0 = no limit
}

// EachTransaction calls fn for the transactions v may see, in time order
// (then id), stopping at fn's first error. The typology engine replays
// history through it as the system viewer.
func (s *Store) EachTransaction(ctx context.Context, v access.Viewer, q TxQuery, fn func(finint.Transaction) error) error {
	err := s.read(ctx, func(t txn) error {
		vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
		if err != nil {
			return err
		}
		where, args := []string{"1 = 1"}, []any{}
		if vis != "" {
			where = append(where, vis)
		}
		if q.Dataset != "" {
			where, args = append(where, "dataset = ?"), append(args, q.Dataset)
		}
		if !q.Since.IsZero() {
			where, args = append(where, "ts >= ?"), append(args, q.Since.UnixMicro())
		}
		if q.Account != "" {
			where, args = append(where, "(from_account = ? OR to_account = ?)"), append(args, q.Account, q.Account)
		}
		query := "SELECT id, ts, from_account, to_account, amount, currency, type, location, conductor FROM transactions WHERE " +
			strings.Join(where, " AND ") + " ORDER BY ts, id"
		if q.Limit > 0 {
			query += " LIMIT ?"
			args = append(args, q.Limit)
		}
		rows, err := t.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tx finint.Transaction
			var typ string
			var ts, amt int64
			if err := rows.Scan(&tx.ID, &ts, &tx.From, &tx.To, &amt, &tx.Currency, &typ, &tx.Location, &tx.Conductor); err != nil {
				return err
			}
			tx.Time = time.UnixMicro(ts).UTC()
			tx.Amount, tx.Type = finint.Amount(amt), finint.Type(typ)
			if err := fn(tx); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("transactions: %w", err)
	}
	return nil
}

// TxAccount is an account seen in a dataset's transactions.
type TxAccount struct {
	Dataset   string    `json:"dataset"`
	ID        string    `json:"id"`
	EntityID  string    `json:"entity_id,omitempty"` // FtM BankAccount / CryptoWallet
	HolderID  string    `json:"holder_id,omitempty"` // FtM entity of the holder
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
}

// LinkAccount links an account of dataset to the FtM entity describing it
// and to its holder's entity (either may be empty to leave it unchanged).
// An account not yet seen in a transaction is created.
func (s *Store) LinkAccount(ctx context.Context, a TxAccount) error {
	if a.Dataset == "" || a.ID == "" {
		return nexus.Errorf(nexus.EINVALID, "account: dataset and id are required")
	}
	now := formatTime(s.now())
	err := s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, `INSERT INTO tx_accounts (dataset, id, entity_id, holder_id, first_seen, last_seen)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (dataset, id) DO UPDATE SET
				entity_id = CASE WHEN excluded.entity_id = '' THEN tx_accounts.entity_id ELSE excluded.entity_id END,
				holder_id = CASE WHEN excluded.holder_id = '' THEN tx_accounts.holder_id ELSE excluded.holder_id END`,
			a.Dataset, a.ID, a.EntityID, a.HolderID, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("link account %s/%s: %w", a.Dataset, a.ID, dbError(err, "account"))
	}
	return nil
}

// TxAccounts returns a dataset's accounts by id; with linked, only those
// linked to an entity or holder.
func (s *Store) TxAccounts(ctx context.Context, dataset string, linked bool) ([]TxAccount, error) {
	var out []TxAccount
	err := s.read(ctx, func(t txn) error {
		q := "SELECT dataset, id, entity_id, holder_id, first_seen, last_seen FROM tx_accounts WHERE dataset = ?"
		if linked {
			q += " AND (entity_id <> '' OR holder_id <> '')"
		}
		rows, err := t.query(ctx, q+" ORDER BY id", dataset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a TxAccount
			var first, last string
			if err := rows.Scan(&a.Dataset, &a.ID, &a.EntityID, &a.HolderID, &first, &last); err != nil {
				return err
			}
			if a.FirstSeen, err = parseTime(first); err != nil {
				return err
			}
			if a.LastSeen, err = parseTime(last); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("accounts of %s: %w", dataset, err)
	}
	return out, nil
}

// TxAlert is a stored typology alert: the engine's alert with its evidence,
// the dataset it came from and its review state.
type TxAlert struct {
	finint.Alert
	Kind      string    `json:"kind"` // always "typology"
	Dataset   string    `json:"dataset"`
	Stored    int64     `json:"stored_version"` // times the stored alert was written
	Status    string    `json:"status"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
}

// TxAlertQuery selects typology alerts. Zero fields do not filter.
type TxAlertQuery struct {
	Dataset  string
	Typology string
	Status   string
	ID       string
	Limit    int // 0 = no limit
	Offset   int
}

const txAlertColumns = "id, dataset, body, version, status, note, created_at, updated_at, updated_by"

func scanTxAlert(sc interface{ Scan(...any) error }) (TxAlert, error) {
	var a TxAlert
	var id, body, created, updated string
	if err := sc.Scan(&id, &a.Dataset, &body, &a.Stored, &a.Status, &a.Note, &created, &updated, &a.UpdatedBy); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(body), &a.Alert); err != nil {
		return a, fmt.Errorf("alert %s: %w", id, err)
	}
	a.Kind = "typology"
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return a, err
	}
	a.UpdatedAt, err = parseTime(updated)
	return a, err
}

// TxAlerts returns one page of the typology alerts v may see (v must be
// able to see the marking of the transactions they were computed from),
// latest activity first, and their total. The filter is in the query,
// before counting and paging.
func (s *Store) TxAlerts(ctx context.Context, v access.Viewer, q TxAlertQuery) ([]TxAlert, int, error) {
	var out []TxAlert
	var total int
	err := s.read(ctx, func(t txn) error {
		vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
		if err != nil {
			return err
		}
		where, args := []string{"1 = 1"}, []any{}
		if vis != "" {
			where = append(where, vis)
		}
		for _, f := range []struct{ col, val string }{{"dataset", q.Dataset}, {"typology", q.Typology}, {"status", q.Status}, {"id", q.ID}} {
			if f.val != "" {
				where, args = append(where, f.col+" = ?"), append(args, f.val)
			}
		}
		w := strings.Join(where, " AND ")
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM tx_alerts WHERE "+w, args...).Scan(&total); err != nil {
			return err
		}
		limit := q.Limit
		if limit <= 0 {
			limit = 1 << 30
		}
		rows, err := t.query(ctx, "SELECT "+txAlertColumns+" FROM tx_alerts WHERE "+w+" ORDER BY end_ts DESC, id LIMIT ? OFFSET ?",
			append(args, limit, q.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanTxAlert(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("typology alerts: %w", err)
	}
	return out, total, nil
}

// TxAlert returns one typology alert v may see; ENOTFOUND otherwise.
func (s *Store) TxAlert(ctx context.Context, v access.Viewer, id string) (TxAlert, error) {
	as, _, err := s.TxAlerts(ctx, v, TxAlertQuery{ID: id, Limit: 1})
	if err != nil {
		return TxAlert{}, err
	}
	if len(as) == 0 {
		return TxAlert{}, nexus.Errorf(nexus.ENOTFOUND, "alert %s not found", id)
	}
	return as[0], nil
}

// SetTxAlertStatus moves a typology alert v may see to status (open,
// escalated or closed) with a note; ENOTFOUND when v may not see it.
func (s *Store) SetTxAlertStatus(ctx context.Context, v access.Viewer, id, status, note string) (TxAlert, error) {
	if !slices.Contains([]string{AlertOpen, AlertEscalated, AlertClosed}, status) {
		return TxAlert{}, nexus.Errorf(nexus.EINVALID, "alert status %q: want open, escalated or closed", status)
	}
	err := s.write(ctx, func(t txn) error {
		vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
		if err != nil {
			return err
		}
		q := "UPDATE tx_alerts SET status = ?, note = ?, updated_at = ?, updated_by = ? WHERE id = ?"
		if vis != "" {
			q += " AND " + vis
		}
		res, err := t.exec(ctx, q, status, note, formatTime(s.now()), v.Name, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "alert %s not found", id)
		}
		return nil
	})
	if err != nil {
		return TxAlert{}, fmt.Errorf("alert %s: %w", id, err)
	}
	return s.TxAlert(ctx, v, id)
}

// TxLatest returns the time of a dataset's latest stored transaction, zero
// when it has none.
func (s *Store) TxLatest(ctx context.Context, dataset string) (time.Time, error) {
	var ts sql.NullInt64
	err := s.read(ctx, func(t txn) error {
		return t.queryRow(ctx, "SELECT MAX(ts) FROM transactions WHERE dataset = ?", dataset).Scan(&ts)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("latest transaction of %s: %w", dataset, err)
	}
	if !ts.Valid {
		return time.Time{}, nil
	}
	return time.UnixMicro(ts.Int64).UTC(), nil
}
