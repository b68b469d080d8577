package screen

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/unicode/norm"
)

// The transliteration tables below are ours. They follow the common
// English-language romanisations (BGN/PCGN for Cyrillic, ELOT 743 for Greek,
// Revised Romanization for Hangul, Hepburn for kana) because those are what
// designation lists print. Where a script has several usual renderings
// (Cyrillic х as kh or h, Korean 정 as jeong or jung) the scorer's
// confusable-letter costs and name-variant tables absorb the difference.

// cyrillic covers Russian, Ukrainian, Belarusian, Bulgarian, Serbian and
// Macedonian letters (lower case; upper case is folded before lookup).
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Ukrainian and Belarusian.
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
	// Kazakh, Kyrgyz, Tatar, Bashkir, Tajik.
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h",
	'ҳ': "h", 'ӣ': "i", 'ӯ': "u", 'ҷ': "j",
	// Serbian and Macedonian.
	'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz",
	'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
}

// greek maps unaccented lower-case Greek letters; accented ones are reduced
// to their base letter before lookup.
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i",
	'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y",
	'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// greekDigraphs are letter pairs read as one sound.
var greekDigraphs = map[string]string{
	"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "μπ": "b", "ντ": "nt",
	"γγ": "ng", "γκ": "gk", "αυ": "av", "ευ": "ev",
}

var armenian = map[rune]string{
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e",
	'ը': "y", 'թ': "t", 'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts",
	'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y",
	'ն': "n", 'շ': "sh", 'ո': "o", 'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r",
	'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "u", 'փ': "p",
	'ք': "k", 'օ': "o", 'ֆ': "f", 'և': "ev",
}

var georgian = map[rune]string{
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z",
	'თ': "t", 'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o",
	'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p",
	'ქ': "k", 'ღ': "gh", 'ყ': "q", 'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz",
	'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j", 'ჰ': "h",
}

// hebrew writes consonants only (vowel points are dropped as marks); the
// matres lectionis ו (written w, as Arabic waw is) and י are kept as
// consonants here and the abjad skeleton comparison (see skeleton) treats
// them as possibly vowels: ולדימיר פוטין meets Vladimir Putin.
var hebrew = map[rune]string{
	'א': "", 'ב': "b", 'ג': "g", 'ד': "d", 'ה': "h", 'ו': "w", 'ז': "z",
	'ח': "kh", 'ט': "t", 'י': "y", 'כ': "k", 'ך': "k", 'ל': "l", 'מ': "m",
	'ם': "m", 'נ': "n", 'ן': "n", 'ס': "s", 'ע': "", 'פ': "p", 'ף': "f",
	'צ': "ts", 'ץ': "ts", 'ק': "k", 'ר': "r", 'ש': "sh", 'ת': "t",
}

// arabic covers Arabic, Persian and Urdu letters. Short vowels are not
// written in the script, so the output is a consonant frame; alif, waw and
// ya are rendered as the long vowels they usually stand for.
var arabic = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ء': "", 'ؤ': "u", 'ئ': "i",
	'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h", 'خ': "kh", 'د': "d",
	'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d",
	'ط': "t", 'ظ': "z", 'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k",
	'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'ة': "a", 'و': "w", 'ي': "y",
	'ى': "a",
	// Persian and Urdu.
	'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "y", 'ے': "y",
	'ٹ': "t", 'ڈ': "d", 'ڑ': "r", 'ں': "n", 'ھ': "h", 'ہ': "h", 'ۀ': "a",
	'ـ': "", // tatweel, a stretching stroke
}

