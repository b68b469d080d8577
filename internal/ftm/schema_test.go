package ftm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// ftmSchemaDir holds FtM's own schema YAML, the reference our table must
// agree with.
const ftmSchemaDir = "../../../shared/data/ftm-schema/v3.8.4-alephdata"

type yamlSchema struct {
	Extends  []string `yaml:"extends"`
	Abstract bool     `yaml:"abstract"`
	Caption  []string `yaml:"caption"`
	Edge     *struct {
		Source   string   `yaml:"source"`
		Target   string   `yaml:"target"`
		Directed *bool    `yaml:"directed"`
		Caption  []string `yaml:"caption"`
	} `yaml:"edge"`
	Properties map[string]struct {
		Type    string `yaml:"type"`
		Range   string `yaml:"range"`
		Reverse *struct {
			Name string `yaml:"name"`
		} `yaml:"reverse"`
	} `yaml:"properties"`
}

// laterFtM lists properties we define that FtM 3.8.4 lacks because
// OpenSanctions' FtM 4 exports use them. The test insists they really are
// absent there, so the list cannot hide a transcription mistake.
var laterFtM = map[string]bool{"Organization.abbreviation": true}

func loadFtMSchemata(t *testing.T) map[string]yamlSchema {
	t.Helper()
	if _, err := os.Stat(ftmSchemaDir); os.IsNotExist(err) {
		t.Skipf("FtM schema reference %s not present", ftmSchemaDir)
	}
	files, err := filepath.Glob(filepath.Join(ftmSchemaDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]yamlSchema{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]yamlSchema
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		for name, s := range doc {
			out[name] = s
		}
	}
	return out
}

func TestSchemaTableMatchesFtM(t *testing.T) {
	ref := loadFtMSchemata(t)
	for _, def := range schemaTable {
		t.Run(def.Name, func(t *testing.T) {
			y, ok := ref[def.Name]
			if !ok {
				t.Fatalf("schema %s not in FtM", def.Name)
			}
			if diff := cmp.Diff(y.Extends, def.Extends); diff != "" {
				t.Errorf("extends mismatch (-ftm +ours):\n%s", diff)
			}
			if def.Abstract != y.Abstract {
				t.Errorf("abstract: got %v, want %v", def.Abstract, y.Abstract)
			}
			if diff := cmp.Diff(y.Caption, def.Caption); diff != "" {
				t.Errorf("caption mismatch (-ftm +ours):\n%s", diff)
			}
			if (y.Edge != nil) != def.Edge {
				t.Fatalf("edge: got %v, want %v", def.Edge, y.Edge != nil)
			}
			if y.Edge != nil {
				directed := y.Edge.Directed == nil || *y.Edge.Directed
				got := []any{def.EdgeSource, def.EdgeTarget, def.EdgeDirected, def.EdgeCaption}
				want := []any{y.Edge.Source, y.Edge.Target, directed, y.Edge.Caption}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("edge mismatch (-ftm +ours):\n%s", diff)
				}
			}
			ours := map[string]Property{}
			for _, p := range def.own {
				ours[p.Name] = p
				yp, ok := y.Properties[p.Name]
				if laterFtM[def.Name+"."+p.Name] {
					if ok {
						t.Errorf("property %s is in FtM 3.8.4; drop it from laterFtM", p.Name)
					}
					continue
				}
				if !ok {
					t.Errorf("property %s: not in FtM", p.Name)
					continue
				}
				typ := yp.Type
				if typ == "" {
					typ = "string"
				}
				reverse := ""
				if yp.Reverse != nil {
					reverse = yp.Reverse.Name
				}
				got := []string{string(p.Type), p.Range, p.Reverse}
				want := []string{typ, yp.Range, reverse}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("property %s [type range reverse] mismatch (-ftm +ours):\n%s", p.Name, diff)
				}
			}
			for name := range y.Properties {
				if _, ok := ours[name]; !ok {
					t.Errorf("FtM property %s missing from ours", name)
				}
			}
		})
	}
}

func TestSupportedSchemata(t *testing.T) {
	want := strings.Fields(`Thing LegalEntity Person Organization Company PublicBody
		Vessel Airplane Vehicle Asset Value Address Identification Passport BankAccount
		CryptoWallet Event Sanction Interval Interest Membership Associate Family
		Ownership Directorship Employment UnknownLink Payment Representation Occupancy Position`)
	for _, name := range want {
		if _, ok := GetSchema(name); !ok {
			t.Errorf("GetSchema(%q): got missing, want defined", name)
		}
	}
	for _, name := range []string{"person", "Document", ""} {
		if _, ok := GetSchema(name); ok {
			t.Errorf("GetSchema(%q): got defined, want missing", name)
		}
	}
}

