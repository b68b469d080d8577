package screen

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The OFAC mode follows the public description of OFAC's Sanctions List
// Search (FAQ 249: Jaro-Winkler over the whole name and over its parts, the
// higher one reported) with the details that reproduce the scores the site
// shows: the whole-name comparison applies only when both names start with
// the same letter or their first terms are at least half similar by edit
// distance; it compares the names as written, hyphens included
// ("al-qaeda" against "al qaida"), and uses the Jaro-Winkler of the
// SimMetrics library: the prefix bonus counts up to six common leading
// characters and is given without the usual 0.7 gate. A listed name is
// scored at all only when the site's pre-selection (same first letter, 50%
// edit-distance similarity for some pair of terms) picks it; the per-part
// comparison averages, over the query's parts longer than two letters, the
// best Jaro-Winkler against any listed part, counting pairs below 0.5 as
// zero. Names are not transliterated, as on the site.

// ofacTokens splits a name as the site does: case folded, apostrophes,
// periods and commas removed inside words, other punctuation separating.
func ofacTokens(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case isApostrophe(r) || r == '.' || r == ',':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// ofacName is one name prepared the OFAC way: its parts, and the whole
// name as the site compares it, parts joined by spaces but hyphenated
// words kept whole ("bashir-ud-din").
type ofacName struct {
	parts []string
	whole string
}

func newOFACName(s string) ofacName {
	n := ofacName{parts: ofacTokens(s)}
	var words []string
	for _, f := range strings.Fields(s) {
		var pieces []string
		for _, h := range strings.Split(f, "-") {
			if t := ofacTokens(h); len(t) > 0 {
				pieces = append(pieces, strings.Join(t, " "))
			}
		}
		if len(pieces) > 0 {
			words = append(words, strings.Join(pieces, "-"))
		}
	}
	n.whole = strings.Join(words, " ")
	return n
}

// ofacJaroWinkler is Jaro-Winkler as the SimMetrics library computes it:
// the prefix bonus counts up to six common leading characters and applies
// whatever the Jaro similarity.
func ofacJaroWinkler(a, b string) float64 {
	j := jaro(a, b)
	if j == 0 {
		return 0
	}
	p := 0
	for p < 6 && p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	return j + float64(p)*0.1*(1-j)
}

// ofacPair scores one query name against one listed name in [0,1].
func ofacPair(q, c ofacName) (whole, perPart float64) {
	qt, ct := q.parts, c.parts
	if len(qt) == 0 || len(ct) == 0 || !ofacPreselected(qt, ct) {
		return 0, 0
	}
	if ofacWholeGate(qt, ct) {
		whole = ofacJaroWinkler(q.whole, c.whole)
	}
	kept := qt[:0:0]
	for _, t := range qt {
		if len(t) > 2 {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		kept = qt
	}
	sum := 0.0
	for _, a := range kept {
		best := 0.0
		for _, b := range ct {
			best = max(best, jaroWinkler(a, b, 0.7))
		}
		if best >= 0.5 {
			sum += best
		}
	}
	return whole, sum / float64(len(kept))
}

// ofacWholeGate tells whether the whole-name comparison applies: both names
// start with the same letter, or their first terms are at least 50% similar
// by edit distance, the site's pre-selection test applied to the leading
// terms. So "PUTIN VLADIMIR" is compared as a whole with "TURIN, Vladimir"
// (putin/turin differ in two letters of five), while "BUSH GEORGE" is not
// compared as a whole with "HASWANI, George".
func ofacWholeGate(qt, ct []string) bool {
	return qt[0][0] == ct[0][0] || levenshteinSimilarity(qt[0], ct[0]) >= 0.5
}

// ofacPreselected applies the site's candidate pre-selection (FAQ 249):
// some query term and some listed name part start with the same letter
// and are at least 50% similar by edit distance. A listed name no query
// term pre-selects is never scored ("ALQAEDA" does not find "AL QAEDA").
func ofacPreselected(qt, ct []string) bool {
	for _, a := range qt {
		for _, b := range ct {
			if a[0] == b[0] && levenshteinSimilarity(a, b) >= 0.5 {
				return true
			}
		}
	}
	return false
}

// levenshteinSimilarity is 1 - (unweighted edit distance / longer length).
func levenshteinSimilarity(a, b string) float64 {
	if len(a) > 64 || len(b) > 64 {
		a, b = a[:min(len(a), 64)], b[:min(len(b), 64)]
	}
	var rows [2][65]int
	prev, cur := &rows[0], &rows[1]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(b)])/float64(max(len(a), len(b)))
}

// OFACScore returns the score OFAC's Sanctions List Search would give the
// listed name for the query name, in [0,1] (the site shows it × 100).
func OFACScore(query, listed string) float64 {
	w, p := ofacPair(newOFACName(query), newOFACName(listed))
	return max(w, p)
}

// ofacMatch scores a record in OFAC mode: the best over all name pairs.
func ofacMatch(q, c *record) Match {
	m := Match{EntityID: c.id, Caption: c.caption, Schema: c.schema, Datasets: c.datasets}
	var bestW, bestP float64
	for _, qn := range q.names {
		qt := newOFACName(qn.raw)
		for _, cn := range c.names {
			w, p := ofacPair(qt, newOFACName(cn.raw))
			if s := max(w, p); s > m.Score || m.MatchedName == "" {
				m.Score, bestW, bestP = s, w, p
				m.QueryName, m.MatchedName = qn.raw, cn.raw
			}
		}
	}
	f := Feature{Name: "name", Score: m.Score, Contribution: m.Score,
		Explanation: fmt.Sprintf("OFAC-style name score %.0f for %q vs %q (whole name %.0f, by parts %.0f; the higher counts)",
			m.Score*100, m.QueryName, m.MatchedName, bestW*100, bestP*100)}
	m.Features = []Feature{f}
	m.Explanation = f.Explanation
	return m
}
