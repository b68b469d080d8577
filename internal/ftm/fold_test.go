package ftm

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nexus-intel/nexus"
)

func TestFold(t *testing.T) {
	t1 := time.Date(2023, 4, 20, 18, 0, 25, 0, time.UTC)
	t2 := time.Date(2024, 6, 1, 10, 57, 3, 0, time.FixedZone("CEST", 2*3600))
	st := func(entity, schema, prop, value, dataset string, target bool, first, last time.Time) Statement {
		return Statement{
			ID: StatementID(dataset, entity, prop, value), EntityID: entity, CanonicalID: "NK-1",
			Schema: schema, Prop: prop, Value: value, Dataset: dataset, Target: target,
			FirstSeen: first, LastSeen: last,
		}
	}
	for _, tc := range []struct {
		name  string
		stmts []Statement
		want  *Entity
	}{
		{
			name: "merge two sources",
			stmts: []Statement{
				st("ofac-1", "LegalEntity", IDProp, "ofac-1", "us_ofac_sdn", false, t2, t2),
				st("ofac-1", "LegalEntity", "name", "Ana Ruiz", "us_ofac_sdn", false, t2, t2),
				st("unsc-1", "Person", IDProp, "unsc-1", "un_sc", true, t1, t1),
				st("unsc-1", "Person", "name", "Ana Ruiz", "un_sc", true, t1, t1),
				st("unsc-1", "Person", "birthDate", "1970", "un_sc", true, t1, t1),
			},
			want: &Entity{
				ID: "NK-1", Schema: "Person",
				Properties: map[string][]string{"name": {"Ana Ruiz"}, "birthDate": {"1970"}},
				Datasets:   []string{"un_sc", "us_ofac_sdn"}, Referents: []string{"ofac-1", "unsc-1"},
				FirstSeen: "2023-04-20T18:00:25Z", LastSeen: "2024-06-01T08:57:03Z", Target: true,
			},
		},
		{
			name:  "id statement only",
			stmts: []Statement{{EntityID: "a1", Schema: "Address", Prop: IDProp, Value: "a1"}},
			want:  &Entity{ID: "a1", Schema: "Address", Properties: map[string][]string{}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Fold(tc.stmts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Fold mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFoldErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stmts []Statement
	}{
		{"none", nil},
		{"unrelated schemata", []Statement{
			{CanonicalID: "x", Schema: "Person", Prop: "name", Value: "a"},
			{CanonicalID: "x", Schema: "Company", Prop: "name", Value: "a"},
		}},
		{"unknown schema", []Statement{{CanonicalID: "x", Schema: "Nope", Prop: IDProp, Value: "x"}}},
		{"two entities", []Statement{
			{CanonicalID: "x", Schema: "Person", Prop: IDProp, Value: "x"},
			{CanonicalID: "y", Schema: "Person", Prop: IDProp, Value: "y"},
		}},
	} {
		if _, err := Fold(tc.stmts); nexus.ErrorCode(err) != nexus.EINVALID {
			t.Errorf("%s: Fold: got %v, want an invalid error", tc.name, err)
		}
	}
}

// Exploding an entity into statements and folding them back must give the
// same entity: that is how the store reads what it wrote.
func TestStatementsFoldRoundTrip(t *testing.T) {
	for _, lines := range sampleLines(t) {
		for _, line := range lines {
			e, err := DecodeEntity(line)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Fold(e.Statements("ds", ""))
			if err != nil {
				t.Fatalf("Fold(%s): %v", e.ID, err)
			}
			want := &Entity{ID: e.ID, Schema: e.Schema, Properties: e.Properties, Datasets: []string{"ds"}, Target: e.Target}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: fold of statements mismatch (-want +got):\n%s", e.ID, diff)
			}
		}
	}
}
