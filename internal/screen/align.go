package screen

import (
	"slices"
)

// Weights of part kinds in the name score, relative to an ordinary part.
// Family names weigh more when the structure tells them apart, as in
// logic-v2; particles, legal forms and fillers weigh little.
func kindWeight(k partKind) float64 {
	switch k {
	case kindFamily:
		return 1.3
	case kindPatronymic:
		return 0.7
	case kindParticle:
		return 0.3
	case kindLegal:
		return 0.4
	case kindStop:
		return 0.2
	case kindInitial:
		return 0.5
	case kindNumber:
		return 1.5
	}
	return 1
}

// Penalty weights for parts left without a partner. A query part the
// listed name lacks is strong evidence against (the officer typed it); a
// listed part the query lacks is weak (lists carry full names, middle names
// and patronymics an officer rarely has).
const (
	unmatchedQueryWeight = 1.0
	// subsetQueryWeight applies instead when a person's listed name is
	// wholly found in the query: lists often carry a short form of a
	// long name ("Janan Agha" for "Janan Mohammad Ahmed Agha").
	subsetQueryWeight     = 0.5
	unmatchedListedWeight = 0.25
	// surnameOnlyWeight applies to the other name's parts when one name
	// is a title and a family name only, which says nothing of given
	// names.
	surnameOnlyWeight    = 0.1
	conflictListedWeight = 0.6
	swapFactor           = 0.85 // given and family name swapped
	// lineageSwapFactor applies when a name is met as the person's own on
	// one side and as the father's on the other: "Omar bin Abdullah" is
	// the son of "Abdullah bin Omar", a different person.
	lineageSwapFactor = 0.65
	// qualifierWeight scales a parenthesised qualifier left over in an
	// organisation's name; countryPartWeight is the least a country left
	// over there counts.
	qualifierWeight   = 0.2
	countryPartWeight = 1.2
	// conflictFactor applies when both names keep a part the other lacks.
	conflictFactor       = 0.9
	numberMismatchFactor = 0.5 // "Vessel 1" against "Vessel 2"
	legalMismatchFactor  = 0.8 // "Deutsche Bank AG" against "Deutsche Bank GmbH"
)

// pairing is one aligned pair of parts; q2 and c2 are the second part of
// a compound ("jin ping" written "jinping"), or -1.
type pairing struct {
	q, q2, c, c2 int
	// more counts the parts after q2 (or c2) the pair also covers: a name
	// written in three pieces, an acronym of several words.
	more   int
	sim    float64
	how    agreement
	weight float64
}

// nameMatch is the alignment of one query name with one listed name.
type nameMatch struct {
	score       float64
	q, c        *parsedName
	pairs       []pairing
	unmatchedQ  []int
	unmatchedC  []int
	swapped     bool
	lineageSwap bool // a father's name met as the person's own
	// conflict: each side keeps a name part the other lacks ("Hasib"
	// against "Ahmad" in otherwise equal names), positive evidence of two
	// parties rather than an omission.
	conflict       bool
	numberMismatch bool
	legalMismatch  bool
}

func partWeight(p part) float64 { return p.t.weight * kindWeight(p.kind) }

// partSimilarity compares two parts, taking their roles into account.
func partSimilarity(a, b part, st *simTable) (float64, agreement) {
	if a.kind == kindLegal || b.kind == kindLegal {
		if a.kind == kindLegal && b.kind == kindLegal && a.t == b.t || a.kind == kindLegal && b.kind == kindLegal && a.t.text == b.t.text {
			if a.surface() == b.surface() {
				return 1, agreeExact
			}
			return 1, agreeLegal
		}
		return 0, agreeNone
	}
	if a.kind == kindInitial || b.kind == kindInitial {
		if a.t.text == b.t.text {
			return 1, agreeExact
		}
		if a.t.text[0] == b.t.text[0] && !a.t.numeric && !b.t.numeric {
			return 0.9, agreeInitial
		}
		return 0, agreeNone
	}
	if (a.kind == kindStop) != (b.kind == kindStop) {
		return 0, agreeNone
	}
	// Two parts written in the same syllabic script are the same only if
	// they read the same: romanisation of a character is fixed, so
	// "jong" from 종 is not "jeong" from 정.
	if a.syllabic != 0 && a.syllabic == b.syllabic && a.t.text != b.t.text {
		return 0, agreeNone
	}
	return st.sim(a.ti, b.ti)
}