// kana maps hiragana and katakana syllables (Hepburn). Small ya/yu/yo
// combine with the preceding syllable; the sokuon doubles the next
// consonant; the long-vowel mark is dropped.
var kana = map[rune]string{
	'あ': "a", 'い': "i", 'う': "u", 'え': "e", 'お': "o",
	'か': "ka", 'き': "ki", 'く': "ku", 'け': "ke", 'こ': "ko",
	'が': "ga", 'ぎ': "gi", 'ぐ': "gu", 'げ': "ge", 'ご': "go",
	'さ': "sa", 'し': "shi", 'す': "su", 'せ': "se", 'そ': "so",
	'ざ': "za", 'じ': "ji", 'ず': "zu", 'ぜ': "ze", 'ぞ': "zo",
	'た': "ta", 'ち': "chi", 'つ': "tsu", 'て': "te", 'と': "to",
	'だ': "da", 'ぢ': "ji", 'づ': "zu", 'で': "de", 'ど': "do",
	'な': "na", 'に': "ni", 'ぬ': "nu", 'ね': "ne", 'の': "no",
	'は': "ha", 'ひ': "hi", 'ふ': "fu", 'へ': "he", 'ほ': "ho",
	'ば': "ba", 'び': "bi", 'ぶ': "bu", 'べ': "be", 'ぼ': "bo",
	'ぱ': "pa", 'ぴ': "pi", 'ぷ': "pu", 'ぺ': "pe", 'ぽ': "po",
	'ま': "ma", 'み': "mi", 'む': "mu", 'め': "me", 'も': "mo",
	'や': "ya", 'ゆ': "yu", 'よ': "yo",
	'ら': "ra", 'り': "ri", 'る': "ru", 'れ': "re", 'ろ': "ro",
	'わ': "wa", 'ゐ': "i", 'ゑ': "e", 'を': "o", 'ん': "n", 'ゔ': "vu",
	'ヷ': "va", 'ヸ': "vi", 'ヹ': "ve", 'ヺ': "vo",
	'ぁ': "a", 'ぃ': "i", 'ぅ': "u", 'ぇ': "e", 'ぉ': "o",
}

// hangul jamo tables (Revised Romanization): initial, medial, final.
var (
	hangulInitial = []string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulMedial  = []string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulFinal   = []string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

// brahmic reads Devanagari and the Indic blocks laid out like it (Bengali,
// Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam) by the
// offset of a letter inside its 128-code-point block. Consonants carry an
// inherent "a" that a vowel sign or virama replaces.
var brahmicConsonant = map[rune]string{
	0x15: "k", 0x16: "kh", 0x17: "g", 0x18: "gh", 0x19: "n", 0x1A: "ch", 0x1B: "chh",
	0x1C: "j", 0x1D: "jh", 0x1E: "n", 0x1F: "t", 0x20: "th", 0x21: "d", 0x22: "dh",
	0x23: "n", 0x24: "t", 0x25: "th", 0x26: "d", 0x27: "dh", 0x28: "n", 0x29: "n",
	0x2A: "p", 0x2B: "f", 0x2C: "b", 0x2D: "bh", 0x2E: "m", 0x2F: "y", 0x30: "r",
	0x31: "r", 0x32: "l", 0x33: "l", 0x34: "l", 0x35: "v", 0x36: "sh", 0x37: "sh",
	0x38: "s", 0x39: "h",
}

var brahmicVowel = map[rune]string{
	0x05: "a", 0x06: "a", 0x07: "i", 0x08: "i", 0x09: "u", 0x0A: "u", 0x0B: "ri",
	0x0E: "e", 0x0F: "e", 0x10: "ai", 0x12: "o", 0x13: "o", 0x14: "au",
}

var brahmicSign = map[rune]string{
	0x3E: "a", 0x3F: "i", 0x40: "i", 0x41: "u", 0x42: "u", 0x43: "ri",
	0x46: "e", 0x47: "e", 0x48: "ai", 0x4A: "o", 0x4B: "o", 0x4C: "au",
	0x4D: "", // virama: no vowel
	0x02: "n", 0x01: "n", 0x03: "h",
}

// script tells which table a rune belongs to.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptArmenian
	scriptGeorgian
	scriptHebrew
	scriptArabic
	scriptHangul
	scriptKana
	scriptHan
	scriptBrahmic
	scriptThai
	scriptKhmer
)

