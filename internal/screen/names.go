package screen

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// partKind is the role of a part inside a name.
type partKind uint8

const (
	kindPlain      partKind = iota // a name part whose role is unknown
	kindGiven                      // a given name, known from structure
	kindFamily                     // a family name, known from structure
	kindPatronymic                 // a father's name (Ivanovich, or a fatherName property)
	kindParticle                   // al, bin, van, de …
	kindLegal                      // a legal form class: llc, jsc …
	kindStop                       // filler in organisation names
	kindInitial                    // one letter standing for a name
	kindNumber                     // a part containing digits
)

// part is one part of a parsed name.
type part struct {
	t *term
	// surf is the normalised text the name had here when it differs from
	// t.text: only for legal forms, whose term is their class.
	surf *term
	kind partKind
	// lineage marks a part after bin, ibn, ben or bint: a father's or
	// ancestor's name, which must not be aligned with the person's own.
	lineage bool
	// ti is the index of t in the record's distinct terms.
	ti uint16
	// syllabic is the syllabic script the part was written in, or 0.
	syllabic script
	// syl is the part's place among the syllables of one written word,
	// from 1, or 0 (see word).
	syl uint8
	// qualifier marks a part written in parentheses in an organisation's
	// name.
	qualifier bool
}

// surface returns the normalised text the name had at p.
func (p *part) surface() string {
	if p.surf != nil {
		return p.surf.text
	}
	return p.t.text
}

// parsedName is one name of an entity or query, cut into parts. An index
// holds millions, so it is kept small.
type parsedName struct {
	raw   string
	parts []part
	// initials has a bit for the first letter of each part, pairInitials
	// for that of each part followed by another: compounds need both.
	initials, pairInitials uint32
	prop                   nameProp // the property it came from
	// roles is true when given and family names are known, from separate
	// properties or from "SURNAME, Given" writing.
	roles bool
	nk    nameKind
	// abjad is true when a part was romanised from an abjad, whose
	// compounds may start with different letters (see compoundStart).
	abjad bool
	// surnameOnly is true for a person's name given as a title and one
	// name ("President Erdoğan"): the name is a family name and the
	// other's given names are not missing from it.
	surnameOnly bool
}

// nameProp is the property a name came from.
type nameProp uint8

const (
	propName nameProp = iota
	propAlias
	propPrevious
	propWeak
	propParts // firstName, lastName … given separately
)

func propOf(p string) nameProp {
	switch p {
	case "alias":
		return propAlias
	case "previousName":
		return propPrevious
	case "weakAlias":
		return propWeak
	}
	return propName
}

// sameText reports whether a and b have the same parts in the same order,
// the literal-equality shortcut of the scorer.
func sameText(a, b *parsedName) bool {
	if len(a.parts) != len(b.parts) {
		return false
	}
	for i := range a.parts {
		if x, y := a.parts[i].t, b.parts[i].t; x != y && x.text != y.text {
			return false
		}
	}
	return true
}

// initialBit maps a first byte to a bit: one per letter, one for the rest.
func initialBit(c byte) uint32 {
	if c >= 'a' && c <= 'z' {
		return 1 << (c - 'a')
	}
	return 1 << 31
}

// nameKind says whether a schema names people, organisations or things,
// which decides how a name is parsed.
type nameKind uint8

const (
	nameAny nameKind = iota
	namePerson
	nameOrg
	nameObject // vessels and aircraft
)

// termSource hands out terms; an index shares them between names.
type termSource func(text string, abjad bool) *term

func freshTerm(text string, abjad bool) *term { return newTerm(text, abjad) }

