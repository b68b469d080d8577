package finint

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// structuring: cash just under the threshold whose total in the window exceeds it.
func (e *Engine) structuring(r *Rule, t *Transaction, from, to *account) {
	if !t.Type.IsCash() || !typeOK(r, t.Type, CashDeposit, CashWithdrawal) || !inBand(r, t.Amount) {
		return
	}
	acc, id, list := to, t.To, (*account).inList
	if t.Type == CashWithdrawal {
		acc, id, list = from, t.From, (*account).outList
	}
	if acc == nil {
		return
	}
	var ev []*Transaction
	var total Amount
	for _, x := range since(list(acc), e.windowStart(r)) {
		if x.Type == t.Type && inBand(r, x.Amount) {
			ev = append(ev, x)
			total += x.Amount
		}
	}
	if len(ev) < r.MinCount || total <= r.Threshold {
		return
	}
	e.raise(r, r.ID+"|"+id+"|"+string(t.Type), id, string(t.Type), []string{id}, ev,
		score(r, float64(len(ev)), float64(r.MinCount)))
}

func inBand(r *Rule, a Amount) bool {
	return a >= r.Floor && a < r.Threshold && amountOK(r, a)
}

func (a *account) inList() []*Transaction  { return a.in }
func (a *account) outList() []*Transaction { return a.out }

// ctrAggregate: cash in and cash out per person per business day (UTC), each aggregated
// separately; over the threshold → a CTR record.
func (e *Engine) ctrAggregate(r *Rule, t *Transaction) {
	if !t.Type.IsCash() || !typeOK(r, t.Type, CashDeposit, CashWithdrawal) {
		return
	}
	day := t.Time.UTC().Format(time.DateOnly)
	if day != e.ctrDay {
		e.ctrDay, e.ctr = day, map[string]*ctrAgg{}
	}
	person := t.Conductor
	acc := t.To
	if t.Type == CashWithdrawal {
		acc = t.From
	}
	if person == "" {
		person = acc
	}
	k := r.ID + "|" + person + "|" + string(t.Type)
	g := e.ctr[k]
	if g == nil {
		g = &ctrAgg{person: person}
		e.ctr[k] = g
	}
	g.total += t.Amount
	g.txs = append(g.txs, t)
	if g.total <= r.Threshold {
		return
	}
	var accs []string
	for _, x := range g.txs {
		a := x.To
		if x.Type == CashWithdrawal {
			a = x.From
		}
		if !slices.Contains(accs, a) {
			accs = append(accs, a)
		}
	}
	e.raise(r, k+"|"+day, person, day, accs, g.txs, score(r, float64(g.total), float64(r.Threshold)))
}

// smurfing: many conductors depositing cash into one account.
func (e *Engine) smurfing(r *Rule, t *Transaction, to *account) {
	if to == nil || t.Conductor == "" || !typeOK(r, t.Type, CashDeposit) || !amountOK(r, t.Amount) {
		return
	}
	var ev []*Transaction
	var conductors []string
	for _, x := range since(to.in, e.windowStart(r)) {
		if x.Conductor == "" || !typeOK(r, x.Type, CashDeposit) || !amountOK(r, x.Amount) {
			continue
		}
		ev = append(ev, x)
		if !slices.Contains(conductors, x.Conductor) {
			conductors = append(conductors, x.Conductor)
		}
	}
	if len(conductors) < r.MinConductors {
		return
	}
	e.raise(r, r.ID+"|"+t.To, t.To, strings.Join(conductors, ", "), []string{t.To}, ev,
		score(r, float64(len(conductors)), float64(r.MinConductors)))
}