func scriptOf(r rune) script {
	switch {
	case r < 0x250:
		return scriptLatin
	case r >= 0x370 && r < 0x400, r >= 0x1F00 && r < 0x2000:
		return scriptGreek
	case r >= 0x400 && r < 0x530:
		return scriptCyrillic
	case r >= 0x530 && r < 0x590:
		return scriptArmenian
	case r >= 0x590 && r < 0x600:
		return scriptHebrew
	case r >= 0x600 && r < 0x700, r >= 0x750 && r < 0x780, r >= 0xFB50 && r < 0xFE00, r >= 0xFE70 && r < 0xFF00:
		return scriptArabic
	case r >= 0x900 && r < 0xD80:
		return scriptBrahmic
	case r >= 0xE00 && r < 0xE80:
		return scriptThai
	case r >= 0x1780 && r < 0x1800, r >= 0x19E0 && r < 0x1A00:
		return scriptKhmer
	case r >= 0x10A0 && r < 0x1100, r >= 0x1C90 && r < 0x1CC0:
		return scriptGeorgian
	case r >= 0xAC00 && r < 0xD7A4:
		return scriptHangul
	case r >= 0x3040 && r < 0x3100:
		return scriptKana
	case r >= 0x4E00 && r < 0xA000, r >= 0x3400 && r < 0x4DC0:
		return scriptHan
	}
	return scriptOther
}

// isAbjad reports whether a script leaves short vowels unwritten, so that
// its romanisation is a consonant frame to be compared by skeleton.
func (s script) isAbjad() bool { return s == scriptHebrew || s == scriptArabic }

// transliterate appends the Latin reading of one word written in one
// non-Latin script to b. Runes it has no table for are copied unchanged.
func transliterate(b *strings.Builder, word []rune, sc script) {
	switch sc {
	case scriptGreek:
		translitGreek(b, word)
	case scriptHangul:
		for i, r := range word {
			if r < 0xAC00 || r >= 0xD7A4 {
				b.WriteRune(r)
				continue
			}
			if i > 0 {
				// Syllables are separate name parts here; the scorer
				// joins them again where the other name writes "jongun".
				b.WriteByte(' ')
			}
			n := int(r - 0xAC00)
			b.WriteString(hangulInitial[n/588])
			b.WriteString(hangulMedial[(n%588)/28])
			b.WriteString(hangulFinal[n%28])
		}
	case scriptKana:
		translitKana(b, word)
	case scriptHan:
		for i, r := range word {
			if i > 0 {
				// Each character is one syllable; spaces let "jin ping"
				// align with "jinping" through the scorer's compounds.
				b.WriteByte(' ')
			}
			b.WriteString(hanReading(r))
		}
	case scriptBrahmic:
		translitBrahmic(b, word)
	case scriptThai, scriptKhmer:
		translitAbugida(b, word, sc)
	default:
		table := tableFor(sc)
		for i, r := range word {
			if sc == scriptHebrew && r == 'ה' && i == len(word)-1 && i > 0 {
				// A final he usually only marks a vowel (Moshe, Sarah).
				continue
			}
			if s, ok := table[r]; ok {
				b.WriteString(s)
			} else if s, ok := table[baseRune(r)]; ok {
				b.WriteString(s)
			} else {
				b.WriteRune(r)
			}
		}
	}
}

func tableFor(sc script) map[rune]string {
	switch sc {
	case scriptCyrillic:
		return cyrillic
	case scriptArmenian:
		return armenian
	case scriptGeorgian:
		return georgian
	case scriptHebrew:
		return hebrew
	case scriptArabic:
		return arabic
	}
	return nil
}

// baseRune strips combining marks from a precomposed letter (ά → α).
func baseRune(r rune) rune {
	d := norm.NFD.String(string(r))
	for _, c := range d {
		return c
	}
	return r
}

