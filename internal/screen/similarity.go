package screen

import "math/bits"

// How two name parts were found to agree; the explanation names it.
type agreement uint8

const (
	agreeNone         agreement = iota
	agreeExact                  // identical after normalisation
	agreeVariant                // listed spellings of one name
	agreeSkeleton               // same consonants, one side from an abjad
	agreeSpelling               // close spelling within the error budget
	agreeInitial                // an initial and a name starting with it
	agreeLegal                  // same class of legal form
	agreeCompound               // one part written as two ("jinping" / "jin ping")
	agreeNickname               // a familiar form of the other ("ted" / "theodore")
	agreeAcronym                // the initials of the other's words ("pla" / "people's liberation army")
	agreeRomanisation           // another romanisation of the same Chinese syllables ("tse tung" / "zedong")
)

func (a agreement) String() string {
	switch a {
	case agreeExact:
		return "same"
	case agreeVariant:
		return "known variant"
	case agreeSkeleton:
		return "same consonants"
	case agreeSpelling:
		return "close spelling"
	case agreeInitial:
		return "initial"
	case agreeLegal:
		return "same legal form"
	case agreeCompound:
		return "written together"
	case agreeNickname:
		return "nickname"
	case agreeAcronym:
		return "acronym"
	case agreeRomanisation:
		return "another romanisation"
	}
	return "different"
}

// termSimilarity scores two name parts in [0,1] and says why.
func termSimilarity(a, b *term) (float64, agreement) {
	if a == b || a.text == b.text {
		return 1, agreeExact
	}
	if a.numeric || b.numeric {
		// Numbers must agree exactly: "Vessel 1" is not "Vessel 2".
		return 0, agreeNone
	}
	if sameGroup(a, b) {
		return 0.95, agreeVariant
	}
	if isNickname(a, b) {
		return 0.85, agreeNickname
	}
	if a.abjad || b.abjad {
		if s := skeletonSimilarity(a, b); s > 0 {
			return s, agreeSkeleton
		}
	}
	if a.cmp == b.cmp {
		return 0.97, agreeSpelling
	}
	l := max(len(a.cmp), len(b.cmp))
	if l == 0 {
		return 0, agreeNone
	}
	budget := errorBudget(l)
	// Each letter of length difference costs at least half an edit.
	if diff := len(a.cmp) - len(b.cmp); float64(max(diff, -diff)) > 2*budget {
		return 0, agreeNone
	}
	// Every consonant present on one side only needs an edit; a
	// confusable substitution (half an edit) can account for two.
	if float64(bits.OnesCount32(a.consonants^b.consonants))*0.25 > budget {
		return 0, agreeNone
	}
	if classDistance(a.classCount, b.classCount)+vowelDistance(a, b) > budget {
		return 0, agreeNone
	}
	d := editDistance(a.cmp, b.cmp, budget)
	if d > budget {

		return 0, agreeNone
	}
	return 1 - d/float64(l), agreeSpelling
}

// classDistance is a lower bound of the edit distance from consonant
// counts per class: each consonant more or fewer in a class needs an
// insertion or deletion (half an edit at least, for a doubled letter) or
// a substitution from another class (one edit for two counts), and vowels
// and h are not counted. The count of a, e, i, o and u bounds the same
// way and adds to it: y, which is confusable with both i and j, is in
// neither.
func classDistance(a, b uint32) float64 {
	d := 0
	for ; a|b != 0; a, b = a>>4, b>>4 {
		x, y := int(a&15), int(b&15)
		d += max(x-y, y-x)
	}
	return float64(d) * 0.5
}

// errorBudget is how many weighted edits a part of length l may differ by
// and still count as the same spelling: none in two letters, one cheap edit
// in a short part, about one in four letters beyond.
func errorBudget(l int) float64 {
	switch {
	case l <= 2:
		return 0.5
	case l <= 4:
		return 0.5
	case l <= 6:
		return 1
	case l <= 9:
		return 1.5
	case l <= 12:
		return 2
	}
	return 2.5
}

// skeletonSimilarity compares consonant frames when one side was written
// without vowels.
func skeletonSimilarity(a, b *term) float64 {
	best := 0.0
	for _, x := range [2]string{a.skel, a.skelAlt} {
		for _, y := range [2]string{b.skel, b.skelAlt} {
			if x == "" || y == "" {
				continue
			}
			if x == y {
				s := 0.9
				if len(x) == 1 {
					// A one-consonant frame ("ly" for Ali) is weak.
					s = 0.8
				}
				best = max(best, s)
				continue
			}
			l := max(len(x), len(y))
			if l >= 4 && len(x)-len(y) <= 2 && len(y)-len(x) <= 2 {
				if d := editDistance(x, y, 1); d <= 1 {
					best = max(best, 0.85-0.1*d)
				}
			}
		}
	}
	return best
}