// alignNames aligns the parts of q and c one to one, best pairs first, and
// scores the alignment in [0,1].
//
// With detail false only the score and flags are computed, without
// allocating; explanations recompute the winning pair with detail.
// st must be bound to the record c belongs to.
func alignNames(q, c *parsedName, st *simTable, detail bool) nameMatch {
	nm := nameMatch{q: q, c: c}
	n, m := len(q.parts), len(c.parts)
	if n == 0 || m == 0 {
		return nm
	}
	if n > 64 || m > 64 {
		n, m = min(n, 64), min(m, 64)
	}
	type cand struct {
		i, j int
		s    float64
		how  agreement
		w    float64
	}
	var buf [64]cand
	cands := buf[:0]
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			s, how := partSimilarity(q.parts[i], c.parts[j], st)
			if s > 0 {
				w := (partWeight(q.parts[i]) + partWeight(c.parts[j])) / 2
				cands = append(cands, cand{i, j, s, how, w})
			}
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		switch {
		case a.s != b.s:
			if a.s > b.s {
				return -1
			}
			return 1
		case a.w != b.w:
			if a.w > b.w {
				return -1
			}
			return 1
		case a.i != b.i:
			return a.i - b.i
		}
		return a.j - b.j
	})
	var usedQ, usedC uint64
	var pbuf [16]pairing
	pairs := pbuf[:0]
	for _, cd := range cands {
		if usedQ&(1<<cd.i) != 0 || usedC&(1<<cd.j) != 0 {
			continue
		}
		usedQ |= 1 << cd.i
		usedC |= 1 << cd.j
		pairs = append(pairs, pairing{q: cd.i, q2: -1, c: cd.j, c2: -1, sim: cd.s, how: cd.how, weight: cd.w})
	}
	// Compounds: one side writes as one word what the other splits
	// ("jinping" / "jin ping", "abdulrahman" / "abdul rahman").
	if usedQ != 1<<n-1 || usedC != 1<<m-1 {
		pairs = compounds(q, c, n, m, &usedQ, &usedC, pairs, false)
		pairs = compounds(c, q, m, n, &usedC, &usedQ, pairs, true)
	}
	if detail {
		nm.pairs = slices.Clone(pairs)
	}
	num, den := 0.0, 0.0
	for _, p := range pairs {
		qp, cp := q.parts[p.q], c.parts[p.c]
		// Agreeing particles ("al", "bin", "de") say nothing about who
		// is named; they only count against a name when left over.
		if qp.kind != kindParticle || cp.kind != kindParticle || p.q2 >= 0 || p.c2 >= 0 {
			num += p.sim * p.weight
			den += p.weight
		}
		qk, ck := qp.kind, cp.kind
		if q.roles && c.roles && (qk == kindGiven && ck == kindFamily || qk == kindFamily && ck == kindGiven) {
			nm.swapped = true
		}
		// "Abdullah bin Omar" is not "Omar bin Abdullah": a father's name
		// met as the person's own.
		// Only the person's own first name met as a father's name is a
		// swap: a lineage particle lost to a typo ("been") is not.
		if qp.lineage != cp.lineage && p.how != agreeCompound && p.how != agreeAcronym && hasLineage(q) && hasLineage(c) &&
			(qp.lineage && p.c == firstName(c) || cp.lineage && p.q == firstName(q)) {
			nm.lineageSwap = true
		}
	}
	if sylReversed(q, pairs, false) || sylReversed(c, pairs, true) {
		nm.swapped = true
	}
	qNum, cNum, qLegal, cLegal := false, false, false, false
	things := q.nk == nameOrg || q.nk == nameObject || c.nk == nameOrg || c.nk == nameObject
	queryWeight := unmatchedQueryWeight
	if usedC == 1<<m-1 && !things && len(pairs) >= 2 {
		queryWeight = subsetQueryWeight
	}
	if c.surnameOnly && usedC == 1<<m-1 {
		queryWeight = surnameOnlyWeight
	}
	qOwn, cOwn := false, false
	for i := 0; i < n; i++ {
		qOwn = qOwn || usedQ&(1<<i) == 0 && ownPart(q.parts[i].kind)
	}
	for j := 0; j < m; j++ {
		cOwn = cOwn || usedC&(1<<j) == 0 && ownPart(c.parts[j].kind)
	}
	nm.conflict = qOwn && cOwn && len(pairs) > 0
	for i := 0; i < n; i++ {
		if usedQ&(1<<i) == 0 {
			if detail {
				nm.unmatchedQ = append(nm.unmatchedQ, i)
			}
			den += partWeight(q.parts[i]) * leftoverWeight(&q.parts[i], queryWeight, things, cOwn)
			qNum = qNum || q.parts[i].kind == kindNumber
			qLegal = qLegal || q.parts[i].kind == kindLegal
		}
	}
	// When both names keep parts the other lacks, those parts conflict
	// ("Oil" against "Gas", "al-Tikriti" against "al-Dulaimi"): the
	// listed ones then count for more than mere omissions.
	// Organisations and vessels differ by one word as often as not
	// ("Banco Santander México"), so their extra listed words always
	// count as conflicts.
	listedWeight := unmatchedListedWeight
	if usedQ != 1<<n-1 || things {
		listedWeight = conflictListedWeight
	}
	if q.surnameOnly && usedQ == 1<<n-1 {
		listedWeight = surnameOnlyWeight
	}
	for j := 0; j < m; j++ {
		if usedC&(1<<j) == 0 {
			if detail {
				nm.unmatchedC = append(nm.unmatchedC, j)
			}
			if c.parts[j].kind == kindLegal {
				den += partWeight(c.parts[j]) * unmatchedListedWeight
			} else {
				den += partWeight(c.parts[j]) * leftoverWeight(&c.parts[j], listedWeight, things, qOwn)
			}
			cNum = cNum || c.parts[j].kind == kindNumber
			cLegal = cLegal || c.parts[j].kind == kindLegal
		}
	}
	if den == 0 {
		return nm
	}
	nm.score = num / den
	// Initials alone ("N.N.") fit far too many names to identify one.
	onlyInitials := len(pairs) > 0
	for _, p := range pairs {
		if p.how != agreeInitial && q.parts[p.q].kind != kindParticle {
			onlyInitials = false
		}
	}
	if onlyInitials {
		nm.score *= 0.6
	}
	if nm.swapped {
		nm.score *= swapFactor
	}
	if nm.lineageSwap {
		nm.score *= lineageSwapFactor
	}
	if nm.conflict {
		nm.score *= conflictFactor
		if initialsConflict(q, c, usedQ, usedC, n, m) {
			// "William G. Frost" and "William W. Frost": two middle
			// initials that differ name two people.
			nm.score *= conflictFactor
		}
	}
	// Numbers must agree; in an organisation or vessel name a number on
	// one side only ("Fund II" against "Fund") differs too.
	if qNum && cNum || things && (qNum || cNum) {
		nm.numberMismatch = true
		nm.score *= numberMismatchFactor
	}
	if qLegal && cLegal {
		nm.legalMismatch = true
		nm.score *= legalMismatchFactor
	}
	return nm
}