func translitGreek(b *strings.Builder, word []rune) {
	base := make([]rune, len(word))
	for i, r := range word {
		base[i] = baseRune(r)
	}
	for i := 0; i < len(base); i++ {
		if i+1 < len(base) {
			if s, ok := greekDigraphs[string(base[i:i+2])]; ok {
				b.WriteString(s)
				i++
				continue
			}
		}
		if s, ok := greek[base[i]]; ok {
			b.WriteString(s)
		} else {
			b.WriteRune(word[i])
		}
	}
}

func translitKana(b *strings.Builder, word []rune) {
	double := false
	for _, r := range word {
		// Katakana sits 0x60 above the matching hiragana.
		if r >= 0x30A1 && r <= 0x30F6 {
			r -= 0x60
		}
		switch r {
		case 'っ', 'ッ':
			double = true
			continue
		case 'ー', '・':
			continue
		case 'ゃ', 'ゅ', 'ょ':
			s := b.String()
			y := map[rune]string{'ゃ': "a", 'ゅ': "u", 'ょ': "o"}[r]
			// "ki"+"ya" → "kya", "shi"+"ya" → "sha".
			if strings.HasSuffix(s, "shi") || strings.HasSuffix(s, "chi") || strings.HasSuffix(s, "ji") {
				trimLast(b, 1)
				b.WriteString(y)
			} else if strings.HasSuffix(s, "i") {
				trimLast(b, 1)
				b.WriteString("y" + y)
			} else {
				b.WriteString("y" + y)
			}
			continue
		}
		s, ok := kana[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if double && s != "" {
			b.WriteByte(s[0])
			double = false
		}
		b.WriteString(s)
	}
}

// trimLast removes the last n bytes written to b.
func trimLast(b *strings.Builder, n int) {
	s := b.String()
	b.Reset()
	b.WriteString(s[:len(s)-n])
}

func translitBrahmic(b *strings.Builder, word []rune) {
	pending := false // a consonant waits for its vowel
	for _, r := range word {
		off := (r - 0x900) % 0x80
		if s, ok := brahmicConsonant[off]; ok {
			if pending {
				b.WriteString("a")
			}
			b.WriteString(s)
			pending = true
			continue
		}
		if s, ok := brahmicSign[off]; ok {
			if off == 0x01 || off == 0x02 || off == 0x03 {
				if pending {
					b.WriteString("a")
					pending = false
				}
			} else {
				pending = false
			}
			b.WriteString(s)
			continue
		}
		if s, ok := brahmicVowel[off]; ok {
			if pending {
				b.WriteString("a")
				pending = false
			}
			b.WriteString(s)
			continue
		}
		if off == 0x3C { // nukta modifies the consonant already written
			continue
		}
	}
	// A word-final consonant keeps no inherent vowel in Hindi speech.
}

// hanReading returns the first Mandarin reading of a Han character in plain
// letters, or the character itself when the dictionary has none.
func hanReading(r rune) string {
	p, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return string(r)
	}
	if i := strings.IndexByte(p, ','); i >= 0 {
		p = p[:i]
	}
	return p // tone marks are stripped with the other diacritics
}

// Thai and Khmer are written with consonants that carry an unwritten
// vowel, vowel signs placed before, above, below or after them, and final
// consonants read differently from initial ones. The romanisers below
// follow RTGS (Thai) and UNGEGN (Khmer) closely enough for names to meet
// their Latin spellings: a consonant starts a syllable when a vowel sign
// follows it or the syllable before is closed; otherwise it closes the
// syllable, with the inherent vowel "o" when none was written.

type abugidaLetter struct{ initial, final string }

