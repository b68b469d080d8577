package screen

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// word is one token of a name in comparable form: lower-case ASCII letters
// and digits where a table exists for the script, and whether it was
// romanised from a script that leaves vowels unwritten.
type word struct {
	text  string
	abjad bool
	// syllabic is the script (Han, Hangul or kana) the word was romanised
	// from, where each character is a whole syllable, or 0.
	syllabic script
	// syl numbers the syllables of one written word from 1 ("영수" gives
	// "yeong" 1 and "su" 2), 0 elsewhere: their order is part of the name.
	syl uint8
}

// Normalize returns s in the form names are compared in: transliterated to
// Latin where Nexus has a table for the script, folded to lower case,
// stripped of diacritics, with punctuation replaced by single spaces and
// apostrophes removed ("O'Brien" → "obrien", "Владимир Путин" → "vladimir
// putin"). It is deterministic and never panics on any input.
func Normalize(s string) string {
	ws := splitWords(s)
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// isApostrophe lists marks deleted inside a word rather than splitting it:
// "O'Brien", "Sa'ad", "Qur’an", "So'ng-hun".
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', 'ʻ', 'ʼ', 'ʿ', 'ʾ', '´':
		return true
	}
	return false
}

// isJoiner lists invisible marks that join or shape letters inside one
// word, as the zero-width non-joiner does in Persian ("پزشک‌فر"), and the
// soft hyphen; they never separate words.
func isJoiner(r rune) bool {
	switch r {
	case '\u200c', '\u200d', '\u00ad', '\u2060', '\ufeff':
		return true
	}
	return false
}

// splitWords normalises s and cuts it into words.
func splitWords(s string) []word {
	if ws, ok := splitASCII(s); ok {
		return ws
	}
	return splitUnicode(s)
}

// splitUnicode is splitWords for any text.
func splitUnicode(s string) []word {
	// NFKC first, so compatibility forms (ligatures, full-width and
	// digraph kana) reach the transliteration tables as plain letters.
	// Invalid bytes become spaces before that: NFKC leaves the rune after
	// one undecomposed, which would make Normalize(Normalize(s)) differ.
	s = strings.ToLower(norm.NFKC.String(strings.ToValidUTF8(s, " ")))
	var out []word
	var run []rune
	runScript := scriptOther
	var cur strings.Builder
	abjad := false
	var syllabic script
	flushRun := func() {
		if len(run) == 0 {
			return
		}
		if runScript == scriptLatin || runScript == scriptOther {
			for _, r := range run {
				cur.WriteRune(r)
			}
		} else {
			transliterate(&cur, run, runScript)
			abjad = abjad || runScript.isAbjad()
			if runScript == scriptHan || runScript == scriptHangul || runScript == scriptKana {
				syllabic = runScript
			}
		}
		run = run[:0]
	}
	flushWord := func() {
		flushRun()
		if cur.Len() > 0 {
			fs := strings.Fields(foldLatin(cur.String()))
			for k, t := range fs {
				w := word{text: t, abjad: abjad, syllabic: syllabic}
				if syllabic != 0 && len(fs) > 1 && k < 255 {
					w.syl = uint8(k + 1)
				}
				out = append(out, w)
			}
		}
		cur.Reset()
		abjad = false
		syllabic = 0
	}
	for _, r := range s {
		switch {
		case isApostrophe(r), isJoiner(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			sc := scriptOf(r)
			if sc != runScript {
				flushRun()
				runScript = sc
			}
			run = append(run, r)
		case unicode.IsMark(r):
			// Marks belong to the letter before them: Indic vowel signs
			// carry sound, Latin accents are dropped by foldLatin.
			run = append(run, r)
		default:
			flushWord()
		}
	}
	flushWord()
	return out
}

// splitASCII is splitWords for text in ASCII, which most listed names
// are: NFKC, transliteration and folding change nothing there but case,
// so the words are the runs of letters and digits, lower-cased, with
// apostrophes dropped. It reports false for any other text.
func splitASCII(s string) ([]word, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return nil, false
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			n++
		}
	}
	b := make([]byte, 0, n)
	var ends [16]int
	cuts := ends[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+32)
		case c == '\'' || c == '`':
		default:
			if len(b) > 0 && (len(cuts) == 0 || cuts[len(cuts)-1] != len(b)) {
				cuts = append(cuts, len(b))
			}
		}
	}
	if len(b) > 0 && (len(cuts) == 0 || cuts[len(cuts)-1] != len(b)) {
		cuts = append(cuts, len(b))
	}
	text := string(b)
	out := make([]word, len(cuts))
	start := 0
	for i, end := range cuts {
		out[i] = word{text: text[start:end]}
		start = end
	}
	return out, true
}

// special are Latin letters that do not decompose into a base letter and a
// mark.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ħ': "h", 'ŀ': "l", 'ŧ': "t", 'ĸ': "k", 'ſ': "s",
	'ə': "a",
}

// foldLatin removes diacritics and maps special letters; any letter or
// digit left from scripts without a table is kept as it is, so such names
// still match the same script.
func foldLatin(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x80 && isLatinBlock(r) {
			// Decompose Latin letters one at a time and keep the base:
			// other scripts are left composed, so a second pass changes
			// nothing.
			if t, ok := special[r]; ok {
				b.WriteString(t)
				continue
			}
			for _, d := range norm.NFKD.String(string(r)) {
				writeFolded(&b, d)
			}
			continue
		}
		writeFolded(&b, r)
	}
	return b.String()
}

func isLatinBlock(r rune) bool {
	return r < 0x250 || r >= 0x1E00 && r < 0x1F00 || r >= 0xFB00 && r < 0xFB07
}

func writeFolded(b *strings.Builder, r rune) {
	switch {
	case r < 0x80:
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r >= 'A' && r <= 'Z' {
			b.WriteRune(r + 32)
		} else {
			b.WriteByte(' ')
		}
	case unicode.Is(unicode.Mn, r):
		// diacritic or vowel point
	default:
		if t, ok := special[r]; ok {
			b.WriteString(t)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteByte(' ')
		}
	}
}
