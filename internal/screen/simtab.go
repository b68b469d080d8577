package screen

// simTable holds the similarities of one query's terms with the terms of
// the candidates it is scored against. A candidate's distinct terms are
// compared with every query term once (a row), and a row computed for one
// candidate is reused by every other candidate sharing the term, so the
// alignment of names reads similarities from an array and allocates
// nothing. Indexed terms are found by id in two dense arrays stamped with
// a generation, so starting a query clears nothing.
type simTable struct {
	q  *record
	nq int
	// rows holds nq entries per computed row; hit says whether a row has
	// any similarity at all.
	rows []simEntry
	// qmask has, per row, a bit for each query term (by index) with any
	// similarity; queries of more than 64 terms are never pruned.
	qmask []uint64
	// slots are indexed by term id: row is valid while gen matches.
	slots []slot
	gen   uint32
	// crow maps the bound candidate's term indexes to rows.
	crow []int32
}

type slot struct {
	gen uint32
	row int32
}

type simEntry struct {
	s   float64
	how agreement
}

// reset prepares t for query q against an index of nTerms terms (0 when
// there is no index).
func (t *simTable) reset(q *record, nTerms int) {
	t.q, t.nq = q, len(q.terms)
	t.rows, t.qmask = t.rows[:0], t.qmask[:0]
	if nTerms+1 > len(t.slots) {
		t.slots = make([]slot, nTerms+1+nTerms/4)
		t.gen = 0
	}
	t.gen++
	if t.gen == 0 {
		clear(t.slots)
		t.gen = 1
	}
}

// bind makes c the candidate whose terms sim reads.
func (t *simTable) bind(c *record) {
	t.crow = t.crow[:0]
	// Term ids are read from the record, not the terms, which are
	// scattered in memory and touched only to compute a new row.
	for i, id := range c.tids {
		if id != 0 && int(id) < len(t.slots) {
			s := &t.slots[id]
			if s.gen != t.gen {
				s.gen, s.row = t.gen, t.computeRow(c.terms[i])
			}
			t.crow = append(t.crow, s.row)
			continue
		}
		t.crow = append(t.crow, t.computeRow(c.terms[i]))
	}
}

func (t *simTable) computeRow(ct *term) int32 {
	r := int32(len(t.qmask))
	var mask uint64
	for i, qt := range t.q.terms {
		s, how := termSimilarity(qt, ct)
		t.rows = append(t.rows, simEntry{s, how})
		if s > 0 && i < 64 {
			mask |= 1 << i
		}
	}
	t.qmask = append(t.qmask, mask)
	return r
}

// sim returns the similarity of query term qi with bound candidate term ci.
func (t *simTable) sim(qi, ci uint16) (float64, agreement) {
	e := t.rows[int(t.crow[ci])*t.nq+int(qi)]
	return e.s, e.how
}

// nameBound returns an upper bound of alignNames(qn, cn).score without
// aligning: a query part that resembles no part of cn, cannot be one half
// of a compound and is not an initial or legal form stays unmatched and
// weighs in the denominator only, and each other part adds at most its
// weight to both sides (num/den grows with what both sides gain).
func (t *simTable) nameBound(qn, cn *parsedName) float64 {
	n, m := min(len(qn.parts), maxParts), min(len(cn.parts), maxParts)
	if t.nq > 64 || n == 0 || m == 0 {
		return 1
	}
	var mask uint64
	wcmax := 0.0
	special := false
	for j := 0; j < m; j++ {
		cp := &cn.parts[j]
		mask |= t.qmask[t.crow[cp.ti]]
		wcmax = max(wcmax, partWeight(*cp))
		special = special || cp.kind == kindInitial || cp.kind == kindLegal
	}
	if special {
		return 1
	}
	if (qn.nk == nameOrg || cn.nk == nameOrg) && (mayBeAcronym(qn, cn, n, m) || mayBeAcronym(cn, qn, m, n)) {
		return 1
	}
	comp, comp3 := compoundCandidates(qn, cn, n, m)
	// The lighter weight of query parts left over when the listed name is
	// wholly found (see alignNames) keeps this a bound.
	queryWeight := unmatchedQueryWeight
	if qn.nk != nameOrg && qn.nk != nameObject && cn.nk != nameOrg && cn.nk != nameObject {
		queryWeight = subsetQueryWeight
	}
	if cn.surnameOnly {
		queryWeight = surnameOnlyWeight
	}
	s, k := 0.0, 0.0
	for i := 0; i < n; i++ {
		qp := &qn.parts[i]
		wq := partWeight(*qp)
		switch {
		case comp3&(1<<i) != 0:
			s += (wq + 3*wcmax) / 2
		case comp&(1<<i) != 0:
			s += (wq + 2*wcmax) / 2
		case mask&(1<<qp.ti) != 0 || qp.kind == kindInitial || qp.kind == kindLegal:
			s += (wq + wcmax) / 2
		case qp.qualifier:
			k += wq * queryWeight * qualifierWeight
		default:
			k += wq * queryWeight
		}
	}
	if s == 0 {
		return 0
	}
	return s / (s + k)
}