// parseName parses one full name.
func parseName(raw, prop string, nk nameKind, terms termSource) parsedName {
	pn := parsedName{raw: raw, prop: propOf(prop), nk: nk}
	family, given := "", ""
	if nk != nameOrg && nk != nameObject {
		family, given = splitComma(raw, nk)
	}
	text := raw
	if nk != namePerson {
		text = splitGluedLegalForm(raw)
	}
	if family != "" {
		pn.roles = true
		pn.parts = appendParts(pn.parts, family, kindFamily, nk, terms)
		pn.parts = appendParts(pn.parts, given, kindGiven, nk, terms)
	} else if nk == namePerson && hasCaseRoles(raw) {
		// "Vladimir Vladimirovich PUTIN": lists write the family name in
		// capitals inside a mixed-case name.
		pn.roles = true
		for _, f := range strings.Fields(raw) {
			k := kindGiven
			if isUpperWord(f) {
				k = kindFamily
			}
			pn.parts = appendParts(pn.parts, f, k, nk, terms)
		}
	} else {
		pn.parts = appendParts(pn.parts, text, kindPlain, nk, terms)
		if nk != namePerson && strings.IndexByte(raw, '(') >= 0 {
			markQualifiers(&pn, raw)
		}
	}
	pn.finish()
	return pn
}

// splitGluedLegalForm separates a legal form written in capitals onto the
// end of a word ("SiemensAG", "AcmeGmbH" is not: only an all-capital
// ending after a lower-case letter counts).
func splitGluedLegalForm(raw string) string {
	glued := false
	for i := 1; i+1 < len(raw); i++ {
		if raw[i-1] >= 'a' && raw[i-1] <= 'z' && raw[i] >= 'A' && raw[i] <= 'Z' && raw[i+1] >= 'A' && raw[i+1] <= 'Z' {
			glued = true
			break
		}
	}
	if !glued {
		return raw
	}
	fs := strings.Fields(raw)
	changed := false
	for i, f := range fs {
		k := len(f)
		for k > 0 && f[k-1] >= 'A' && f[k-1] <= 'Z' {
			k--
		}
		if k < 3 || len(f)-k < 2 || f[k-1] < 'a' || f[k-1] > 'z' {
			continue
		}
		if isLegalForm(strings.ToLower(f[k:])) {
			fs[i] = f[:k] + " " + f[k:]
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(fs, " ")
}

// markQualifiers marks the parts of an organisation's name written in
// parentheses ("Deutsche Bank (Schweiz) AG"): a qualifier the other name
// lacks is a small difference, unless that name has one of its own.
func markQualifiers(pn *parsedName, raw string) {
	var inside []string
	for rest := raw; ; {
		open := strings.IndexByte(rest, '(')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], ')')
		if end < 0 {
			end = len(rest) - open
		}
		for _, w := range splitWords(rest[open+1 : open+end]) {
			inside = append(inside, w.text)
		}
		rest = rest[open+end:]
		if len(rest) > 0 {
			rest = rest[1:]
		}
	}
	for i := range pn.parts {
		if slices.Contains(inside, pn.parts[i].surface()) {
			pn.parts[i].qualifier = true
		}
	}
}

// markSurnameOnly reads a queried person's name of a title and one name
// ("President Erdoğan", "Putyin elnök", "Mr Smith") as a family name
// alone. Only titles used with family names count: "Sheikh Omar" and
// "Sir Elton" name a given name.
func markSurnameOnly(pn *parsedName) {
	if pn.nk == nameOrg || pn.nk == nameObject || len(pn.parts) != 1 || pn.parts[0].kind != kindPlain {
		return
	}
	ws := splitWords(pn.raw)
	if len(ws) == 2 && surnameTitles[ws[0].text] != surnameTitles[ws[1].text] {
		pn.surnameOnly = true
		pn.parts[0].kind = kindFamily
	}
}

// parseParts builds a name from separate given, middle, father and family
// name values (FtM firstName, middleName, fatherName, lastName).
func parseParts(first, middle, father, last []string, terms termSource) parsedName {
	pn := parsedName{prop: propParts, roles: len(last) > 0 && len(first) > 0, nk: namePerson}
	var raw []string
	add := func(vals []string, k partKind) {
		for _, v := range vals {
			raw = append(raw, v)
			pn.parts = appendParts(pn.parts, v, k, namePerson, terms)
		}
	}
	add(first, kindGiven)
	add(middle, kindGiven)
	add(father, kindPatronymic)
	add(last, kindFamily)
	pn.raw = strings.Join(raw, " ")
	if !pn.roles {
		for i := range pn.parts {
			if pn.parts[i].kind == kindGiven || pn.parts[i].kind == kindFamily {
				pn.parts[i].kind = kindPlain
			}
		}
	}
	pn.finish()
	return pn
}