var thaiConsonant = map[rune]abugidaLetter{
	'ก': {"k", "k"}, 'ข': {"kh", "k"}, 'ฃ': {"kh", "k"}, 'ค': {"kh", "k"}, 'ฅ': {"kh", "k"},
	'ฆ': {"kh", "k"}, 'ง': {"ng", "ng"}, 'จ': {"ch", "t"}, 'ฉ': {"ch", "t"}, 'ช': {"ch", "t"},
	'ซ': {"s", "t"}, 'ฌ': {"ch", "t"}, 'ญ': {"y", "n"}, 'ฎ': {"d", "t"}, 'ฏ': {"t", "t"},
	'ฐ': {"th", "t"}, 'ฑ': {"th", "t"}, 'ฒ': {"th", "t"}, 'ณ': {"n", "n"}, 'ด': {"d", "t"},
	'ต': {"t", "t"}, 'ถ': {"th", "t"}, 'ท': {"th", "t"}, 'ธ': {"th", "t"}, 'น': {"n", "n"},
	'บ': {"b", "p"}, 'ป': {"p", "p"}, 'ผ': {"ph", "p"}, 'ฝ': {"f", "p"}, 'พ': {"ph", "p"},
	'ฟ': {"f", "p"}, 'ภ': {"ph", "p"}, 'ม': {"m", "m"}, 'ย': {"y", "i"}, 'ร': {"r", "n"},
	'ล': {"l", "n"}, 'ว': {"w", "o"}, 'ศ': {"s", "t"}, 'ษ': {"s", "t"}, 'ส': {"s", "t"},
	'ห': {"h", ""}, 'ฬ': {"l", "n"}, 'อ': {"", ""}, 'ฮ': {"h", ""},
}

// thaiAfter are the vowel signs written after or over a consonant,
// thaiBefore those written before it but read after it.
var (
	thaiAfter = map[rune]string{
		'ะ': "a", 'ั': "a", 'า': "a", 'ำ': "am", 'ิ': "i", 'ี': "i", 'ึ': "ue", 'ื': "ue",
		'ุ': "u", 'ู': "u",
	}
	thaiBefore = map[rune]string{'เ': "e", 'แ': "ae", 'โ': "o", 'ใ': "ai", 'ไ': "ai"}
)

var khmerConsonant = map[rune]abugidaLetter{
	'ក': {"k", "k"}, 'ខ': {"kh", "k"}, 'គ': {"k", "k"}, 'ឃ': {"kh", "k"}, 'ង': {"ng", "ng"},
	'ច': {"ch", "ch"}, 'ឆ': {"chh", "ch"}, 'ជ': {"ch", "ch"}, 'ឈ': {"chh", "ch"}, 'ញ': {"nh", "nh"},
	'ដ': {"d", "t"}, 'ឋ': {"th", "t"}, 'ឌ': {"d", "t"}, 'ឍ': {"th", "t"}, 'ណ': {"n", "n"},
	'ត': {"t", "t"}, 'ថ': {"th", "t"}, 'ទ': {"t", "t"}, 'ធ': {"th", "t"}, 'ន': {"n", "n"},
	'ប': {"b", "p"}, 'ផ': {"ph", "p"}, 'ព': {"p", "p"}, 'ភ': {"ph", "p"}, 'ម': {"m", "m"},
	'យ': {"y", "y"}, 'រ': {"r", "r"}, 'ល': {"l", "l"}, 'វ': {"v", "v"}, 'ឝ': {"s", "s"},
	'ឞ': {"s", "s"}, 'ស': {"s", "s"}, 'ហ': {"h", "h"}, 'ឡ': {"l", "l"}, 'អ': {"", ""},
}

var khmerAfter = map[rune]string{
	'ា': "a", 'ិ': "i", 'ី': "i", 'ឹ': "oe", 'ឺ': "eu", 'ុ': "o", 'ូ': "u", 'ួ': "uo",
	'ើ': "aeu", 'ឿ': "oea", 'ៀ': "ie", 'េ': "e", 'ែ': "ae", 'ៃ': "ai", 'ោ': "ao", 'ៅ': "au",
	'ំ': "m", 'ះ': "h",
	// Independent vowels.
	'ឥ': "e", 'ឦ': "ei", 'ឧ': "o", 'ឩ': "ou", 'ឪ': "ov", 'ឫ': "rue", 'ឬ': "rue", 'ឭ': "lue",
	'ឮ': "lue", 'ឯ': "ae", 'ឰ': "ai", 'ឱ': "ao", 'ឲ': "ao", 'ឳ': "au",
}

