package ftm

import (
	"fmt"
	"strconv"
	"strings"
)

// IsDate reports whether s is a date as FtM stores it: a prefix of ISO 8601
// — YYYY, YYYY-MM, YYYY-MM-DD, or a date with a time of day (hours, minutes,
// seconds, optional fraction and zone). Fields must be in range, so
// "2023-02-30" is not a date.
func IsDate(s string) bool {
	if len(s) < 4 || !digits(s[:4]) {
		return false
	}
	year, _ := strconv.Atoi(s[:4])
	if year == 0 {
		return false
	}
	if len(s) == 4 {
		return true
	}
	if len(s) < 7 || s[4] != '-' || !digits(s[5:7]) {
		return false
	}
	month, _ := strconv.Atoi(s[5:7])
	if month < 1 || month > 12 {
		return false
	}
	if len(s) == 7 {
		return true
	}
	if len(s) < 10 || s[7] != '-' || !digits(s[8:10]) {
		return false
	}
	day, _ := strconv.Atoi(s[8:10])
	if day < 1 || day > daysIn(year, month) {
		return false
	}
	if len(s) == 10 {
		return true
	}
	return isTimeOfDay(s[10:])
}

// isTimeOfDay checks the "THH[:MM[:SS[.fff]]][Z|±HH:MM]" tail of a date.
func isTimeOfDay(s string) bool {
	if s[0] != 'T' {
		return false
	}
	s = s[1:]
	limits := []int{23, 59, 60} // 60 allows a leap second
	for i, max := range limits {
		if len(s) < 2 || !digits(s[:2]) {
			return false
		}
		if v, _ := strconv.Atoi(s[:2]); v > max {
			return false
		}
		s = s[2:]
		if i < len(limits)-1 && strings.HasPrefix(s, ":") {
			s = s[1:]
			continue
		}
		break
	}
	if rest, ok := strings.CutPrefix(s, "."); ok {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		s = rest[n:]
	}
	switch {
	case s == "" || s == "Z":
		return true
	case len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' && digits(s[1:3]) && digits(s[4:6]):
		return true
	case len(s) == 5 && (s[0] == '+' || s[0] == '-') && digits(s[1:5]):
		return true
	}
	return false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
	"october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// approxWords are the qualifiers lists put before an uncertain date; the
// date keeps its precision and loses the qualifier, as FtM has no way to
// say "about".
var approxWords = []string{"circa", "ca", "c", "approximately", "approx", "about", "around", "abt"}

// NormalizeDate turns a date as lists write it into an FtM ISO prefix,
// keeping only the precision the source gives: "1962" → "1962", "Jan 1962"
// → "1962-01", "01 Jan 1962" and "January 1, 1962" → "1962-01-01",
// "circa 1962" → "1962", "12/31/1962" (US order, as OFAC writes) →
// "1962-12-31", "31.12.1962" (European order) → "1962-12-31". A date that
// already has a time keeps it. ok is false for anything else, including
// ranges like "1962 to 1964".
func NormalizeDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, w := range approxWords {
		if rest, ok := strings.CutPrefix(lower, w); ok && rest != "" && (rest[0] == ' ' || rest[0] == '.') {
			lower = strings.TrimSpace(strings.TrimLeft(rest, ". "))
			s = lower
			break
		}
	}
	if IsDate(s) {
		return s, true
	}
	// "1962-01-01 10:00" and "1962-01-01t10:00" are dates with a time in
	// everything but the separator.
	if len(s) > 11 && (s[10] == ' ' || s[10] == 't') {
		if t := s[:10] + "T" + strings.ToUpper(s[11:]); IsDate(t) {
			return t, true
		}
	}
	if d, ok := slashedDate(s, '/', false); ok {
		return d, true
	}
	if d, ok := slashedDate(s, '.', true); ok {
		return d, true
	}
	if d, ok := slashedDate(s, '-', true); ok {
		return d, true
	}
	return wordDate(lower)
}

// slashedDate reads "MM/DD/YYYY" (dayFirst false) or "DD.MM.YYYY" (dayFirst
// true), and "MM/YYYY".
func slashedDate(s string, sep byte, dayFirst bool) (string, bool) {
	parts := strings.Split(s, string(sep))
	for _, p := range parts {
		if !digits(p) || len(p) > 4 {
			return "", false
		}
	}
	var y, m, d string
	switch len(parts) {
	case 2:
		m, y = parts[0], parts[1]
	case 3:
		m, d, y = parts[0], parts[1], parts[2]
		if dayFirst {
			m, d = d, m
		}
	default:
		return "", false
	}
	return assemble(y, m, d)
}

// wordDate reads dates with month names: "jan 1962", "01 jan 1962",
// "1 january, 1962", "january 1 1962", "1962 jan 01".
func wordDate(s string) (string, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '-' || r == '/' || r == '.' })
	var y, m, d string
	for _, f := range fields {
		switch {
		case monthNames[f] != 0 && m == "":
			m = strconv.Itoa(monthNames[f])
		case digits(f) && len(f) == 4 && y == "":
			y = f
		case digits(f) && len(f) <= 2 && d == "":
			d = f
		case strings.TrimRight(f, "stndrh") != f && digits(strings.TrimRight(f, "stndrh")) && d == "":
			d = strings.TrimRight(f, "stndrh") // "1st", "22nd", "3rd", "4th"
		default:
			return "", false
		}
	}
	if m == "" {
		return "", false
	}
	return assemble(y, m, d)
}

func assemble(y, m, d string) (string, bool) {
	if len(y) != 4 || m == "" {
		return "", false
	}
	mi, _ := strconv.Atoi(m)
	out := fmt.Sprintf("%s-%02d", y, mi)
	if d != "" {
		di, _ := strconv.Atoi(d)
		out = fmt.Sprintf("%s-%02d", out, di)
	}
	if !IsDate(out) {
		return "", false
	}
	return out, true
}