func TestSchemaInheritance(t *testing.T) {
	company, _ := GetSchema("Company")
	for _, tc := range []struct {
		schema, ancestor string
		want             bool
	}{
		{"Company", "Company", true},
		{"Company", "Organization", true},
		{"Company", "LegalEntity", true},
		{"Company", "Thing", true},
		{"Company", "Asset", true},
		{"Company", "Value", true},
		{"Company", "Person", false},
		{"Person", "Organization", false},
		{"Vessel", "Asset", true},
		{"Passport", "Identification", true},
		{"Passport", "Interval", true},
		{"Passport", "Thing", false},
		{"Ownership", "Interest", true},
		{"Event", "Analyzable", true},
	} {
		s, _ := GetSchema(tc.schema)
		if got := s.IsA(tc.ancestor); got != tc.want {
			t.Errorf("%s.IsA(%s): got %v, want %v", tc.schema, tc.ancestor, got, tc.want)
		}
	}
	// Inherited from Thing, LegalEntity and Value; redeclared by Company.
	for _, tc := range []struct {
		prop   string
		typ    PropType
		schema string
	}{
		{"name", TypeName, "Thing"},
		{"email", TypeEmail, "LegalEntity"},
		{"amount", TypeNumber, "Value"},
		{"jurisdiction", TypeCountry, "Company"},
		{"abbreviation", TypeName, "Organization"},
	} {
		p, ok := company.Property(tc.prop)
		if !ok {
			t.Errorf("Company.Property(%q): missing", tc.prop)
			continue
		}
		if p.Type != tc.typ || p.Schema != tc.schema {
			t.Errorf("Company.Property(%q): got type %s from %s, want %s from %s", tc.prop, p.Type, p.Schema, tc.typ, tc.schema)
		}
	}
	props := company.Properties()
	for i := 1; i < len(props); i++ {
		if props[i-1].Name >= props[i].Name {
			t.Fatalf("Company.Properties() not sorted at %d: %s, %s", i, props[i-1].Name, props[i].Name)
		}
	}
	if p, _ := company.Property("parent"); p.Range != "LegalEntity" {
		t.Errorf("Company parent range: got %q, want LegalEntity", p.Range)
	}
	own, _ := GetSchema("Ownership")
	if !own.Edge || own.EdgeSource != "owner" || own.EdgeTarget != "asset" {
		t.Errorf("Ownership edge: got %v %q→%q, want true owner→asset", own.Edge, own.EdgeSource, own.EdgeTarget)
	}
	if veh, _ := GetSchema("Vessel"); !slicesEqual(veh.Caption, []string{"name", "imoNumber"}) {
		t.Errorf("Vessel caption: got %v", veh.Caption)
	}
	if pb, _ := GetSchema("Interest"); !pb.Abstract {
		t.Errorf("Interest: got not abstract, want abstract")
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func TestCommonSchema(t *testing.T) {
	for _, tc := range []struct {
		a, b, want string
		err        bool
	}{
		{"Person", "Person", "Person", false},
		{"LegalEntity", "Person", "Person", false},
		{"Company", "LegalEntity", "Company", false},
		{"Organization", "Company", "Company", false},
		{"Thing", "Vessel", "Vessel", false},
		{"Person", "Company", "", true},
		{"Organization", "PublicBody", "PublicBody", false},
		{"Company", "PublicBody", "", true},
		{"Person", "Nope", "", true},
		{"Nope", "Person", "", true},
	} {
		got, err := CommonSchema(tc.a, tc.b)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("CommonSchema(%s, %s): got %q, %v; want %q, error %v", tc.a, tc.b, got, err, tc.want, tc.err)
		}
	}
}

func TestIsTargetSchema(t *testing.T) {
	for name, want := range map[string]bool{
		"Person": true, "Organization": true, "Company": true, "LegalEntity": true,
		"PublicBody": true, "Vessel": true, "Airplane": true,
		"Address": false, "Passport": false, "Sanction": false, "Ownership": false,
		"Vehicle": false, "BankAccount": false, "": false,
	} {
		if got := IsTargetSchema(name); got != want {
			t.Errorf("IsTargetSchema(%q): got %v, want %v", name, got, want)
		}
	}
}
