package ftm

import (
	"strings"
	"testing"

	"github.com/nexus-intel/nexus"
)

func TestValidate(t *testing.T) {
	person := func(props map[string][]string) *Entity {
		return &Entity{ID: "p1", Schema: "Person", Properties: props}
	}
	for _, tc := range []struct {
		name string
		e    *Entity
		want []string // substrings of the error; nil means valid
	}{
		{"valid person", person(map[string][]string{
			"name": {"Joaquín Guzmán"}, "birthDate": {"1957-04-04"}, "nationality": {"mx"},
			"topics": {"sanction", "crime.traffick.drug", "crime.boss"}, "gender": {"male"},
			"email": {"a@b.mx"}, "height": {"1,68"}, "addressEntity": {"addr-1"},
			"sourceUrl": {"https://example.org/x"}, "phone": {"+52 (55) 1234-5678"},
		}), nil},
		{"date prefixes and times", person(map[string][]string{
			"birthDate": {"1957", "1957-04", "1957-04-04", "2024-02-29T10:00", "2023-04-20T18:00:25", "2023-04-20T18:00:25.5Z", "2023-04-20T18:00:25+02:00"},
		}), nil},
		{"extra countries", person(map[string][]string{"country": {"xk", "zz", "eu", "suhh", "csxx", "ddde", "yucs", "ua-cri"}}), nil},
		{"unknown schema", &Entity{ID: "x", Schema: "Persn"}, []string{`entity "x"`, `unknown schema "Persn"`}},
		{"abstract schema", &Entity{ID: "x", Schema: "LegalEntity"}, nil},
		{"abstract Thing", &Entity{ID: "x", Schema: "Thing"}, []string{"schema Thing is abstract"}},
		{"missing id", &Entity{Schema: "Person"}, []string{`bad id ""`}},
		{"unknown property", person(map[string][]string{"flag": {"ru"}}), []string{`entity "p1"`, `schema Person has no property "flag"`}},
		{"bad date", person(map[string][]string{"birthDate": {"04/04/1957"}}), []string{"property birthDate", `value "04/04/1957"`, "not a valid date"}},
		{"impossible date", person(map[string][]string{"birthDate": {"2023-02-29"}}), []string{`value "2023-02-29"`}},
		{"bad month", person(map[string][]string{"birthDate": {"2023-13"}}), []string{`value "2023-13"`}},
		{"upper-case country", person(map[string][]string{"nationality": {"MX"}}), []string{"property nationality", `value "MX"`, "not a valid country"}},
		{"alpha-3 country", person(map[string][]string{"nationality": {"mex"}}), []string{`value "mex"`}},
		{"unknown topic", person(map[string][]string{"topics": {"crime.cartel"}}), []string{"property topics", `value "crime.cartel"`}},
		{"gender", person(map[string][]string{"gender": {"m"}}), []string{"property gender", `value "m"`}},
		{"email", person(map[string][]string{"email": {"nobody.example.org"}}), []string{"property email"}},
		{"number", person(map[string][]string{"weight": {"heavy"}}), []string{"property weight", `value "heavy"`}},
		{"empty entity ref", person(map[string][]string{"addressEntity": {""}}), []string{"property addressEntity", "empty value"}},
		{"spaced entity ref", person(map[string][]string{"addressEntity": {"addr 1"}}), []string{"property addressEntity"}},
		{"several problems", person(map[string][]string{"gender": {"x"}, "birthDate": {"soon"}}), []string{"property gender", "property birthDate"}},
		{"iban", &Entity{ID: "b", Schema: "BankAccount", Properties: map[string][]string{"iban": {"GB82WEST12345698765432"}}}, nil},
		{"bad iban", &Entity{ID: "b", Schema: "BankAccount", Properties: map[string][]string{"iban": {"GB82WEST12345698765433"}}}, []string{"property iban"}},
		{"edge", &Entity{ID: "o", Schema: "Ownership", Properties: map[string][]string{"owner": {"p1"}, "asset": {"c1"}, "percentage": {"51%"}}}, nil},
		{"ip", &Entity{ID: "e", Schema: "Event", Properties: map[string][]string{"ipMentioned": {"10.0.0.1", "::1"}}}, nil},
		{"bad ip", &Entity{ID: "e", Schema: "Event", Properties: map[string][]string{"ipMentioned": {"10.0.0.300"}}}, []string{"property ipMentioned"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.e.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate: got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: got nil, want error containing %q", tc.want)
			}
			if code := nexus.ErrorCode(err); code != nexus.EINVALID {
				t.Errorf("error code: got %q, want %q", code, nexus.EINVALID)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateCapsProblems(t *testing.T) {
	e := NewEntity("Person", "p1")
	for i := range 50 {
		e.Properties["bogus"+strings.Repeat("x", i)] = []string{"v"}
	}
	err := e.Validate()
	if err == nil || !strings.Contains(err.Error(), "and 30 more") {
		t.Errorf("Validate: got %v, want a message ending in %q", err, "and 30 more")
	}
}

func TestTopics(t *testing.T) {
	for _, code := range strings.Fields(`sanction sanction.linked sanction.counter debarment crime
		crime.fraud crime.cyber crime.fin crime.env crime.theft crime.war crime.boss crime.terror
		crime.traffick crime.traffick.drug crime.traffick.human wanted role.pep role.rca role.judge
		role.civil role.diplo role.oligarch role.spy role.act role.lobby poi gov gov.national
		gov.state gov.muni gov.soe gov.igo gov.head gov.admin gov.executive gov.legislative
		gov.judicial gov.security gov.financial gov.religion fin fin.bank export.control
		export.risk corp.offshore corp.shell corp.disqual asset.frozen mare.detained mare.shadow
		mare.sts reg.action reg.warn`) {
		if !IsTopic(code) {
			t.Errorf("IsTopic(%q): got false, want true", code)
		}
	}
	for _, code := range []string{"", "Sanction", "crime.", "terror"} {
		if IsTopic(code) {
			t.Errorf("IsTopic(%q): got true, want false", code)
		}
	}
}
