package access

import (
	"strings"
	"testing"

	"github.com/nexus-intel/nexus/internal/puretest"
)

func TestCanSee(t *testing.T) {
	les := Marking{Classification: CUI, Caveats: []string{"LES"}, Originator: "a"}
	shared := Marking{Classification: CUI, Caveats: []string{"LES"}, Originator: "a", SharingGroups: []string{"hidta-sw"}}
	comp := Marking{Classification: Unclassified, Originator: "a", Compartments: []string{"op-ember"}}
	tests := []struct {
		name string
		v    Viewer
		m    Marking
		want bool
	}{
		{"public to anonymous", Viewer{}, PublicMarking(), true},
		{"LES to own agency with LES and CUI", Viewer{Agency: "a", CUI: true, Caveats: []string{"les"}}, les, true},
		{"LES to own agency without the caveat", Viewer{Agency: "a", CUI: true}, les, false},
		{"LES to own agency without CUI", Viewer{Agency: "a", Caveats: []string{"LES"}}, les, false},
		{"LES to another agency holding LES", Viewer{Agency: "b", CUI: true, Caveats: []string{"LES"}}, les, false},
		{"shared group member of another agency", Viewer{Agency: "b", CUI: true, Caveats: []string{"LES"}, SharingGroups: []string{"hidta-sw"}}, shared, true},
		{"group member lacking the caveat", Viewer{Agency: "b", CUI: true, SharingGroups: []string{"hidta-sw"}}, shared, false},
		{"compartment member", Viewer{Agency: "c", Compartments: []string{"op-ember"}}, comp, true},
		{"not in compartment", Viewer{Agency: "c"}, comp, false},
		{"system sees all", SystemViewer(), les, true},
		{"anonymous sees no agency record", Viewer{}, les, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanSee(tt.v, tt.m); got != tt.want {
				t.Errorf("CanSee(%+v, %s): got %v, want %v", tt.v, tt.m.Key(), got, tt.want)
			}
		})
	}
}

func TestMarkingKeyRoundTrip(t *testing.T) {
	for _, m := range []Marking{
		PublicMarking(),
		{Classification: "cui", Caveats: []string{"les", "FOUO", "LES"}, TLP: "tlp:amber", Originator: "fbi-phx", SharingGroups: []string{"g2", "g1"}},
		{Classification: "U", Originator: "a", Compartments: []string{"c1"}},
	} {
		key := m.Key()
		got, err := ParseMarking(key)
		if err != nil {
			t.Fatalf("ParseMarking(%q): %v", key, err)
		}
		if got.Key() != key {
			t.Errorf("round trip: got %q, want %q", got.Key(), key)
		}
	}
	if got, want := (Marking{Classification: "cui", Caveats: []string{"les", "FOUO"}, Originator: "a"}).Key(), "CUI//FOUO//LES//ORIG:a"; got != want {
		t.Errorf("Key: got %q, want %q", got, want)
	}
}

func TestParseMarkingErrors(t *testing.T) {
	for _, s := range []string{"SECRET//ORIG:a", "U//TLP:PURPLE//PUBLIC", "CUI//LES", "U////PUBLIC"} {
		if _, err := ParseMarking(s); err == nil {
			t.Errorf("ParseMarking(%q): got no error, want one", s)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewTokenSecret(), NewTokenSecret()
	if a == b || !strings.HasPrefix(a, TokenPrefix) {
		t.Fatalf("NewTokenSecret: got %q and %q, want distinct tokens with prefix %q", a, b, TokenPrefix)
	}
	if HashToken(a) == HashToken(b) {
		t.Errorf("HashToken: two tokens share a hash")
	}
	// The stored form is the SHA-256 hex digest (checked against Python's hashlib).
	if got, want := HashToken("nxs_example"), "3ab15d5e367a1887230e5b74105d4d2d8cf9958e077e58fb04f839b522c8973e"; got != want {
		t.Errorf("HashToken(nxs_example) = %s, want %s", got, want)
	}
}

// TestPure keeps the policy package free of I/O so it can be used from any
// layer and reasoned about alone.
func TestPure(t *testing.T) {
	puretest.CheckImports(t, "access")
}