// compounds pairs each unmatched part of a with two or three adjacent
// unmatched parts of b written together ("vanderbilt" / "van der bilt"),
// or, in an organisation's name, with the words its letters are the
// initials of ("pla" / "people's liberation army"). flip records pairs
// with a and b swapped.
func compounds(a, b *parsedName, n, m int, usedA, usedB *uint64, pairs []pairing, flip bool) []pairing {
	org := a.nk == nameOrg || b.nk == nameOrg
	for i := 0; i < n; i++ {
		if *usedA&(1<<i) != 0 {
			continue
		}
		at := a.parts[i].t
		found := false
		for span := 2; span <= 3 && !found; span++ {
			for j := 0; j+span <= m; j++ {
				mask := uint64(1)<<span - 1
				if *usedB&(mask<<j) != 0 {
					continue
				}
				l := 0
				for k := j; k < j+span; k++ {
					l += len(b.parts[k].t.text)
				}
				if !compoundStart(at, b.parts[j].t) || l < len(at.text)-2 || l > len(at.text)+2 {
					continue
				}
				s, how := spanSimilarity(at, b.parts[j:j+span])*0.98, agreeCompound
				if s < 0.8*0.98 && sameSyllables(at, b.parts[j:j+span]) {
					s, how = 0.9, agreeRomanisation
				}
				if s < 0.8*0.98 {
					continue
				}
				pairs = append(pairs, spanPair(a, b, i, j, span, s, how, usedA, usedB, flip))
				found = true
				break
			}
		}
		if !found && org {
			if j, span := acronymAt(at.text, b, m, *usedB); span > 0 {
				pairs = append(pairs, spanPair(a, b, i, j, span, 0.9, agreeAcronym, usedA, usedB, flip))
			}
		}
	}
	return pairs
}

