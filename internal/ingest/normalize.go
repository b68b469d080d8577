package ingest

import (
	"strconv"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Countries and dates are normalised by internal/ftm; this file only adds
// what the lists write that ftm does not read.

// listCountries are spellings the lists use that ftm.NormalizeCountry does
// not know, keyed in lower case: OFAC writes "Cote d Ivoire" with the
// apostrophe replaced by a space.
var listCountries = map[string]string{
	"cote d ivoire": "ci",
}

// country returns the FtM country code of a country name or code as a list
// writes it, or "" when it is not recognised.
func country(s string) string {
	if c, ok := ftm.NormalizeCountry(s); ok {
		return c
	}
	return listCountries[strings.ToLower(strings.TrimSpace(s))]
}

// isoDate returns the FtM date (an ISO 8601 prefix) of one date as a list
// writes it, or "" when it is not a date.
func isoDate(s string) string {
	d, _ := ftm.NormalizeDate(s)
	return d
}

// maxYearSpan bounds how many years a "1960 to 1965" range expands to; a
// wider range gives its two bounds only.
const maxYearSpan = 10

// yearRange returns every year from a to b when the span is short, and the
// bounds otherwise. Screening compares birth dates by prefix, so listing each
// year lets any year in the range match, which is what the list means.
func yearRange(from, to int) []string {
	if to < from {
		from, to = to, from
	}
	if to-from > maxYearSpan {
		return []string{strconv.Itoa(from), strconv.Itoa(to)}
	}
	var out []string
	for y := from; y <= to; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

// dobDates parses a date of birth as OFAC writes it: one date, "circa"
// a date, or "X to Y", which ftm.NormalizeDate does not read. Year ranges
// expand as yearRange does; ranges of full dates give both bounds.
func dobDates(s string) []string {
	if from, to, ok := strings.Cut(s, " to "); ok {
		a, b := isoDate(from), isoDate(to)
		if len(a) == 4 && len(b) == 4 {
			ya, _ := strconv.Atoi(a)
			yb, _ := strconv.Atoi(b)
			return yearRange(ya, yb)
		}
		var out []string
		for _, d := range []string{a, b} {
			if d != "" {
				out = append(out, d)
			}
		}
		return out
	}
	if d := isoDate(s); d != "" {
		return []string{d}
	}
	return nil
}
