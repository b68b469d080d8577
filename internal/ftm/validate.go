package ftm

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/nexus-intel/nexus"
)

// maxProblems caps how many problems one validation error lists; an entity
// broken everywhere needs one clear message, not thousands.
const maxProblems = 20

// Validate checks e against its schema: the schema must exist and not be
// abstract, every property must belong to it, and every value must be valid
// for the property's type. The error is a nexus invalid error whose message
// names the entity id and, for each problem, the property and the value.
func (e *Entity) Validate() error {
	var problems []string
	if strings.TrimSpace(e.ID) == "" || !isEntityID(e.ID) {
		problems = append(problems, fmt.Sprintf("bad id %q", e.ID))
	}
	s, ok := GetSchema(e.Schema)
	switch {
	case !ok:
		problems = append(problems, fmt.Sprintf("unknown schema %q", e.Schema))
	case s.Abstract:
		problems = append(problems, fmt.Sprintf("schema %s is abstract", e.Schema))
	}
	if ok {
		for _, name := range e.PropNames() {
			p, known := s.Property(name)
			if !known {
				problems = append(problems, fmt.Sprintf("schema %s has no property %q", s.Name, name))
				continue
			}
			for _, v := range e.Properties[name] {
				if err := p.Type.Check(v); err != nil {
					problems = append(problems, fmt.Sprintf("property %s: value %q: %v", name, v, err))
				}
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	if n := len(problems); n > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more", n-maxProblems))
	}
	return nexus.Errorf(nexus.EINVALID, "entity %q: %s", e.ID, strings.Join(problems, "; "))
}

// Check returns why value is not valid for type t, or nil. Free-text types
// (name, string, text, address, identifier, html) only have to be non-empty.
func (t PropType) Check(value string) error {
	if value == "" {
		return fmt.Errorf("empty value")
	}
	ok := true
	switch t {
	case TypeName, TypeString, TypeText, TypeAddress, TypeIdentifier, TypeHTML:
	case TypeDate:
		ok = IsDate(value)
	case TypeCountry:
		ok = IsCountry(value)
	case TypeEntity:
		ok = isEntityID(value)
	case TypeTopic:
		ok = IsTopic(value)
	case TypeGender:
		ok = value == "male" || value == "female" || value == "other"
	case TypeEmail:
		local, domain, found := strings.Cut(value, "@")
		ok = found && local != "" && domain != "" && !strings.ContainsFunc(value, unicode.IsSpace)
	case TypeNumber:
		_, ok = ParseNumber(value)
	case TypeURL:
		_, err := url.Parse(value)
		ok = err == nil && !strings.ContainsFunc(value, unicode.IsSpace)
	case TypePhone:
		ok = isPhone(value)
	case TypeLanguage:
		ok = (len(value) == 2 || len(value) == 3) && strings.Trim(value, "abcdefghijklmnopqrstuvwxyz") == ""
	case TypeMimetype:
		major, minor, found := strings.Cut(value, "/")
		ok = found && major != "" && minor != "" && !strings.ContainsFunc(value, unicode.IsSpace)
	case TypeChecksum:
		ok = strings.Trim(strings.ToLower(value), "0123456789abcdef") == ""
	case TypeIP:
		_, err := netip.ParseAddr(value)
		ok = err == nil
	case TypeIBAN:
		ok = isIBAN(value)
	case TypeJSON:
		ok = json.Valid([]byte(value))
	default:
		return fmt.Errorf("unknown property type %q", t)
	}
	if !ok {
		return fmt.Errorf("not a valid %s", t)
	}
	return nil
}

// isEntityID accepts any non-empty id without white space or control
// characters: Nexus ids come from many sources and FtM's own id alphabet is
// narrower than what lists use.
func isEntityID(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// ParseNumber reads a number as FtM number properties hold them, allowing
// thousands separators ("1,500.25") and surrounding space.
func ParseNumber(s string) (float64, bool) {
	s = strings.NewReplacer(",", "", "_", "", " ", "").Replace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// isPhone wants at least one digit and nothing but digits, separators and an
// extension marker ("ext", "x").
func isPhone(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" +-()./#*,;", r), strings.ContainsRune("extEXT", r):
		default:
			return false
		}
	}
	return digit
}

// isIBAN checks the shape and the ISO 13616 mod-97 check digits.
func isIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	for i, r := range s {
		letter, digit := r >= 'A' && r <= 'Z', r >= '0' && r <= '9'
		if (i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit) {
			return false
		}
	}
	// The check digits make the number, read with A=10 … Z=35, leave
	// remainder 1; reduce digit by digit to stay within an int.
	rem := 0
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			rem = (rem*100 + int(r-'A') + 10) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return rem == 1
}