// compoundStart reports whether a word a and b, the first of several
// written together, may start alike: the same first letter or, when the
// several come from an abjad (عبد الله, "bd allh", against "Abdullah"),
// the same first consonant.
func compoundStart(a, b *term) bool {
	if a.text[0] == b.text[0] || a.zh0 == b.zh0 && len(b.text) <= 6 {
		return true
	}
	return b.abjad && a.skel != "" && b.skel != "" && a.skel[0] == b.skel[0]
}

// sameSyllables reports whether a, one word, and bs, syllables written
// apart, read the same across the romanisations of Chinese: "Tse-tung"
// (Wade-Giles) and "Zedong" (pinyin), "Chin-ping" and "Jinping".
func sameSyllables(a *term, bs []part) bool {
	if len(a.text) < 4 || len(a.text) > 16 || a.zh0 != bs[0].t.zh0 || !isASCIILetters(a.text) {
		return false
	}
	var buf [2][48]byte
	joined := buf[0][:0]
	for _, p := range bs {
		if len(p.t.text) > 6 || !isASCIILetters(p.t.text) {
			return false
		}
		joined = appendChineseKey(joined, p.t.text)
	}
	return string(joined) == string(appendChineseKey(buf[1][:0], a.text))
}

// spanPair pairs part i of a with parts j … j+span-1 of b and marks them
// used.
func spanPair(a, b *parsedName, i, j, span int, s float64, how agreement, usedA, usedB *uint64, flip bool) pairing {
	*usedA |= 1 << i
	*usedB |= (uint64(1)<<span - 1) << j
	w := partWeight(a.parts[i])
	for k := j; k < j+span; k++ {
		w += partWeight(b.parts[k])
	}
	w /= 2
	if flip {
		return pairing{q: j, q2: j + 1, more: span - 2, c: i, c2: -1, sim: s, how: how, weight: w}
	}
	return pairing{q: i, q2: -1, c: j, c2: j + 1, more: span - 2, sim: s, how: how, weight: w}
}

// acronymAt finds unmatched adjacent parts of b, fillers aside, whose
// first letters spell acr (two to six letters), and returns the first and
// how many parts they span.
func acronymAt(acr string, b *parsedName, m int, usedB uint64) (int, int) {
	if len(acr) < 2 || len(acr) > 6 || !isASCIILetters(acr) {
		return 0, 0
	}
	for j := 0; j < m; j++ {
		k, l := j, 0
		for k < m && l < len(acr) && usedB&(1<<k) == 0 {
			p := &b.parts[k]
			switch {
			case p.kind == kindStop && k > j:
			case p.t.text[0] == acr[l] && len(p.t.text) > 1 && p.kind != kindLegal && p.kind != kindNumber:
				l++
			default:
				k = m
				continue
			}
			k++
		}
		if l == len(acr) && k-j >= 2 {
			return j, k - j
		}
	}
	return 0, 0
}