// confusable letter pairs cost half an edit: they are the usual
// alternatives between romanisation systems and in typing.
func confusable(x, y byte) bool {
	if x > y {
		x, y = y, x
	}
	switch [2]byte{x, y} {
	case [2]byte{'c', 'k'}, [2]byte{'k', 'q'}, [2]byte{'c', 'q'}, [2]byte{'s', 'z'},
		[2]byte{'v', 'w'}, [2]byte{'f', 'v'}, [2]byte{'i', 'y'}, [2]byte{'g', 'j'},
		[2]byte{'j', 'y'}, [2]byte{'d', 't'}, [2]byte{'b', 'p'}, [2]byte{'c', 's'},
		[2]byte{'g', 'k'}, [2]byte{'l', 'r'}, [2]byte{'0', 'o'}, [2]byte{'1', 'l'}:
		return true
	}
	return isVowel(x) && isVowel(y)
}

// Edit costs in half edits, precomputed for every byte pair: the distance
// is the inner loop of both candidate generation and scoring.
var subTable, indelTable = buildCostTables()

func buildCostTables() (*[256][256]uint8, *[256]uint8) {
	var sub [256][256]uint8
	var indel [256]uint8
	for x := 0; x < 256; x++ {
		indel[x] = 2
		if isVowel(byte(x)) || x == 'h' {
			indel[x] = 1
		}
		for y := 0; y < 256; y++ {
			switch {
			case x == y:
				sub[x][y] = 0
			case confusable(byte(x), byte(y)):
				sub[x][y] = 1
			default:
				sub[x][y] = 2
			}
		}
	}
	return &sub, &indel
}

// indelCost is the cost, in half edits, of inserting or deleting c next to
// prev: vowels, h and doubled letters are what transliterations most often
// add or drop.
func indelCost(c, prev byte) int32 {
	if c == prev {
		return 1
	}
	return int32(indelTable[c])
}

// editDistance is a weighted Damerau-Levenshtein distance over bytes. It
// stops early and returns a value above limit once every path exceeds it.
func editDistance(a, b string, limit float64) float64 {
	if len(a) > 40 || len(b) > 40 {
		if a == b {
			return 0
		}
		return limit + 1
	}
	lim := int32(limit * 2)
	var rows [3][41]int32
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	prev[0] = 0
	for j := 1; j <= len(b); j++ {
		var p byte
		if j > 1 {
			p = b[j-2]
		}
		prev[j] = prev[j-1] + indelCost(b[j-1], p)
	}
	for i := 1; i <= len(a); i++ {
		ai := a[i-1]
		var pa byte
		if i > 1 {
			pa = a[i-2]
		}
		delA := indelCost(ai, pa)
		cur[0] = prev[0] + delA
		rowMin := cur[0]
		sub := &subTable[ai]
		for j := 1; j <= len(b); j++ {
			bj := b[j-1]
			v := prev[j-1] + int32(sub[bj])
			if d := prev[j] + delA; d < v {
				v = d
			}
			var pb byte
			if j > 1 {
				pb = b[j-2]
			}
			if d := cur[j-1] + indelCost(bj, pb); d < v {
				v = d
			}
			if i > 1 && j > 1 && ai == pb && pa == bj && ai != bj {
				if d := prev2[j-2] + 2; d < v {
					v = d
				}
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > lim {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return float64(prev[len(b)]) / 2
}

// jaro is the Jaro similarity of a and b.
func jaro(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var bufA, bufB [128]bool
	ma, mb := bufA[:], bufB[:]
	if la > 128 || lb > 128 {
		ma, mb = make([]bool, la), make([]bool, lb)
	}
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	fm := float64(m)
	return (fm/float64(la) + fm/float64(lb) + (fm-float64(t)/2)/fm) / 3
}

// jaroWinkler adds Winkler's bonus for a common prefix of up to four
// letters; with threshold 0.7 the bonus applies only above that Jaro score
// (the 1990 rule), with threshold 0 always (as SimMetrics does).
func jaroWinkler(a, b string, threshold float64) float64 {
	j := jaro(a, b)
	if j == 0 || j < threshold {
		return j
	}
	p := 0
	for p < 4 && p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	return j + float64(p)*0.1*(1-j)
}

// vowelDistance is the vowel part of the bound in classDistance.
func vowelDistance(a, b *term) float64 {
	d := int(a.vowels) - int(b.vowels)
	return 0.5 * float64(max(d, -d))
}