// fan: many distinct counterparties into (fan-in) or out of (fan-out) one account, with
// amounts that agree within the rule's tolerance.
func (e *Engine) fan(r *Rule, t *Transaction, hub *account, in bool) {
	if hub == nil || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	hubID, list := t.To, hub.in
	if !in {
		hubID, list = t.From, hub.out
	}
	cp := func(x *Transaction) string {
		if in {
			return x.From
		}
		return x.To
	}
	if cp(t) == "" || cp(t) == hubID {
		return
	}
	recent := since(list, e.windowStart(r))
	if len(recent) < r.MinCounterparties {
		return // too few payments to come from enough counterparties
	}
	var cand []*Transaction
	for _, x := range recent {
		if c := cp(x); c != "" && c != hubID && typeOK(r, x.Type) && amountOK(r, x.Amount) && near(r, x.Amount, t.Amount) {
			cand = append(cand, x)
		}
	}
	ev, n := bestBand(r, cand, t.Amount, cp)
	if n < r.MinCounterparties {
		return
	}
	accs := []string{hubID}
	for _, x := range ev {
		if c := cp(x); !slices.Contains(accs, c) {
			accs = append(accs, c)
		}
	}
	e.raise(r, r.ID+"|"+hubID, hubID, "", accs, ev, score(r, float64(n), float64(r.MinCounterparties)))
}

// near reports whether a is within the rule's relative tolerance of b (always, with none).
func near(r *Rule, a, b Amount) bool {
	if r.AmountTolerance == 0 {
		return true
	}
	hi, lo := float64(max(a, b)), float64(min(a, b))
	return hi-lo <= r.AmountTolerance*hi
}

// bestBand picks, among cand, the band of amounts no wider than the tolerance that holds
// ref and the most distinct counterparties.
func bestBand(r *Rule, cand []*Transaction, ref Amount, cp func(*Transaction) string) ([]*Transaction, int) {
	distinct := func(xs []*Transaction) int {
		seen := make(map[string]struct{}, len(xs))
		for _, x := range xs {
			seen[cp(x)] = struct{}{}
		}
		return len(seen)
	}
	if r.AmountTolerance == 0 {
		return cand, distinct(cand)
	}
	sorted := slices.Clone(cand)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Amount < sorted[j].Amount })
	var best []*Transaction
	bestN, j := 0, 0
	for i := range sorted {
		for float64(sorted[i].Amount-sorted[j].Amount) > r.AmountTolerance*float64(sorted[i].Amount) {
			j++
		}
		if sorted[i].Amount < ref || sorted[j].Amount > ref {
			continue
		}
		if n := distinct(sorted[j : i+1]); n > bestN {
			best, bestN = sorted[j:i+1], n
		}
	}
	return slices.Clone(best), bestN
}

// scatterGather: an origin sends to several intermediates that each pay the same
// beneficiary. Evaluated when an intermediate pays the beneficiary.
func (e *Engine) scatterGather(r *Rule, t *Transaction, from, to *account) {
	if from == nil || to == nil || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	into := since(to.in, start)
	if len(into) < r.MinCounterparties {
		return
	}
	gather := map[string]*Transaction{} // intermediate → its payment to the beneficiary
	for _, x := range into {
		if x.From != "" && x.From != t.To && typeOK(r, x.Type) && amountOK(r, x.Amount) {
			gather[x.From] = x
		}
	}
	if len(gather) < r.MinCounterparties {
		return
	}
	budget := e.Budget
	for _, o := range since(from.in, start) {
		origin := o.From
		if origin == "" || origin == t.To {
			continue
		}
		oa := e.accounts[origin]
		var ev []*Transaction
		mids := []string{}
		for _, s := range since(oa.out, start) {
			if budget--; budget < 0 {
				return
			}
			g, ok := gather[s.To]
			if !ok || s.To == origin || g.Time.Before(s.Time) || !typeOK(r, s.Type) || !amountOK(r, s.Amount) || slices.Contains(mids, s.To) {
				continue
			}
			mids = append(mids, s.To)
			ev = append(ev, s, g)
		}
		if len(mids) >= r.MinCounterparties {
			accs := append([]string{origin, t.To}, mids...)
			e.raise(r, r.ID+"|"+origin+"|"+t.To, origin, t.To, accs, ev, score(r, float64(len(mids)), float64(r.MinCounterparties)))
			return
		}
	}
}

