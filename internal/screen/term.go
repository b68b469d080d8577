package screen

import (
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// term is one distinct normalised name part with everything the scorer
// needs precomputed. Terms are shared by every name that uses them.
type term struct {
	text string // normalised form, shown in explanations
	// id numbers an indexed term from 1 in its index; 0 for a term
	// made for one query or comparison.
	id uint32
	// skelID and skelAltID number skel and skelAlt in the index (0 when
	// too short to index or not indexed).
	skelID, skelAltID uint32
	cmp               string // comparison form: x → ks, ph → f, patronymic endings unified
	skel              string // consonant skeleton (see skeleton)
	// skelAlt is a second skeleton for words romanised from an abjad,
	// reading waw and ya as consonants rather than long vowels.
	skelAlt string
	group   int32 // nameVariants group, -1 when none
	group2  int32
	weight  float64 // rarity prior: 1 for an ordinary part, less for frequent ones
	abjad   bool
	numeric bool
	// nick says the text is in the nickname table, as a nickname or as a
	// formal name.
	nick bool
	// country says the text names a country ("mexico", "chile").
	country bool
	// zh0 is the first letter of the text's key across the romanisations
	// of Chinese (see appendChineseKey).
	zh0 byte
	// consonants is the set of consonant letters in cmp, one bit each,
	// for a quick lower bound on the edit distance.
	consonants uint32
	// classCount counts the consonants of cmp per class of confusable
	// letters (see consonantClass), four bits a class.
	classCount uint32
	// vowels counts a, e, i, o and u in cmp.
	vowels uint8
}

// consonantClass numbers the classes of confusable consonants (see
// confusable); letters outside them have their own.
var consonantClass = func() [26]uint8 {
	var c [26]uint8
	next := uint8(0)
	for _, g := range []string{"ckqgjsz", "fvw", "dt", "bp", "lr", "m", "n", "x"} {
		for i := 0; i < len(g); i++ {
			c[g[i]-'a'] = next
		}
		next++
	}
	return c
}()

func newTerm(text string, abjad bool) *term {
	t := &term{text: text, abjad: abjad, group: -1, group2: -1, weight: 1}
	t.cmp = compareForm(text)
	t.skel = skeleton(text, false)
	for i := 0; i < len(t.cmp); i++ {
		if c := t.cmp[i]; c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' {
			t.vowels = min(t.vowels+1, 255)
		} else if c >= 'a' && c <= 'z' && !isVowel(c) && c != 'h' {
			t.consonants |= 1 << (c - 'a')
			if sh := 4 * consonantClass[c-'a']; t.classCount>>sh&15 < 15 {
				t.classCount += 1 << sh
			}
		}
	}
	t.skelAlt = t.skel
	if abjad {
		t.skelAlt = skeleton(text, true)
	}
	if g, ok := variantGroup[text]; ok {
		t.group = g
		if g2, ok := secondGroup[text]; ok {
			t.group2 = g2
		}
		if w, ok := commonParts[nameVariants[g][0]]; ok {
			t.weight = w
		}
	}
	if w, ok := commonParts[text]; ok {
		t.weight = w
	}
	t.zh0 = chineseInitial(text)
	if len(text) >= 4 && !abjad {
		t.country = countryWords[text]
	}
	_, isNick := nickFormal[text]
	_, isFormal := nicknameFormals[canonicalName(text)]
	t.nick = isNick || isFormal
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			t.numeric = true
			break
		}
	}
	// Very short parts are weak evidence whatever their frequency.
	if len(text) <= 2 && !t.numeric {
		t.weight = min(t.weight, 0.6)
	}
	return t
}

// sameGroup reports whether a and b are listed spellings of one name.
func sameGroup(a, b *term) bool {
	if a.group < 0 || b.group < 0 {
		return false
	}
	return a.group == b.group || a.group == b.group2 || (a.group2 >= 0 && (a.group2 == b.group || a.group2 == b.group2))
}

// countryWords are the one-word English names of countries ("mexico",
// "chile"), normalised.
var countryWords = func() map[string]bool {
	m := map[string]bool{}
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			name := ftm.CountryName(string([]rune{a, b}))
			if n := Normalize(name); n != "" && !strings.Contains(n, " ") {
				m[n] = true
			}
		}
	}
	return m
}()

