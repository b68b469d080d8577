package screen

import (
	"fmt"
	"strings"
)

// DefaultThreshold is the score at and above which a result is reported as
// a match by the default algorithm. An exact name match alone scores 1.0,
// so the threshold is always reachable without any other evidence.
const DefaultThreshold = 0.70

// Algorithm names a scoring method.
type Algorithm string

const (
	// AlgorithmDefault is Nexus's explained, transliteration-aware scorer.
	AlgorithmDefault Algorithm = "nexus"
	// AlgorithmOFAC reproduces the scores of OFAC's Sanctions List Search
	// (name only; Jaro-Winkler of the whole name and of its parts), so an
	// officer can compare with the Treasury site. Its threshold is the
	// site's slider divided by 100.
	AlgorithmOFAC Algorithm = "ofac"
)

// Feature is one piece of evidence in a score.
type Feature struct {
	// Name is "name", "birthDate", "identifier", "country", "gender" or
	// "schema".
	Name string
	// Score is the feature's own similarity in [0,1] where it has one.
	Score float64
	// Contribution is what the feature adds to (or, negative, takes from)
	// the final score. The name feature contributes its score; the others
	// adjust it.
	Contribution float64
	// Explanation says in plain words what was compared and found.
	Explanation string
}

// Match is one listed entity found for a query.
type Match struct {
	EntityID string
	// Score is in [0,1]; equal scores mean the same across lists.
	Score    float64
	Caption  string
	Schema   string
	Datasets []string
	// MatchedName is the listed name that scored best, QueryName the query
	// name it was compared with.
	MatchedName, QueryName string
	Features               []Feature
	// Explanation joins the features' explanations into one sentence an
	// officer can copy into a report.
	Explanation string
}

// Adjustments applied by the identity-evidence features.
const (
	dobDayBonus      = 0.05
	dobYearBonus     = 0.02
	dobSameYearOther = -0.05
	dobDisjoint      = -0.15
	countryMismatch  = -0.10
	genderMismatch   = -0.15
	// Bonuses only apply to a name that already resembles the query, so a
	// shared birthday can never make a match of a different name.
	bonusMinName = 0.5
)

// scored is a candidate's numeric result before it is explained.
type scored struct {
	rec   *record
	score float64
	name  nameMatch
	dob   dateRelation
	idHit string
	// country: 1 agree, -1 contradict, 0 unknown; gender likewise.
	country, gender int
}

// bestName aligns every query name with every listed name and keeps the
// best pair. Weak aliases count a little less.
//
// A pair whose upper bound (see nameBound) cannot beat the best so far,
// or cannot reach minName, is not aligned; minName 0 aligns every pair
// that might be best.
func bestName(q, c *record, st *simTable, minName float64) nameMatch {
	var best nameMatch
	for i := range q.names {
		for j := range c.names {
			qn, cn := &q.names[i], &c.names[j]
			factor := 1.0
			if cn.prop == propWeak {
				factor = 0.9
			}
			if best.q != nil || minName > 0 {
				limit := minName
				if best.q != nil {
					limit = max(limit, best.score)
				}
				if st.nameBound(qn, cn)*factor+1e-9 < limit {
					continue
				}
			}
			var nm nameMatch
			if sameText(qn, cn) && (!qn.roles || !cn.roles || rolesAgree(qn, cn)) {
				nm = exactMatch(qn, cn)
			} else {
				nm = alignNames(qn, cn, st, false)
			}
			nm.score *= factor
			if nm.score > best.score || best.q == nil {
				best = nm
			}
		}
	}
	return best
}

func rolesAgree(a, b *parsedName) bool {
	if len(a.parts) != len(b.parts) {
		return false
	}
	for i := range a.parts {
		ak, bk := a.parts[i].kind, b.parts[i].kind
		if ak == kindGiven && bk == kindFamily || ak == kindFamily && bk == kindGiven || a.parts[i].lineage != b.parts[i].lineage {
			return false
		}
	}
	return true
}

func exactMatch(q, c *parsedName) nameMatch {
	nm := nameMatch{score: 1, q: q, c: c}
	for i := range q.parts {
		how := agreeExact
		if q.parts[i].surface() != c.parts[i].surface() {
			// Two spellings of one legal form.
			how = agreeLegal
		}
		nm.pairs = append(nm.pairs, pairing{q: i, q2: -1, c: i, c2: -1, sim: 1, how: how, weight: partWeight(q.parts[i])})
	}
	return nm
}