// gatherScatter: many senders pay one account which then pays many receivers.
func (e *Engine) gatherScatter(r *Rule, t *Transaction, from *account) {
	if from == nil || t.To == "" || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	if len(since(from.in, start)) < r.MinCounterparties || len(from.out) < r.MinCounterparties {
		return
	}
	var ins, outs []*Transaction
	senders, receivers := map[string]bool{}, map[string]bool{}
	var firstIn time.Time
	for _, x := range since(from.in, start) {
		if x.From != "" && x.From != t.From && typeOK(r, x.Type) && amountOK(r, x.Amount) {
			ins = append(ins, x)
			senders[x.From] = true
			if firstIn.IsZero() {
				firstIn = x.Time
			}
		}
	}
	if len(senders) < r.MinCounterparties {
		return
	}
	for _, x := range since(from.out, firstIn) {
		if x.To != "" && x.To != t.From && typeOK(r, x.Type) && amountOK(r, x.Amount) {
			outs = append(outs, x)
			receivers[x.To] = true
		}
	}
	if len(receivers) < r.MinCounterparties {
		return
	}
	accs := []string{t.From}
	for _, x := range append(slices.Clone(ins), outs...) {
		for _, a := range []string{x.From, x.To} {
			if !slices.Contains(accs, a) {
				accs = append(accs, a)
			}
		}
	}
	n := min(len(senders), len(receivers))
	e.raise(r, r.ID+"|"+t.From, t.From, "", accs, append(ins, outs...), score(r, float64(n), float64(r.MinCounterparties)))
}

// funnel: cash deposited in many locations into one account and taken out elsewhere.
func (e *Engine) funnel(r *Rule, t *Transaction, from *account) {
	if from == nil || t.Type == CashDeposit || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	var deps []*Transaction
	var locs []string
	var in Amount
	for _, x := range since(from.in, start) {
		if x.Type == CashDeposit && x.Location != "" && amountOK(r, x.Amount) {
			deps = append(deps, x)
			in += x.Amount
			if !slices.Contains(locs, x.Location) {
				locs = append(locs, x.Location)
			}
		}
	}
	if len(locs) < r.MinLocations || slices.Contains(locs, t.Location) {
		return
	}
	var outs []*Transaction
	var out Amount
	for _, x := range since(from.out, deps[0].Time) {
		if !slices.Contains(locs, x.Location) {
			outs = append(outs, x)
			out += x.Amount
		}
	}
	if float64(out) < r.Ratio*float64(in) {
		return
	}
	e.raise(r, r.ID+"|"+t.From, t.From, strings.Join(locs, ", "), []string{t.From}, append(deps, outs...),
		score(r, float64(len(locs)), float64(r.MinLocations)))
}

// passThrough: most of what came into an account within the window leaves it again.
func (e *Engine) passThrough(r *Rule, t *Transaction, from *account) {
	if from == nil || !typeOK(r, t.Type) {
		return
	}
	start := e.windowStart(r)
	ins := since(from.in, start)
	if len(ins) == 0 {
		return
	}
	var in, out Amount
	for _, x := range ins {
		in += x.Amount
	}
	outs := since(from.out, ins[0].Time)
	for _, x := range outs {
		out += x.Amount
	}
	if in < max(r.MinAmount, 1) || float64(out) < r.Ratio*float64(in) || float64(out) > float64(in)/r.Ratio {
		return
	}
	accs := []string{t.From}
	for _, x := range ins {
		if x.From != "" && !slices.Contains(accs, x.From) {
			accs = append(accs, x.From)
		}
	}
	for _, x := range outs {
		if x.To != "" && !slices.Contains(accs, x.To) {
			accs = append(accs, x.To)
		}
	}
	e.raise(r, r.ID+"|"+t.From, t.From, "", accs, append(slices.Clone(ins), outs...),
		score(r, float64(out)/float64(in), r.Ratio))
}

