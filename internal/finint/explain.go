package finint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// explain writes the alert in words an analyst can put in a report.
func explain(a *alertState) string {
	txs := a.txs
	s := summarise(txs)
	more := ""
	if a.more > 0 {
		more = fmt.Sprintf(" (%d further transactions not listed)", a.more)
	}
	switch a.Typology {
	case Structuring:
		what := "cash deposits"
		prep := "into"
		if a.note == string(CashWithdrawal) {
			what, prep = "cash withdrawals", "from"
		}
		return fmt.Sprintf("%d %s of %s %s acct %s at %s over %s, total %s — above the %s CTR threshold, each just under it%s",
			len(txs), what, s.rng(), prep, a.main, plural(max(len(s.locations), 1), "location", "locations"), s.span(), a.Total, a.rule.Threshold, more)
	case CTR:
		dir := "cash in"
		if len(txs) > 0 && txs[0].Type == CashWithdrawal {
			dir = "cash out"
		}
		return fmt.Sprintf("CTR: %s by %s on %s totals %s in %s (accounts %s) — more than %s in one business day (31 CFR 1010.313 aggregation)",
			dir, a.main, a.note, a.Total, plural(len(txs), "transaction", "transactions"), strings.Join(a.Accounts, ", "), a.rule.Threshold)
	case Smurfing:
		return fmt.Sprintf("%d cash deposits into acct %s by %s (%s) over %s, total %s%s",
			len(txs), a.main, plural(len(s.conductors), "conductor", "conductors"), strings.Join(s.conductors, ", "), s.span(), a.Total, more)
	case FanIn:
		return fmt.Sprintf("%d payments of %s into acct %s from %s over %s, total %s%s",
			len(txs), s.rng(), a.main, plural(len(s.from), "sender", "distinct senders"), s.span(), a.Total, more)
	case FanOut:
		return fmt.Sprintf("%d payments of %s out of acct %s to %s over %s, total %s%s",
			len(txs), s.rng(), a.main, plural(len(s.to), "receiver", "distinct receivers"), s.span(), a.Total, more)
	case ScatterGather:
		return fmt.Sprintf("acct %s paid %s that each paid acct %s within %s (%d payments, total %s)",
			a.main, plural(len(a.Accounts)-2, "intermediary", "intermediaries"), a.note, s.span(), len(txs), a.Total)
	case GatherScatter:
		return fmt.Sprintf("acct %s received from %s and paid %s within %s (%d payments, total %s)%s",
			a.main, plural(len(without(s.from, a.main)), "sender", "senders"), plural(len(without(s.to, a.main)), "receiver", "receivers"), s.span(), len(txs), a.Total, more)
	case Funnel:
		var in, out Amount
		for _, t := range txs {
			if t.Type == CashDeposit && t.To == a.main {
				in += t.Amount
			} else {
				out += t.Amount
			}
		}
		return fmt.Sprintf("acct %s took cash deposits of %s at %d locations (%s) and moved %s out elsewhere within %s — a funnel account",
			a.main, in, len(strings.Split(a.note, ", ")), a.note, out, s.span())
	case PassThrough:
		var in, out Amount
		for _, t := range txs {
			if t.To == a.main {
				in += t.Amount
			} else {
				out += t.Amount
			}
		}
		pct := 0.0
		if in > 0 {
			pct = 100 * float64(out) / float64(in)
		}
		return fmt.Sprintf("acct %s received %s and sent %s (%.0f%%) on within %s — rapid pass-through",
			a.main, in, out, pct, s.span())
	case Cycle:
		hops := make([]string, 0, len(txs)+1)
		for _, t := range txs {
			hops = append(hops, t.From)
		}
		if len(txs) > 0 {
			hops = append(hops, txs[0].From)
		}
		return fmt.Sprintf("money went round %s in %s over %s, amounts %s — funds returned to their origin",
			strings.Join(hops, " → "), plural(len(txs), "hop", "hops"), s.span(), s.rng())
	case Chain:
		return fmt.Sprintf("%s passed on along %s in %s over %s — a layering chain (amounts within %.0f%% of each other)",
			s.rng(), strings.Join(a.Accounts, " → "), plural(len(txs), "hop", "hops"), s.span(), 100*a.rule.AmountTolerance)
	case Dormant:
		return fmt.Sprintf("acct %s, silent since %s, moved %s on %s", a.main, a.note, a.Total, txs[len(txs)-1].Time.Format(time.DateOnly))
	case Exposure:
		parts := strings.SplitN(a.note, "|", 4)
		why := ""
		if len(parts) == 4 && parts[3] != "" {
			why = " — " + parts[3]
		}
		if len(parts) >= 3 && parts[0] == "to" {
			return fmt.Sprintf("acct %s's money reached designated acct %s in %s hop(s): %s%s", a.main, parts[1], parts[2], chain(txs), why)
		}
		if len(parts) >= 3 {
			return fmt.Sprintf("acct %s received money from designated acct %s in %s hop(s): %s%s", a.main, parts[1], parts[2], chain(txs), why)
		}
	}
	return fmt.Sprintf("%s: %d transactions, total %s", a.Typology, len(txs), a.Total)
}

func chain(txs []*Transaction) string {
	var b strings.Builder
	for i, t := range txs {
		if i == 0 {
			b.WriteString(t.From)
		}
		fmt.Fprintf(&b, " →(%s) %s", t.Amount, t.To)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func without(xs []string, x string) []string {
	return slices.DeleteFunc(slices.Clone(xs), func(s string) bool { return s == x })
}

type summary struct {
	lo, hi                Amount
	first, last           time.Time
	locations, conductors []string
	from, to              []string
}

func summarise(txs []*Transaction) summary {
	var s summary
	add := func(xs *[]string, v string) {
		if v != "" && !slices.Contains(*xs, v) {
			*xs = append(*xs, v)
		}
	}
	for i, t := range txs {
		if i == 0 || t.Amount < s.lo {
			s.lo = t.Amount
		}
		if t.Amount > s.hi {
			s.hi = t.Amount
		}
		if i == 0 || t.Time.Before(s.first) {
			s.first = t.Time
		}
		if t.Time.After(s.last) {
			s.last = t.Time
		}
		add(&s.locations, t.Location)
		add(&s.conductors, t.Conductor)
		add(&s.from, t.From)
		add(&s.to, t.To)
	}
	return s
}

func (s summary) rng() string {
	if s.lo == s.hi {
		return s.lo.String()
	}
	return s.lo.String() + "–" + s.hi.String()
}

// span says how long the evidence lasts: in calendar days when it crosses midnight,
// otherwise in hours or minutes.
func (s summary) span() string {
	d := s.last.Sub(s.first)
	days := int(s.last.UTC().Truncate(24*time.Hour).Sub(s.first.UTC().Truncate(24*time.Hour))/(24*time.Hour)) + 1
	switch {
	case days > 1:
		return plural(days, "day", "days")
	case d >= time.Hour:
		return plural(int(d.Round(time.Hour)/time.Hour), "hour", "hours")
	case d > 0:
		return plural(max(int(d/time.Minute), 1), "minute", "minutes")
	}
	return "one moment"
}