// score computes the default algorithm's score of candidate c for query q.
// st must have been reset for q. A candidate that cannot reach minScore
// may be left with a lower name score than its best (it is not reported
// anyway); minScore 0 scores in full.
func score(q, c *record, st *simTable, minScore float64) scored {
	s := scored{rec: c}
	if !schemaCompatible(q.schema, c.schema) {
		return s
	}
	for _, a := range q.ids {
		for _, b := range c.ids {
			if a == b {
				s.idHit = a
			}
		}
	}
	st.bind(c)
	// Only a birth date can add to the name score, by at most
	// dobDayBonus; an identifier match sets a floor that depends on it.
	minName := 0.0
	if s.idHit == "" && minScore > 0 {
		minName = minScore - dobDayBonus
	}
	s.name = bestName(q, c, st, minName)
	if s.idHit == "" && minName > 0 && s.name.score+1e-9 < minName {
		// Nothing else can lift it to minScore.
		s.score = s.name.score
		return s
	}
	total := s.name.score
	s.dob = compareDates(q.dates, c.dates)
	total += s.dob.contribution(s.name.score)
	if s.country = compareSets(q.countries, c.countries); s.country < 0 {
		total += countryMismatch
	}
	if q.gender != "" && c.gender != "" {
		if q.gender == c.gender {
			s.gender = 1
		} else {
			s.gender = -1
			total += genderMismatch
		}
	}
	if s.idHit != "" {
		// An identifier match is near-certain; a different name leaves
		// room for a reused or mistyped number.
		floor := 0.8
		if s.name.score >= bonusMinName {
			floor = 0.95 + 0.05*s.name.score
		}
		total = max(total, floor)
	}
	s.score = min(1, max(0, total))
	return s
}

func compareSets(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return 1
			}
		}
	}
	return -1
}

// dateRelation is the closest relation between any query date and any
// listed date.
type dateRelation struct {
	kind   int // 0 unknown, 1 disjoint, 2 same year other day, 3 close, 4 year agrees, 5 day agrees
	q, c   string
	active bool
}

func (d dateRelation) contribution(name float64) float64 {
	switch d.kind {
	case 1:
		return dobDisjoint
	case 2:
		return dobSameYearOther
	case 4:
		if name >= bonusMinName {
			return dobYearBonus
		}
	case 5:
		if name >= bonusMinName {
			return dobDayBonus
		}
	}
	return 0
}

func compareDates(qs, cs []string) dateRelation {
	best := dateRelation{}
	for _, a := range qs {
		for _, b := range cs {
			k := relateDates(a, b)
			if k > best.kind {
				best = dateRelation{kind: k, q: a, c: b, active: true}
			}
		}
	}
	return best
}

func relateDates(a, b string) int {
	if len(a) < 4 || len(b) < 4 {
		return 0
	}
	if len(a) == 10 && len(b) == 10 {
		if a == b {
			return 5
		}
		// Day and month written the other way round.
		if a[:4] == b[:4] && a[5:7] == b[8:10] && a[8:10] == b[5:7] {
			return 3
		}
	}
	n := min(len(a), len(b))
	if a[:n] == b[:n] {
		return 4
	}
	ya, yb := atoi4(a), atoi4(b)
	switch {
	case ya == yb:
		return 2
	case ya-yb <= 1 && yb-ya <= 1:
		return 3
	}
	return 1
}