// appendChineseKey appends s to dst in one spelling of the letters in
// which Wade-Giles, pinyin and their variants write the same Mandarin
// sounds, so that the syllables of a Chinese name agree however they were
// romanised: aspiration, which Wade-Giles marks with an apostrophe that
// names lose, is dropped (p/b, t/d, k/g, ch/j/zh/q, ts/tz/z/c), hs is x,
// and the finals ung, ih, ieh and ien are ong, i, ie and ian.
func appendChineseKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		var n, n2 byte
		if i+1 < len(s) {
			n = s[i+1]
		}
		if i+2 < len(s) {
			n2 = s[i+2]
		}
		switch {
		case c == 'h' && n == 's':
			dst, i = append(dst, 'x'), i+1
		case c == 't' && (n == 's' || n == 'z'):
			dst, i = append(dst, 'z'), i+1
		case (c == 'c' || c == 'z') && n == 'h':
			dst, i = append(dst, 'j'), i+1
		case c == 'q':
			dst = append(dst, 'j')
		case c == 'c':
			dst = append(dst, 'z')
		case c == 'u' && n == 'n' && n2 == 'g':
			dst, i = append(dst, 'o', 'n', 'g'), i+2
		case c == 'i' && n == 'e' && n2 == 'h':
			dst, i = append(dst, 'i', 'e'), i+2
		case c == 'i' && n == 'e' && n2 == 'n':
			dst, i = append(dst, 'i', 'a', 'n'), i+2
		case c == 'i' && n == 'h':
			dst, i = append(dst, 'i'), i+1
		case c == 'p':
			dst = append(dst, 'b')
		case c == 't':
			dst = append(dst, 'd')
		case c == 'k':
			dst = append(dst, 'g')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// chineseInitial is the first letter of appendChineseKey(nil, s), without building
// the key.
func chineseInitial(s string) byte {
	if s == "" {
		return 0
	}
	c := s[0]
	var n byte
	if len(s) > 1 {
		n = s[1]
	}
	switch {
	case c == 'h' && n == 's':
		return 'x'
	case c == 't' && (n == 's' || n == 'z'), c == 'c' && n != 'h':
		return 'z'
	case c == 'c', c == 'z' && n == 'h', c == 'q':
		return 'j'
	case c == 'p':
		return 'b'
	case c == 't':
		return 'd'
	case c == 'k':
		return 'g'
	}
	return c
}

// patronymicEndings are spellings of the Slavic patronymic suffix across
// romanisations; they are unified so "Vladimirovitch" meets
// "Vladimirovich".
var patronymicEndings = []string{"ovitch", "ovitsch", "owitsch", "owitsj", "ovitsj", "ovytch", "ovych", "ovics", "ovitj", "ovitx", "ovici", "owicz", "ovits", "ovitz", "ovic", "ovich"}

func compareForm(s string) string {
	if !strings.ContainsAny(s, "xpwc") && !strings.Contains(s, "ovi") && !strings.Contains(s, "ovy") {
		return s
	}
	for _, e := range patronymicEndings {
		if strings.HasSuffix(s, e) && len(s) > len(e)+2 {
			s = s[:len(s)-len(e)] + "ovich"
			break
		}
	}
	s = strings.ReplaceAll(s, "x", "ks")
	s = strings.ReplaceAll(s, "ph", "f")
	s = strings.ReplaceAll(s, "ck", "k")
	return s
}

// skeleton reduces a romanised word to its consonant frame with similar
// consonants merged, the form in which an Arabic or Hebrew spelling and its
// Latin renderings agree: "mohammed", "muhammad" and محمد all give "mhmd".
// With semivowels set, w and y are kept as consonants.
func skeleton(s string, semivowels bool) string {
	var b strings.Builder
	var last byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		var out byte
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			continue
		case 'y', 'w':
			// Only a word-initial w or y is surely a consonant; elsewhere
			// they may stand for a long vowel (Mahmwd, Yazyd).
			if i > 0 && (!semivowels || isVowel(s[i-1]) && i+1 < len(s) && !isVowel(next)) {
				continue
			}
			if c == 'w' {
				out = 'f'
			} else {
				out = 'y'
			}
		case 'k', 'g', 's', 't', 'd', 'c', 'z', 'p':
			if next == 'h' {
				// Digraphs: kh, gh, sh, th, dh, ch, zh, ph.
				switch c {
				case 'k', 'g':
					out = 'k'
				case 's', 'c', 'z':
					out = 's'
				case 't':
					out = 't'
				case 'd':
					out = 'd'
				case 'p':
					out = 'f'
				}
				i++
				break
			}
			switch c {
			case 'k', 'c':
				out = 'k'
			case 'g':
				out = 'g'
			case 's', 'z':
				out = 's'
			case 'p':
				out = 'b'
			default:
				out = c
			}
		case 'q':
			out = 'k'
		case 'j':
			out = 'g'
		case 'v', 'f':
			out = 'f'
		case 'x':
			out = 'k'
		default:
			out = c
		}
		if out != last {
			b.WriteByte(out)
			last = out
		}
	}
	return b.String()
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}
