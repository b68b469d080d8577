package finint

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Formats lists the names Read accepts.
var Formats = []string{"amlsim", "amlsim-v2", "csv"}

// AMLSimEpoch is the calendar time of simulation step 0 in the amlsim format; one step is
// one day.
var AMLSimEpoch = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseError is a reader error that names the line and the field at fault.
type ParseError struct {
	Line  int
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d, field %s: %v", e.Line, e.Field, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Read streams the transactions in r, written in format (one of Formats), calling emit
// for each in file order. It stops at the first malformed row with a *ParseError, or at
// the first error emit returns.
func Read(r io.Reader, format string, emit func(Transaction) error) error {
	return ReadLines(r, format, func(tx Transaction, _ int) error { return emit(tx) })
}

// ReadLines is Read with the line each transaction starts on.
func ReadLines(r io.Reader, format string, emit func(tx Transaction, line int) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return &ParseError{Line: 1, Err: err}
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var p rowParser
	switch format {
	case "amlsim":
		p, err = newAMLSim(cols)
	case "amlsim-v2":
		p, err = newAMLSimV2(cols)
	case "csv":
		p, err = newCSV(cols)
	default:
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return &ParseError{Line: 1, Err: err}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			line := 0
			var ce *csv.ParseError
			if errors.As(err, &ce) {
				line, err = ce.StartLine, ce.Err
			}
			return &ParseError{Line: line, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		tx, field, err := p(rec, line)
		if err != nil {
			return &ParseError{Line: line, Field: field, Err: err}
		}
		if err := emit(tx, line); err != nil {
			return err
		}
	}
}

// rowParser turns one record into a transaction, or names the failing field.
type rowParser func(rec []string, line int) (Transaction, string, error)

func need(cols map[string]int, names ...string) error {
	var missing []string
	for _, n := range names {
		if _, ok := cols[n]; !ok {
			missing = append(missing, n)
		}
	}
	if missing != nil {
		return fmt.Errorf("header lacks column(s) %s", strings.Join(missing, ", "))
	}
	return nil
}

func field(rec []string, cols map[string]int, name string) string {
	i, ok := cols[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func newAMLSim(cols map[string]int) (rowParser, error) {
	if err := need(cols, "sourcenodeid", "targetnodeid", "value", "time"); err != nil {
		return nil, err
	}
	return func(rec []string, line int) (Transaction, string, error) {
		tx := Transaction{ID: "amlsim-" + strconv.Itoa(line-1), Currency: "USD", Type: Transfer}
		if tx.From = field(rec, cols, "sourcenodeid"); tx.From == "" {
			return tx, "sourceNodeId", errors.New("empty")
		}
		if tx.To = field(rec, cols, "targetnodeid"); tx.To == "" {
			return tx, "targetNodeId", errors.New("empty")
		}
		a, err := ParseAmount(field(rec, cols, "value"))
		if err != nil {
			return tx, "value", err
		}
		tx.Amount = a
		step, err := strconv.Atoi(field(rec, cols, "time"))
		if err != nil || step < 0 {
			return tx, "time", fmt.Errorf("want a non-negative step, got %q", field(rec, cols, "time"))
		}
		tx.Time = AMLSimEpoch.AddDate(0, 0, step)
		return tx, "", nil
	}, nil
}

func newAMLSimV2(cols map[string]int) (rowParser, error) {
	if err := need(cols, "tran_id", "orig_acct", "bene_acct", "tx_type", "base_amt", "tran_timestamp"); err != nil {
		return nil, err
	}
	return func(rec []string, line int) (Transaction, string, error) {
		tx := Transaction{ID: field(rec, cols, "tran_id"), From: field(rec, cols, "orig_acct"),
			To: field(rec, cols, "bene_acct"), Currency: "USD"}
		if tx.ID == "" {
			return tx, "tran_id", errors.New("empty")
		}
		switch strings.ToUpper(field(rec, cols, "tx_type")) {
		case "WIRE":
			tx.Type = Wire
		case "CASH", "DEPOSIT", "CASH-IN":
			tx.Type = CashDeposit
		case "CASH-OUT", "WITHDRAWAL":
			tx.Type = CashWithdrawal
		case "CHECK", "CHEQUE":
			tx.Type = Check
		case "ACH":
			tx.Type = ACH
		default:
			tx.Type = Transfer
		}
		a, err := ParseAmount(field(rec, cols, "base_amt"))
		if err != nil {
			return tx, "base_amt", err
		}
		tx.Amount = a
		ts := field(rec, cols, "tran_timestamp")
		t, err := parseTime(ts)
		if err != nil {
			return tx, "tran_timestamp", err
		}
		tx.Time = t
		return tx, "", nil
	}, nil
}

// parseTime accepts RFC 3339, "2006-01-02 15:04:05" and an integer AMLSim step.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t, nil
	}
	if step, err := strconv.Atoi(s); err == nil && step >= 0 {
		return AMLSimEpoch.AddDate(0, 0, step), nil
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}

func newCSV(cols map[string]int) (rowParser, error) {
	if err := need(cols, "id", "timestamp", "from_account", "to_account", "amount", "currency", "type"); err != nil {
		return nil, err
	}
	return func(rec []string, line int) (Transaction, string, error) {
		tx := Transaction{ID: field(rec, cols, "id"), From: field(rec, cols, "from_account"),
			To: field(rec, cols, "to_account"), Currency: strings.ToUpper(field(rec, cols, "currency")),
			Location: field(rec, cols, "location"), Conductor: field(rec, cols, "conductor")}
		if tx.ID == "" {
			return tx, "id", errors.New("empty")
		}
		t, err := time.Parse(time.RFC3339, field(rec, cols, "timestamp"))
		if err != nil {
			return tx, "timestamp", fmt.Errorf("want RFC 3339, got %q", field(rec, cols, "timestamp"))
		}
		tx.Time = t
		if tx.Type, err = ParseType(field(rec, cols, "type")); err != nil {
			return tx, "type", err
		}
		if tx.Amount, err = ParseAmount(field(rec, cols, "amount")); err != nil {
			return tx, "amount", err
		}
		if tx.Amount <= 0 {
			return tx, "amount", fmt.Errorf("want a positive amount, got %s", tx.Amount.Decimal())
		}
		if len(tx.Currency) != 3 {
			return tx, "currency", fmt.Errorf("want an ISO 4217 code, got %q", tx.Currency)
		}
		if tx.From == "" && tx.Type != CashDeposit {
			return tx, "from_account", fmt.Errorf("empty (only a cash deposit may omit it)")
		}
		if tx.To == "" && tx.Type != CashWithdrawal {
			return tx, "to_account", fmt.Errorf("empty (only a cash withdrawal may omit it)")
		}
		return tx, "", nil
	}, nil
}
