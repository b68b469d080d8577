package store

import (
	"context"
	"database/sql"
	"fmt"
)

// txn is a transaction that speaks the store's one SQL: it rebinds ?
// placeholders for the dialect.
type txn struct {
	tx *sql.Tx
	d  dialect
}

func (t txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.rebind(query), args...)
}

func (t txn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(query), args...)
}

func (t txn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(query), args...)
}

func (t txn) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, t.d.rebind(query))
}

// write runs fn in a write transaction and commits when fn returns nil.
func (s *Store) write(ctx context.Context, fn func(t txn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(txn{tx, s.d}); err != nil {
		return err
	}
	return tx.Commit()
}

// read runs fn in a read-only transaction with one snapshot of the data, so
// a page and its total, or a long stream, agree with each other.
func (s *Store) read(ctx context.Context, fn func(t txn) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.name == postgresDialect.name {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.rdb.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(txn{tx, s.d}); err != nil {
		return err
	}
	return tx.Commit()
}

// queryAll runs query in t and returns every row as scanned by scan.
func queryAll[T any](ctx context.Context, t txn, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// readAll is queryAll in a read transaction of its own; what names the list
// in errors.
func readAll[T any](ctx context.Context, s *Store, what string, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := s.read(ctx, func(t txn) error {
		var err error
		out, err = queryAll(ctx, t, scan, query, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
