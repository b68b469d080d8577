package screening

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/screen"
)

// QuerySpec is a screening query as callers write it: the CLI's CSV row,
// a query of POST /api/v1/screen and a monitored subject share it. The
// single-valued fields are the CSV columns; the list fields allow more.
type QuerySpec struct {
	// ID is the caller's id for the query, echoed in the result.
	ID string `json:"id,omitempty"`
	// SubjectID, when set, is a stable id of the subject in the caller's
	// records; clearances are kept under it instead of under a hash of the
	// query.
	SubjectID   string   `json:"subject_id,omitempty"`
	Schema      string   `json:"schema,omitempty"`
	Name        string   `json:"name,omitempty"`
	Names       []string `json:"names,omitempty"`
	BirthDate   string   `json:"birth_date,omitempty"`
	BirthDates  []string `json:"birth_dates,omitempty"`
	Nationality string   `json:"nationality,omitempty"`
	Countries   []string `json:"countries,omitempty"`
	Gender      string   `json:"gender,omitempty"`
	IDNumber    string   `json:"id_number,omitempty"`
	Identifiers []string `json:"identifiers,omitempty"`
}

var isoDate = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$`)

// screenSchemata are the schemata a query may name.
var screenSchemata = []string{"Thing", "LegalEntity", "Person", "Organization", "Company", "PublicBody", "Vessel", "Airplane"}

// Query validates q and returns the engine's query. Dates must be YYYY or
// YYYY-MM-DD, countries ISO 3166 alpha-2 codes, gender male, female or
// other; a name is required. Errors are EINVALID and name the field.
func (q QuerySpec) Query() (screen.Query, error) {
	out := screen.Query{Schema: strings.TrimSpace(q.Schema)}
	if out.Schema != "" && !slices.Contains(screenSchemata, out.Schema) {
		return out, nexus.Errorf(nexus.EINVALID, "schema %q: want one of %s", out.Schema, strings.Join(screenSchemata, ", "))
	}
	for _, n := range append([]string{q.Name}, q.Names...) {
		if n = strings.TrimSpace(n); n != "" {
			out.Names = append(out.Names, n)
		}
	}
	if len(out.Names) == 0 {
		return out, nexus.Errorf(nexus.EINVALID, "name is required")
	}
	for _, d := range append([]string{q.BirthDate}, q.BirthDates...) {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		if !isoDate.MatchString(d) || !ftm.IsDate(d) {
			return out, nexus.Errorf(nexus.EINVALID, "birth_date %q: want YYYY or YYYY-MM-DD", d)
		}
		out.BirthDates = append(out.BirthDates, d)
	}
	for _, c := range append([]string{q.Nationality}, q.Countries...) {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		code, ok := ftm.NormalizeCountry(c)
		if len(c) != 2 || !ok {
			return out, nexus.Errorf(nexus.EINVALID, "nationality %q: want an ISO 3166 alpha-2 code", c)
		}
		out.Countries = append(out.Countries, code)
	}
	switch g := strings.ToLower(strings.TrimSpace(q.Gender)); g {
	case "", "male", "female", "other":
		out.Gender = g
	case "m":
		out.Gender = "male"
	case "f":
		out.Gender = "female"
	default:
		return out, nexus.Errorf(nexus.EINVALID, "gender %q: want male, female or other", q.Gender)
	}
	for _, id := range append([]string{q.IDNumber}, q.Identifiers...) {
		if id = strings.TrimSpace(id); id != "" {
			out.Identifiers = append(out.Identifiers, id)
		}
	}
	return out, nil
}

// SubjectKey is the key clearances and monitors are kept under: "id:" and
// the caller's subject id when there is one, otherwise "q:" and a hash of
// the normalised query (schema, names, birth dates, countries, gender and
// identifiers, each set sorted), so the same subject screened again, in
// another file or through another endpoint, finds its clearances.
func SubjectKey(subjectID string, q screen.Query) string {
	if s := strings.TrimSpace(subjectID); s != "" {
		return "id:" + s
	}
	norm := func(vs []string, f func(string) string) []string {
		out := []string{}
		for _, v := range vs {
			if v = f(v); v != "" {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	names := append(slices.Clone(q.Names), strings.Join([]string{q.FirstName, q.MiddleName, q.FatherName, q.LastName}, " "))
	key := struct {
		Schema      string   `json:"s"`
		Names       []string `json:"n"`
		Dates       []string `json:"d"`
		Countries   []string `json:"c"`
		Gender      string   `json:"g"`
		Identifiers []string `json:"i"`
	}{
		Schema: q.Schema,
		Names:  norm(names, screen.Normalize),
		Dates: norm(q.BirthDates, func(s string) string {
			if d, ok := ftm.NormalizeDate(s); ok {
				return d
			}
			return strings.TrimSpace(s)
		}),
		Countries: norm(q.Countries, func(s string) string {
			if c, ok := ftm.NormalizeCountry(s); ok {
				return c
			}
			return strings.ToLower(strings.TrimSpace(s))
		}),
		Gender:      strings.ToLower(q.Gender),
		Identifiers: norm(q.Identifiers, normalizeIdentifier),
	}
	b, _ := json.Marshal(key) // strings only: cannot fail
	sum := sha256.Sum256(b)
	return "q:" + hex.EncodeToString(sum[:16])
}

// normalizeIdentifier keeps the letters and digits of an identifier, upper
// case, so "AB 123-456" and "ab123456" are one number.
func normalizeIdentifier(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Fingerprint is a hash of an entity's schema and folded property values
// (order-independent), so a clearance or an alert can tell whether the
// listed entity has changed since.
func Fingerprint(e *ftm.Entity) string {
	h := sha256.New()
	h.Write([]byte(e.Schema))
	for _, p := range e.PropNames() {
		vs := slices.Sorted(slices.Values(e.Properties[p]))
		for _, v := range vs {
			h.Write([]byte{0})
			h.Write([]byte(p))
			h.Write([]byte{1})
			h.Write([]byte(v))
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
