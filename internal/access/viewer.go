package access

import "slices"

// Viewer is who is asking: every store read takes one. The zero Viewer is an
// anonymous outsider who sees only public statements.
type Viewer struct {
	UserID string   `json:"user_id,omitempty"`
	Name   string   `json:"name,omitempty"`
	Agency string   `json:"agency,omitempty"`
	Roles  []string `json:"roles,omitempty"`
	// CUI is set when the viewer is authorised for Controlled Unclassified
	// Information.
	CUI           bool     `json:"cui,omitempty"`
	Caveats       []string `json:"caveats,omitempty"`
	SharingGroups []string `json:"sharing_groups,omitempty"`
	Compartments  []string `json:"compartments,omitempty"`
	// Part23Trained is set when the viewer has completed 28 CFR Part 23
	// training (required to approve criminal-intelligence submissions).
	Part23Trained bool `json:"part23_trained,omitempty"`
	// System is the process itself (imports, migrations, the audit verifier).
	// It sees everything and must never be built from a request.
	System bool `json:"system,omitempty"`
}

// SystemViewer is the viewer for work the process does on its own behalf.
func SystemViewer() Viewer { return Viewer{UserID: "system", Name: "system", System: true} }

// HasRole reports whether v holds role.
func (v Viewer) HasRole(role string) bool { return slices.Contains(v.Roles, role) }

// CanSee is the one policy decision: may v see a statement marked m? The
// viewer must hold every caveat and the classification, and be inside one of
// the marking's distributions.
func CanSee(v Viewer, m Marking) bool {
	if v.System {
		return true
	}
	m = m.Normalize()
	if m.Classification == CUI && !v.CUI {
		return false
	}
	for _, c := range m.Caveats {
		if !slices.ContainsFunc(v.Caveats, func(h string) bool { return equalFold(h, c) }) {
			return false
		}
	}
	switch {
	case m.Public:
		return true
	case m.Originator != "" && m.Originator == v.Agency:
		return true
	case intersects(m.SharingGroups, v.SharingGroups):
		return true
	case intersects(m.Compartments, v.Compartments):
		return true
	}
	return false
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