// maxParts bounds the parts kept per name; alignment works on at most
// this many.
const maxParts = 64

func (pn *parsedName) finish() {
	if len(pn.parts) > maxParts {
		pn.parts = pn.parts[:maxParts]
	}
	pn.initials, pn.pairInitials = 0, 0
	pn.abjad = false
	for i, p := range pn.parts {
		pn.abjad = pn.abjad || p.t.abjad
		bit := initialBit(p.t.text[0])
		pn.initials |= bit
		if i+1 < len(pn.parts) {
			pn.pairInitials |= bit
		}
	}
}

// splitComma reads "SURNAME, Given" and returns the two sides; for an
// organisation-like name ("Acme, Inc.") it returns empty strings.
func splitComma(raw string, nk nameKind) (family, given string) {
	before, after, ok := strings.Cut(raw, ",")
	if !ok || strings.TrimSpace(before) == "" || strings.TrimSpace(after) == "" {
		return "", ""
	}
	if strings.Contains(after, ",") && nk != namePerson {
		return "", ""
	}
	if isLegalForm(Normalize(after)) {
		return "", ""
	}
	return before, after
}

func isLegalForm(s string) bool {
	_, ok := legalForms[s]
	return ok
}

// hasCaseRoles reports a mixed-case name with at least one word in
// capitals and one not.
func hasCaseRoles(raw string) bool {
	upper, lower := false, false
	for _, f := range strings.Fields(raw) {
		if isUpperWord(f) {
			upper = true
		} else if hasLower(f) {
			lower = true
		}
	}
	return upper && lower
}