// cycle: the new payment u→v closes a path v→…→u of at most MaxHops-1 recent payments, so
// money returns to its origin. A bounded depth-first search over the window's out-edges;
// with Ordered, each hop is no earlier than the one before (time-respecting), and the new
// payment is the last.
func (e *Engine) cycle(r *Rule, t *Transaction) {
	if t.From == "" || t.To == "" || t.From == t.To || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	// The cycle must leave t.To and enter t.From within the window.
	if to := e.accounts[t.To]; to == nil || len(since(to.out, start)) == 0 {
		return
	}
	if from := e.accounts[t.From]; from == nil || len(since(from.in, start)) == 0 {
		return
	}
	budget := e.Budget
	path := make([]*Transaction, 0, r.MaxHops)
	onPath := map[string]bool{t.To: true}
	var found []*Transaction
	var dfs func(at string, after time.Time) bool
	dfs = func(at string, after time.Time) bool {
		a := e.accounts[at]
		if a == nil {
			return false
		}
		for _, x := range since(a.out, start) {
			if x == t {
				continue
			}
			if budget--; budget < 0 {
				return false
			}
			if r.Ordered && x.Time.Before(after) {
				continue
			}
			if x.To == "" || !typeOK(r, x.Type) || !amountOK(r, x.Amount) || !near(r, x.Amount, t.Amount) {
				continue
			}
			if x.To == t.From {
				found = append(slices.Clone(path), x)
				return true
			}
			if onPath[x.To] || len(path)+2 >= r.MaxHops {
				continue
			}
			onPath[x.To] = true
			path = append(path, x)
			if dfs(x.To, x.Time) {
				return true
			}
			path = path[:len(path)-1]
			delete(onPath, x.To)
		}
		return false
	}
	if !dfs(t.To, start) {
		return
	}
	ev := append(found, t)
	accs := make([]string, 0, len(ev))
	for _, x := range ev {
		accs = append(accs, x.From)
	}
	key := slices.Clone(accs)
	slices.Sort(key)
	e.raise(r, r.ID+"|"+strings.Join(key, ","), accs[0], "", accs, ev, score(r, float64(len(ev)), 2))
}

// chain: the same amount (within the tolerance) passed on along a path of distinct
// accounts, at least MinCount hops and at most MaxHops — layering through a chain of
// accounts, or a round trip that has not closed. Evaluated for each payment u→v: the
// longest such path into u and out of v (a bounded search over the window) joined by it.
func (e *Engine) chain(r *Rule, t *Transaction) {
	if t.From == "" || t.To == "" || t.From == t.To || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	// With nothing into t.From or out of t.To in the window, t is a chain of one.
	from, to := e.accounts[t.From], e.accounts[t.To]
	if len(since(from.in, start)) == 0 && len(since(to.out, start)) == 0 {
		return
	}
	budget := e.Budget
	on := map[string]bool{t.From: true, t.To: true}
	ok := func(x *Transaction) bool {
		return x != t && typeOK(r, x.Type) && amountOK(r, x.Amount) && near(r, x.Amount, t.Amount)
	}
	// back returns the longest path ending in at, earliest hop first.
	var back func(at string, before time.Time, room int) []*Transaction
	back = func(at string, before time.Time, room int) []*Transaction {
		a := e.accounts[at]
		if room == 0 || a == nil {
			return nil
		}
		var best []*Transaction
		for _, x := range since(a.in, start) {
			if budget--; budget < 0 {
				break
			}
			if x.From == "" || on[x.From] || !ok(x) || (r.Ordered && x.Time.After(before)) {
				continue
			}
			on[x.From] = true
			p := append(back(x.From, x.Time, room-1), x)
			delete(on, x.From)
			if len(p) > len(best) {
				best = p
			}
		}
		return best
	}
	// fwd returns the longest path starting at at, earliest hop first.
	var fwd func(at string, after time.Time, room int) []*Transaction
	fwd = func(at string, after time.Time, room int) []*Transaction {
		a := e.accounts[at]
		if room == 0 || a == nil {
			return nil
		}
		var best []*Transaction
		for _, x := range since(a.out, start) {
			if budget--; budget < 0 {
				break
			}
			if x.To == "" || on[x.To] || !ok(x) || (r.Ordered && x.Time.Before(after)) {
				continue
			}
			on[x.To] = true
			p := append([]*Transaction{x}, fwd(x.To, x.Time, room-1)...)
			delete(on, x.To)
			if len(p) > len(best) {
				best = p
			}
		}
		return best
	}
	b := back(t.From, t.Time, r.MaxHops-1)
	for _, x := range b {
		on[x.From] = true
	}
	f := fwd(t.To, t.Time, r.MaxHops-1-len(b))
	path := append(append(b, t), f...)
	if len(path) < r.MinCount {
		return
	}
	accs := make([]string, 0, len(path)+1)
	lowest := path[0].From
	for _, x := range path {
		accs = append(accs, x.From)
		lowest = min(lowest, x.From)
	}
	accs = append(accs, path[len(path)-1].To)
	lowest = min(lowest, path[len(path)-1].To)
	e.raise(r, r.ID+"|"+lowest+"|"+t.Amount.Decimal(), accs[0], "", accs, path, score(r, float64(len(path)), float64(r.MinCount)))
}