// translitAbugida romanises one Thai or Khmer word.
func translitAbugida(b *strings.Builder, word []rune, sc script) {
	consonants, after := thaiConsonant, thaiAfter
	if sc == scriptKhmer {
		consonants, after = khmerConsonant, khmerAfter
	}
	const (
		empty   = iota // no syllable begun
		initial        // a consonant waits for its vowel
		voiced         // the syllable has its vowel
		closed         // the syllable has its final consonant
	)
	var out []byte
	state := empty
	lead := ""     // a Thai vowel written before its consonant
	lastCons := -1 // where the last consonant's letters start in out
	// next returns the next rune that is not a tone or shape mark.
	next := func(i int) rune {
		for i++; i < len(word); i++ {
			if r := word[i]; !isAbugidaMark(r) {
				return r
			}
		}
		return 0
	}
	for i := 0; i < len(word); i++ {
		r := word[i]
		if v, ok := thaiBefore[r]; ok && sc == scriptThai {
			if state == initial {
				out = append(out, 'a')
			}
			lead, state = v, empty
			continue
		}
		if v, ok := after[r]; ok {
			if state == initial && sc == scriptThai && lead != "" {
				out = append(out, lead...)
				lead = ""
			}
			out = append(out, v...)
			state = voiced
			continue
		}
		c, ok := consonants[r]
		if !ok {
			switch {
			case r == 0x0E4C || r == 0x17CD: // a silent consonant
				if lastCons >= 0 {
					out = out[:lastCons]
					lastCons = -1
				}
			case r >= 0x0E50 && r <= 0x0E59:
				out = append(out, byte('0'+r-0x0E50))
			case r >= 0x17E0 && r <= 0x17E9:
				out = append(out, byte('0'+r-0x17E0))
			}
			continue
		}
		nx := next(i)
		_, vowelNext := after[nx]
		sub := i > 0 && word[i-1] == 0x17D2 // Khmer subscript: a cluster
		if sc == scriptKhmer && r == 'ប' && i+1 < len(word) && word[i+1] == 0x17C9 {
			c = abugidaLetter{"p", "p"}
		}
		lastCons = len(out)
		switch {
		case state == empty || state == closed:
			out = append(out, c.initial...)
			state = initial
			if lead != "" && !(vowelNext || isCluster(nx, sc)) {
				out = append(out, lead...)
				lead, state = "", voiced
			}
		case state == initial && (sub || vowelNext && isCluster(r, sc)):
			out = append(out, c.initial...)
		case state == initial && vowelNext:
			out = append(out, 'a')
			lastCons = len(out)
			out = append(out, c.initial...)
		case state == initial:
			out = append(out, 'o')
			lastCons = len(out)
			out = append(out, c.final...)
			state = closed
		case vowelNext:
			out = append(out, c.initial...)
			state = initial
		default:
			out = append(out, c.final...)
			state = closed
		}
	}
	if lead != "" {
		out = append(out, lead...)
	} else if state == initial && len(out) > 0 {
		out = append(out, 'a')
	}
	b.Write(out)
}

// isCluster reports a consonant that forms an initial cluster with the
// one before it (Thai ปร, กล, Khmer subscripts are marked apart).
func isCluster(r rune, sc script) bool {
	return sc == scriptThai && (r == 'ร' || r == 'ล' || r == 'ว')
}

// isAbugidaMark reports tone, length and shape marks that carry no sound
// of their own.
func isAbugidaMark(r rune) bool {
	return r >= 0x0E47 && r <= 0x0E4B || r == 0x0E4D || r == 0x0E3A ||
		r >= 0x17C9 && r <= 0x17D1 && r != 0x17CD || r == 0x17D2 || r == 0x17D3 || r == 0x17DD
}