// compoundCandidates returns the query parts that compounds might pair:
// one written as two or three adjacent parts of the other name, or one of
// two or three adjacent parts written as one there (the same first letter
// and length test as compounds). comp3 has those that might pair with
// three listed parts.
func compoundCandidates(qn, cn *parsedName, n, m int) (comp, comp3 uint64) {
	if qn.initials&cn.pairInitials == 0 && cn.initials&qn.pairInitials == 0 && !qn.abjad && !cn.abjad {
		return 0, 0
	}
	for i := 0; i < n; i++ {
		at := qn.parts[i].t
		a := at.text
		for j := 0; j+1 < m; j++ {
			b := cn.parts[j].t.text
			if !compoundStart(at, cn.parts[j].t) {
				continue
			}
			l := len(b) + len(cn.parts[j+1].t.text)
			if l >= len(a)-2 && l <= len(a)+2 {
				comp |= 1 << i
			}
			if j+2 < m {
				l += len(cn.parts[j+2].t.text)
				if l >= len(a)-2 && l <= len(a)+2 {
					comp3 |= 1 << i
				}
			}
		}
	}
	for j := 0; j < m; j++ {
		bt := cn.parts[j].t
		b := bt.text
		for i := 0; i+1 < n; i++ {
			a := qn.parts[i].t.text
			if !compoundStart(qn.parts[i].t, bt) {
				continue
			}
			l := len(a) + len(qn.parts[i+1].t.text)
			if l >= len(b)-2 && l <= len(b)+2 {
				comp |= 3 << i
			}
			if i+2 < n {
				l += len(qn.parts[i+2].t.text)
				if l >= len(b)-2 && l <= len(b)+2 {
					comp |= 7 << i
				}
			}
		}
	}
	return comp, comp3
}

// mayBeAcronym reports whether a part of a could be an acronym of parts of
// b (see acronymAt), ignoring which parts are used.
func mayBeAcronym(a, b *parsedName, n, m int) bool {
	for i := 0; i < n; i++ {
		if _, span := acronymAt(a.parts[i].t.text, b, m, 0); span > 0 {
			return true
		}
	}
	return false
}

// collectTerms lists r's distinct terms and points each part at its own.
func (r *record) collectTerms() {
	r.terms, r.tids = r.terms[:0], r.tids[:0]
	var idx map[*term]uint16
	for i := range r.names {
		for j := range r.names[i].parts {
			p := &r.names[i].parts[j]
			k, found := uint16(0), false
			if idx != nil {
				k, found = idx[p.t]
			} else {
				for n, t := range r.terms {
					if t == p.t {
						k, found = uint16(n), true
						break
					}
				}
				if len(r.terms) >= 32 {
					idx = make(map[*term]uint16, 64)
					for n, t := range r.terms {
						idx[t] = uint16(n)
					}
				}
			}
			if !found {
				k = uint16(len(r.terms))
				r.terms = append(r.terms, p.t)
				r.tids = append(r.tids, p.t.id)
				if idx != nil {
					idx[p.t] = k
				}
			}
			p.ti = k
		}
	}
}