// dormant: an account silent for DormantFor moves money again.
func (e *Engine) dormant(r *Rule, t *Transaction, a *account, id string) {
	if a == nil || a.last.IsZero() || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	gap := t.Time.Sub(a.last)
	if gap < time.Duration(r.DormantFor) {
		return
	}
	e.raise(r, r.ID+"|"+id, id, a.last.Format(time.DateOnly), []string{id}, []*Transaction{t},
		score(r, gap.Hours(), time.Duration(r.DormantFor).Hours()))
}

// exposure: money reaching a designated account within MaxHops payments (senders upstream
// are walked back over the window when a payment reaches a designated account), and money
// received from one within MaxHops (carried forward on each account).
func (e *Engine) exposure(r *Rule, t *Transaction, from, to *account) {
	if t.From == "" || t.To == "" || !typeOK(r, t.Type) || !amountOK(r, t.Amount) {
		return
	}
	start := e.windowStart(r)
	if e.designated[t.To] && !e.designated[t.From] {
		budget := e.Budget
		var walk func(id string, path []*Transaction)
		walk = func(id string, path []*Transaction) {
			accs := []string{}
			for _, x := range path {
				accs = append(accs, x.From)
			}
			accs = append(accs, t.To)
			e.raise(r, r.ID+"|to|"+id+"|"+t.To, id, "to|"+t.To+"|"+itoa(len(path))+"|"+e.why[t.To], accs, path,
				score(r, float64(r.MaxHops+1-len(path)), float64(r.MaxHops)))
			if len(path) >= r.MaxHops {
				return
			}
			a := e.accounts[id]
			if a == nil {
				return
			}
			for _, x := range since(a.in, start) {
				if budget--; budget < 0 {
					return
				}
				if x.From == "" || x.From == t.To || e.designated[x.From] || (r.Ordered && x.Time.After(path[0].Time)) {
					continue
				}
				if slices.ContainsFunc(path, func(p *Transaction) bool { return p.From == x.From }) {
					continue
				}
				walk(x.From, append([]*Transaction{x}, path...))
			}
		}
		walk(t.From, []*Transaction{t})
	}
	if e.designated[t.To] {
		return
	}
	var exp *exposure
	switch {
	case e.designated[t.From]:
		exp = &exposure{hops: 1, designated: t.From, path: []*Transaction{t}}
	case from != nil && from.exp != nil && from.exp.hops < r.MaxHops && !from.exp.path[0].Time.Before(start):
		exp = &exposure{hops: from.exp.hops + 1, designated: from.exp.designated,
			path: append(slices.Clone(from.exp.path), t)}
	default:
		return
	}
	if to.exp == nil || to.exp.path[0].Time.Before(start) || exp.hops <= to.exp.hops {
		to.exp = exp
	}
	accs := []string{}
	for _, x := range exp.path {
		accs = append(accs, x.From)
	}
	accs = append(accs, t.To)
	e.raise(r, r.ID+"|from|"+t.To+"|"+exp.designated, t.To, "from|"+exp.designated+"|"+itoa(exp.hops)+"|"+e.why[exp.designated], accs, exp.path,
		score(r, float64(r.MaxHops+1-exp.hops), float64(r.MaxHops)))
}
