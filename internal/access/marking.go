// Package access decides who may see what: markings on statements, the
// viewer every read carries, and the one policy function that compares them.
// It is pure: no I/O.
package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus"
)

// Classification levels Nexus handles. Nothing classified above CUI belongs
// in Nexus.
const (
	Unclassified = "U"
	CUI          = "CUI"
)

// TLP 2.0 labels.
var tlpLabels = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// Marking is the handling of one statement. A viewer may see a statement
// only if it holds every caveat (AND) and is inside at least one of its
// distributions (OR): the originating agency, a listed sharing group or
// compartment, or everyone when Public is set.
type Marking struct {
	Classification string   `json:"classification"`
	Caveats        []string `json:"caveats,omitempty"`
	TLP            string   `json:"tlp,omitempty"`
	Originator     string   `json:"originator,omitempty"`
	SharingGroups  []string `json:"sharing_groups,omitempty"`
	Compartments   []string `json:"compartments,omitempty"`
	Public         bool     `json:"public,omitempty"`
}

// PublicMarking is the default for public lists: unclassified, no caveats,
// TLP:CLEAR, visible to every viewer.
func PublicMarking() Marking {
	return Marking{Classification: Unclassified, TLP: "CLEAR", Public: true}
}

// Normalize returns m with upper-cased, sorted and de-duplicated lists, so
// equal markings have equal keys.
func (m Marking) Normalize() Marking {
	norm := func(in []string, upper bool) []string {
		var out []string
		for _, s := range in {
			s = strings.TrimSpace(s)
			if upper {
				s = strings.ToUpper(s)
			}
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return out
	}
	m.Classification = strings.ToUpper(strings.TrimSpace(m.Classification))
	if m.Classification == "" {
		m.Classification = Unclassified
	}
	m.TLP = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(m.TLP)), "TLP:")
	m.Originator = strings.TrimSpace(m.Originator)
	m.Caveats = norm(m.Caveats, true)
	m.SharingGroups = norm(m.SharingGroups, false)
	m.Compartments = norm(m.Compartments, false)
	return m
}

// Validate reports a marking that Nexus cannot enforce.
func (m Marking) Validate() error {
	m = m.Normalize()
	if m.Classification != Unclassified && m.Classification != CUI {
		return nexus.Errorf(nexus.EINVALID, "marking: classification %q is not U or CUI", m.Classification)
	}
	if m.TLP != "" && !slices.Contains(tlpLabels, m.TLP) {
		return nexus.Errorf(nexus.EINVALID, "marking: unknown TLP %q", m.TLP)
	}
	if !m.Public && m.Originator == "" && len(m.SharingGroups) == 0 && len(m.Compartments) == 0 {
		return nexus.Errorf(nexus.EINVALID, "marking: no distribution (public, originator, sharing group or compartment)")
	}
	return nil
}

// Key is the canonical text form of the (normalised) marking, in the style of
// a portion mark: "CUI//LES//TLP:AMBER//ORIG:fbi//REL:g1,g2//COMP:c1".
func (m Marking) Key() string {
	m = m.Normalize()
	parts := []string{m.Classification}
	parts = append(parts, m.Caveats...)
	if m.TLP != "" {
		parts = append(parts, "TLP:"+m.TLP)
	}
	if m.Originator != "" {
		parts = append(parts, "ORIG:"+m.Originator)
	}
	if len(m.SharingGroups) > 0 {
		parts = append(parts, "REL:"+strings.Join(m.SharingGroups, ","))
	}
	if len(m.Compartments) > 0 {
		parts = append(parts, "COMP:"+strings.Join(m.Compartments, ","))
	}
	if m.Public {
		parts = append(parts, "PUBLIC")
	}
	return strings.Join(parts, "//")
}

func (m Marking) String() string { return m.Key() }

// ParseMarking reads the form Key writes. Caveats are the bare parts between
// the classification and the first prefixed part.
func ParseMarking(s string) (Marking, error) {
	parts := strings.Split(strings.TrimSpace(s), "//")
	m := Marking{Classification: parts[0]}
	for _, p := range parts[1:] {
		switch {
		case strings.HasPrefix(p, "TLP:"):
			m.TLP = strings.TrimPrefix(p, "TLP:")
		case strings.HasPrefix(p, "ORIG:"):
			m.Originator = strings.TrimPrefix(p, "ORIG:")
		case strings.HasPrefix(p, "REL:"):
			m.SharingGroups = strings.Split(strings.TrimPrefix(p, "REL:"), ",")
		case strings.HasPrefix(p, "COMP:"):
			m.Compartments = strings.Split(strings.TrimPrefix(p, "COMP:"), ",")
		case p == "PUBLIC":
			m.Public = true
		case p == "":
			return Marking{}, nexus.Errorf(nexus.EINVALID, "marking %q: empty part", s)
		default:
			m.Caveats = append(m.Caveats, p)
		}
	}
	m = m.Normalize()
	if err := m.Validate(); err != nil {
		return Marking{}, fmt.Errorf("marking %q: %w", s, err)
	}
	return m, nil
}