func atoi4(s string) int {
	n := 0
	for i := 0; i < 4; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// explain turns a scored candidate into a Match with its features and
// their plain-words explanations.
func explain(s scored, st *simTable) Match {
	c := s.rec
	if s.name.q != nil && s.name.pairs == nil {
		// The scoring pass kept no details; redo the winning pair.
		factor := 1.0
		if s.name.c.prop == propWeak {
			factor = 0.9
		}
		st.bind(c)
		s.name = alignNames(s.name.q, s.name.c, st, true)
		s.name.score *= factor
	}
	m := Match{EntityID: c.id, Score: s.score, Caption: c.caption, Schema: c.schema, Datasets: c.datasets}
	nm := s.name
	if nm.q != nil {
		m.QueryName, m.MatchedName = nm.q.raw, nm.c.raw
	}
	m.Features = append(m.Features, Feature{Name: "name", Score: nm.score, Contribution: nm.score, Explanation: explainName(nm)})
	if s.dob.active {
		f := Feature{Name: "birthDate", Contribution: s.dob.contribution(nm.score)}
		switch s.dob.kind {
		case 5:
			f.Score, f.Explanation = 1, fmt.Sprintf("birth date %s agrees", s.dob.q)
		case 4:
			f.Score, f.Explanation = 0.8, fmt.Sprintf("birth date %s agrees with %s", s.dob.q, s.dob.c)
		case 3:
			f.Score, f.Explanation = 0.5, fmt.Sprintf("birth date %s is close to %s", s.dob.q, s.dob.c)
		case 2:
			f.Score, f.Explanation = 0.3, fmt.Sprintf("birth date %s differs from %s in the same year", s.dob.q, s.dob.c)
		case 1:
			f.Explanation = fmt.Sprintf("birth date %s disagrees with %s", s.dob.q, s.dob.c)
		}
		f.Explanation += signed(f.Contribution)
		m.Features = append(m.Features, f)
	}
	if s.idHit != "" {
		m.Features = append(m.Features, Feature{Name: "identifier", Score: 1, Contribution: s.score - nm.score,
			Explanation: fmt.Sprintf("identifier %s matches exactly", s.idHit) + signed(s.score-nm.score)})
	}
	switch s.country {
	case 1:
		m.Features = append(m.Features, Feature{Name: "country", Score: 1,
			Explanation: "country agrees (identity evidence only; adds nothing)"})
	case -1:
		m.Features = append(m.Features, Feature{Name: "country", Contribution: countryMismatch,
			Explanation: "country differs, so probably another party" + signed(countryMismatch)})
	}
	switch s.gender {
	case 1:
		m.Features = append(m.Features, Feature{Name: "gender", Score: 1, Explanation: "gender agrees (adds nothing)"})
	case -1:
		m.Features = append(m.Features, Feature{Name: "gender", Contribution: genderMismatch,
			Explanation: "gender differs" + signed(genderMismatch)})
	}
	parts := make([]string, len(m.Features))
	for i, f := range m.Features {
		parts[i] = f.Explanation
	}
	m.Explanation = strings.Join(parts, "; ")
	return m
}

func signed(v float64) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprintf(" (%+.2f)", v)
}

// explainName writes the alignment of two names: each pair of parts with
// how they agree, then the parts left over on either side.
func explainName(nm nameMatch) string {
	if nm.q == nil || nm.c == nil {
		return "name: no comparable name"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "name %.2f: %q vs listed %s %q:", nm.score, nm.q.raw, propLabel(nm.c.prop), nm.c.raw)
	for i, p := range nm.pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		qs := nm.q.parts[p.q].surface()
		if p.q2 >= 0 {
			for k := p.q2; k <= p.q2+p.more; k++ {
				qs += " " + nm.q.parts[k].surface()
			}
		}
		cs := nm.c.parts[p.c].surface()
		if p.c2 >= 0 {
			for k := p.c2; k <= p.c2+p.more; k++ {
				cs += " " + nm.c.parts[k].surface()
			}
		}
		switch p.how {
		case agreeExact:
			fmt.Fprintf(&b, " %q = %q", qs, cs)
		case agreeSpelling:
			fmt.Fprintf(&b, " %q ≈ %q (close spelling, %.2f)", qs, cs, p.sim)
		default:
			fmt.Fprintf(&b, " %q ≈ %q (%s)", qs, cs, p.how)
		}
	}
	if len(nm.pairs) == 0 {
		b.WriteString(" no parts agree")
	}
	if len(nm.unmatchedQ) > 0 {
		fmt.Fprintf(&b, "; not in listed name: %s", quoteParts(nm.q, nm.unmatchedQ))
	}
	if len(nm.unmatchedC) > 0 {
		fmt.Fprintf(&b, "; not in query: %s", quoteParts(nm.c, nm.unmatchedC))
	}
	if nm.swapped {
		b.WriteString("; given and family name are swapped")
	}
	if nm.lineageSwap {
		b.WriteString("; a father's name on one side is the person's own on the other")
	}
	if nm.conflict {
		b.WriteString("; each name has a part the other lacks")
	}
	if nm.numberMismatch {
		b.WriteString("; numbers differ")
	}
	if nm.legalMismatch {
		b.WriteString("; legal forms differ")
	}
	return b.String()
}

func propLabel(p nameProp) string {
	switch p {
	case propAlias:
		return "alias"
	case propWeak:
		return "weak alias"
	case propPrevious:
		return "former name"
	}
	return "name"
}

func quoteParts(pn *parsedName, idx []int) string {
	qs := make([]string, len(idx))
	for i, k := range idx {
		qs[i] = fmt.Sprintf("%q", pn.parts[k].surface())
	}
	return strings.Join(qs, ", ")
}
