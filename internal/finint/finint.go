// Package finint is the financial-intelligence rules engine: transactions, streaming
// readers for the transaction formats Nexus accepts, declarative typology rules, and an
// Engine that evaluates transactions as they arrive and raises alerts with evidence.
//
// The package is pure: it does no database, network or file I/O; the store, the importer
// and the API feed it.
package finint

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Type is the kind of a transaction.
type Type string

// The transaction types of the csv format.
const (
	CashDeposit    Type = "cash_deposit"
	CashWithdrawal Type = "cash_withdrawal"
	Wire           Type = "wire"
	Transfer       Type = "transfer"
	ACH            Type = "ach"
	Check          Type = "check"
	Crypto         Type = "crypto"
)

// ParseType returns the Type named s, or an error if s names none.
func ParseType(s string) (Type, error) {
	switch t := Type(strings.ToLower(strings.TrimSpace(s))); t {
	case CashDeposit, CashWithdrawal, Wire, Transfer, ACH, Check, Crypto:
		return t, nil
	}
	return "", fmt.Errorf("unknown transaction type %q", s)
}

// IsCash reports whether t moves currency over the counter.
func (t Type) IsCash() bool { return t == CashDeposit || t == CashWithdrawal }

// Amount is money in integer cents; there is no floating-point money in Nexus.
type Amount int64

// ParseAmount parses a decimal amount such as "9500", "9,500.00" or "147.8" into cents.
// Digits beyond the cent are rounded half away from zero.
func ParseAmount(s string) (Amount, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, errors.New("empty amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	var w int64
	if whole != "" {
		if !allDigits(whole) || len(whole) > 15 {
			return 0, fmt.Errorf("invalid amount %q", s)
		}
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	if frac != "" && !allDigits(frac) {
		return 0, fmt.Errorf("invalid amount %q", s)
	}
	var c int64
	for i := 0; i < 2; i++ {
		c *= 10
		if i < len(frac) {
			c += int64(frac[i] - '0')
		}
	}
	if len(frac) > 2 && frac[2] >= '5' {
		c++
	}
	v := w*100 + c
	if neg {
		v = -v
	}
	return Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Dollars returns a whole number of currency units as an Amount.
func Dollars(n int64) Amount { return Amount(n * 100) }

// String formats a like "$9,900" or "$9,900.50" (the currency symbol is always $; the
// transaction carries its currency code).
func (a Amount) String() string {
	neg := a < 0
	if neg {
		a = -a
	}
	whole, cents := int64(a)/100, int64(a)%100
	digits := strconv.FormatInt(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteByte('$')
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if cents != 0 {
		fmt.Fprintf(&b, ".%02d", cents)
	}
	return b.String()
}

// Decimal formats a as a plain decimal with two places, "9900.50".
func (a Amount) Decimal() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, int64(a)/100, int64(a)%100)
}

// MarshalJSON writes a as a decimal string so no consumer reads money as a float.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(`"` + a.Decimal() + `"`), nil }

// UnmarshalJSON accepts a decimal string or a JSON number.
func (a *Amount) UnmarshalJSON(b []byte) error {
	v, err := ParseAmount(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Transaction is one movement of money between two accounts. From is empty for a cash
// deposit and To for a cash withdrawal when the source does not name the counterparty.
type Transaction struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	Amount    Amount    `json:"amount"`
	Currency  string    `json:"currency"`
	Type      Type      `json:"type"`
	Location  string    `json:"location,omitempty"`  // branch, ATM or place where cash changed hands
	Conductor string    `json:"conductor,omitempty"` // the person who carried out a cash transaction
}

// Validate checks what every transaction must have, whatever its source,
// and names the failing field (as the csv format calls it).
func (t Transaction) Validate() (field string, err error) {
	switch {
	case t.ID == "":
		return "id", errors.New("empty")
	case t.Time.IsZero():
		return "timestamp", errors.New("missing")
	}
	if _, err := ParseType(string(t.Type)); err != nil {
		return "type", err
	}
	switch {
	case t.Amount <= 0:
		return "amount", fmt.Errorf("want a positive amount, got %s", t.Amount.Decimal())
	case len(t.Currency) != 3:
		return "currency", fmt.Errorf("want an ISO 4217 code, got %q", t.Currency)
	case t.From == "" && t.Type != CashDeposit:
		return "from_account", errors.New("empty (only a cash deposit may omit it)")
	case t.To == "" && t.Type != CashWithdrawal:
		return "to_account", errors.New("empty (only a cash withdrawal may omit it)")
	}
	return "", nil
}