func isUpperWord(f string) bool {
	letters := 0
	for _, r := range f {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters >= 2
}

func hasLower(f string) bool {
	for _, r := range f {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// appendParts normalises text and appends its parts with the given role.
func appendParts(parts []part, text string, k partKind, nk nameKind, terms termSource) []part {
	ws := splitWords(text)
	if nk != namePerson {
		ws = expandAbbreviations(numbersToDigits(joinLetters(ws)))
	} else {
		ws = personWords(ws)
	}
	ws = dropRepeats(ws)
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if nk != namePerson {
			// Longest legal form first: "sa de cv" before "sa".
			if n, class := legalFormAt(ws, i); n > 0 {
				p := part{t: terms(class, false), kind: kindLegal}
				if surf := joinWords(ws[i : i+n]); surf != class {
					p.surf = terms(surf, false)
				}
				parts = append(parts, p)
				i += n - 1
				continue
			}
		}
		if honorifics[w.text] && len(ws) > 1 && nk != nameOrg && nk != nameObject {
			continue
		}
		pk := k
		switch {
		case w.text[0] >= '0' && w.text[0] <= '9' || hasDigit(w.text):
			pk = kindNumber
		case nk != namePerson && orgStopwords[w.text] && len(ws) > 1:
			pk = kindStop
		case particles[w.text] && len(ws) > 1 && nk != nameOrg:
			pk = kindParticle
		case len(w.text) == 1 && !w.abjad && w.syllabic == 0:
			pk = kindInitial
		case nk == namePerson && k == kindPlain && isPatronymic(w.text):
			pk = kindPatronymic
		}
		p := part{t: terms(w.text, w.abjad), kind: pk, syllabic: w.syllabic, syl: w.syl}
		if lineageAt(ws, i) && pk != kindParticle {
			p.lineage = true
		}
		parts = append(parts, p)
	}
	return parts
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isPatronymic(s string) bool {
	for _, e := range []string{"ovich", "evich", "ovna", "evna", "ichna", "ogly", "oglu", "kyzy", "ovych", "ovitch", "ovics", "ovic", "owitsch", "owicz"} {
		if strings.HasSuffix(s, e) && len(s) > len(e)+2 {
			return true
		}
	}
	return false
}

// legalFormAt returns how many words starting at i form a legal form, and
// its class.
func legalFormAt(ws []word, i int) (int, string) {
	for n := min(legalFormMaxWords, len(ws)-i); n >= 1; n-- {
		if n == len(ws) {
			// A one-word name that is only a legal form is a name.
			continue
		}
		joined := joinWords(ws[i : i+n])
		if class, ok := legalForms[joined]; ok {
			return n, class
		}
		if class, ok := misspeltLegalForm(joined, n); ok {
			return n, class
		}
	}
	return 0, ""
}

// misspeltLegalForm finds a legal form written out in full with one slip
// ("Aktiengeselschaft", "Joynt Stock Company"): n words within one edit of
// a form of ten letters or more with the same first letter.
func misspeltLegalForm(s string, n int) (string, bool) {
	if len(s) < 10 || n > len(longLegalForms) {
		return "", false
	}
	for _, f := range longLegalForms[n-1] {
		if f[0] == s[0] && len(f)-len(s) <= 1 && len(s)-len(f) <= 1 && editDistance(s, f, 1) <= 1 {
			return legalForms[f], true
		}
	}
	return "", false
}

// longLegalForms holds the legal forms of ten letters or more by their
// number of words less one.
var longLegalForms = func() [legalFormMaxWords][]string {
	var out [legalFormMaxWords][]string
	for f := range legalForms {
		if n := strings.Count(f, " ") + 1; len(f) >= 10 && n <= legalFormMaxWords {
			out[n-1] = append(out[n-1], f)
		}
	}
	for i := range out {
		slices.Sort(out[i])
	}
	return out
}()

func joinWords(ws []word) string {
	if len(ws) == 1 {
		return ws[0].text
	}
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// joinLetters writes runs of single letters as one word in organisation
// names: "A.B.C. Company" is "abc company", "p.l.c." is "plc".
func joinLetters(ws []word) []word {
	out := ws[:0:0]
	for i := 0; i < len(ws); i++ {
		j := i
		for j < len(ws) && len(ws[j].text) == 1 && !ws[j].abjad && !isDigitByte(ws[j].text[0]) {
			j++
		}
		// "Partners V L.P.": a numeral before a lettered legal form.
		if j-i >= 3 && i > 0 && strings.Contains("ivx", ws[i].text) && isLegalForm(lettersOf(ws[i+1:j])) {
			out = append(out, ws[i])
			i++
		}
		if j-i >= 2 {
			var b strings.Builder
			for _, w := range ws[i:j] {
				b.WriteString(w.text)
			}
			out = append(out, word{text: b.String()})
			i = j - 1
			continue
		}
		out = append(out, ws[i])
	}
	return out
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func lettersOf(ws []word) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(w.text)
	}
	return b.String()
}

// numbersToDigits replaces spelt numbers with digits, joining tens and
// units ("forty four" → "44").
func numbersToDigits(ws []word) []word {
	changed := false
	for i, w := range ws {
		if _, ok := numberWords[w.text]; ok {
			changed = true
			break
		}
		if romanNumeral(ws, i) > 0 {
			changed = true
			break
		}
	}
	if !changed {
		return ws
	}
	out := make([]word, 0, len(ws))
	for i := 0; i < len(ws); i++ {
		n, ok := numberWords[ws[i].text]
		if !ok {
			if r := romanNumeral(ws, i); r > 0 {
				out = append(out, word{text: strconv.Itoa(r)})
			} else {
				out = append(out, ws[i])
			}
			continue
		}
		if n >= 20 && n%10 == 0 && i+1 < len(ws) {
			next := ws[i+1].text
			if u, ok := numberWords[next]; ok && u < 10 && u > 0 {
				n += u
				i++
			} else if len(next) == 1 && next[0] >= '1' && next[0] <= '9' {
				// "Forty 4"
				n += int(next[0] - '0')
				i++
			}
		}
		out = append(out, word{text: strconv.Itoa(n)})
	}
	return out
}

// expandAbbreviations writes out the usual abbreviations of words in
// organisation names ("Int'l" → "international").
func expandAbbreviations(ws []word) []word {
	for i, w := range ws {
		if full, ok := orgAbbreviations[w.text]; ok && !w.abjad && len(ws) > 1 {
			ws[i].text = full
		}
	}
	return ws
}

// digitLetters are the letters digits stand for inside a written word
// ("I9or Sech1n").
var digitLetters = [10]byte{'o', 'i', 'z', 'e', 'a', 's', 'b', 't', 'b', 'g'}

// personWords cleans the words of a person's name: digits inside a word
// that also has letters are read as the letters they resemble, and a
// short word without vowels ("JC", "JP") is read as initials.
func personWords(ws []word) []word {
	var out []word
	for i, w := range ws {
		t := w.text
		if !w.abjad && w.syllabic == 0 && hasDigit(t) && hasLetter(t) {
			b := []byte(t)
			for k, c := range b {
				if c >= '0' && c <= '9' {
					b[k] = digitLetters[c-'0']
				}
			}
			t = string(b)
		}
		if !w.abjad && w.syllabic == 0 && (len(t) == 2 || len(t) == 3) && isASCIILetters(t) && !strings.ContainsAny(t, "aeiouy") && !vowellessNames[t] {
			if out == nil {
				out = append(out, ws[:i]...)
			}
			for k := 0; k < len(t); k++ {
				out = append(out, word{text: t[k : k+1]})
			}
			continue
		}
		if out != nil || t != w.text {
			if out == nil {
				out = append(out, ws[:i]...)
			}
			out = append(out, word{text: t, abjad: w.abjad, syllabic: w.syllabic, syl: w.syl})
		}
	}
	if out == nil {
		return ws
	}
	return out
}

// vowellessNames are real name parts written without a vowel.
var vowellessNames = set("ng", "hng", "hm", "sh", "mr", "dr", "st", "jr", "sr")

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// romanNumeral reads ws[i] as a roman numeral in an organisation or
// vessel name ("Fund II", "Fund I"): II to XII anywhere after the first
// word, I, V and X only as the last word. It returns 0 otherwise.
func romanNumeral(ws []word, i int) int {
	if i == 0 || ws[i].abjad {
		return 0
	}
	n, ok := romanNumerals[ws[i].text]
	if !ok || len(ws[i].text) == 1 && i != len(ws)-1 && !isLegalForm(ws[i+1].text) {
		return 0
	}
	return n
}

var romanNumerals = map[string]int{
	"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12,
}

// lineageAt reports whether ws[i] names a father or ancestor: it follows
// bin, ibn, ben or bint, possibly with an article between ("bin al-Din").
func lineageAt(ws []word, i int) bool {
	for k := i - 1; k >= 0; k-- {
		w := ws[k].text
		if lineageParticles[w] {
			return true
		}
		if !particles[w] || k < i-2 {
			return false
		}
	}
	return false
}

func knownGiven(s string) bool {
	_, ok := variantGroup[s]
	return ok
}

var lineageParticles = set("bin", "ibn", "ben", "bint", "binti", "bn", "ebn", "ould")

// dropRepeats removes a word repeated verbatim in one name ("Shoigu
// Shoigu Sergey"), a common data-entry slip that adds no information.
// Particles and the given names of the variant tables repeat in real
// names ("Abdullahi Mohamed Mohamed", "ibn Awad ibn Ladin": a son named
// after his father) and are kept.
func dropRepeats(ws []word) []word {
	for i := 1; i < len(ws); i++ {
		for j := 0; j < i; j++ {
			if ws[i].text == ws[j].text && len(ws[i].text) > 2 && !particles[ws[i].text] && !knownGiven(ws[i].text) {
				return dropRepeats(append(ws[:i:i], ws[i+1:]...))
			}
		}
	}
	return ws
}