// spanSimilarity compares one term with several others written together.
func spanSimilarity(a *term, bs []part) float64 {
	if len(bs) == 2 {
		return compoundSimilarity(a, bs[0].t, bs[1].t)
	}
	joined := ""
	abjad := a.abjad
	for _, p := range bs {
		joined += p.t.cmp
		abjad = abjad || p.t.abjad
	}
	return joinedSimilarity(a, joined, abjad)
}

// compoundSimilarity compares one term with two others written together,
// by spelling or, for abjad romanisations, by consonant skeleton.
func compoundSimilarity(a, b1, b2 *term) float64 {
	return joinedSimilarity(a, b1.cmp+b2.cmp, a.abjad || b1.abjad || b2.abjad)
}

func joinedSimilarity(a *term, joined string, abjad bool) float64 {
	if joined == a.cmp {
		return 1
	}
	if abjad && skeleton(joined, false) == a.skel {
		return 0.9
	}
	l := max(len(joined), len(a.cmp))
	budget := errorBudget(l)
	if d := editDistance(a.cmp, joined, budget); d <= budget {
		return 1 - d/float64(l)
	}
	return 0
}

// firstName returns the index of the first part that is not a particle.
func firstName(pn *parsedName) int {
	for i, p := range pn.parts {
		if p.kind != kindParticle {
			return i
		}
	}
	return -1
}

// sylReversed reports whether two syllables of one written word of pn
// ("영수", yeong-su) are aligned with parts of the other name in the
// reverse order ("Su Yong"): a different given name. side says whether pn
// is the listed name.
func sylReversed(pn *parsedName, pairs []pairing, side bool) bool {
	for _, a := range pairs {
		for _, b := range pairs {
			ai, bi, aj, bj := a.q, b.q, a.c, b.c
			if side {
				ai, bi, aj, bj = a.c, b.c, a.q, b.q
			}
			if a.q2 >= 0 || a.c2 >= 0 || b.q2 >= 0 || b.c2 >= 0 {
				continue
			}
			pa, pb := &pn.parts[ai], &pn.parts[bi]
			if pa.syl != 0 && pb.syl == pa.syl+1 && bi == ai+1 && bj < aj {
				return true
			}
		}
	}
	return false
}

// leftoverWeight is the share of its weight an unmatched part p counts
// against a name, w by default. In an organisation's name a qualifier in
// parentheses counts little unless the other name has a leftover of its
// own, and a country ("Banco Santander México") marks a national branch,
// another party.
func leftoverWeight(p *part, w float64, things, otherLeft bool) float64 {
	if !things {
		return w
	}
	if p.qualifier {
		if !otherLeft {
			return w * qualifierWeight
		}
		return w
	}
	if p.t.country {
		return max(w, countryPartWeight)
	}
	return w
}

// initialsConflict reports an initial left over on both sides.
func initialsConflict(q, c *parsedName, usedQ, usedC uint64, n, m int) bool {
	qi, ci := false, false
	for i := 0; i < n; i++ {
		qi = qi || usedQ&(1<<i) == 0 && q.parts[i].kind == kindInitial
	}
	for j := 0; j < m; j++ {
		ci = ci || usedC&(1<<j) == 0 && c.parts[j].kind == kindInitial
	}
	return qi && ci
}

// ownPart reports whether a part of kind k, left unmatched, says
// something about who is named (particles, fillers and legal forms do
// not; numbers are judged on their own).
func ownPart(k partKind) bool {
	return k != kindParticle && k != kindStop && k != kindLegal && k != kindNumber
}

func hasLineage(pn *parsedName) bool {
	for _, p := range pn.parts {
		if p.lineage {
			return true
		}
	}
	return false
}
