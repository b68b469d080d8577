package ftm

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nexus-intel/nexus"
)

// sampleDir holds real OpenSanctions FtM exports.
const sampleDir = "../../../shared/data/lists/opensanctions/ftm"

// sampleLines returns every JSON line of the sample exports, skipping the
// test when they are not present.
func sampleLines(tb testing.TB) map[string][][]byte {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(sampleDir, "*.json"))
	if len(files) == 0 {
		tb.Skipf("no FtM samples in %s", sampleDir)
	}
	out := map[string][][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				out[filepath.Base(f)] = append(out[filepath.Base(f)], bytes.Clone(line))
			}
		}
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

func TestSamplesDecodeValidateRoundTrip(t *testing.T) {
	for file, lines := range sampleLines(t) {
		schemata := map[string]int{}
		for i, line := range lines {
			e, err := DecodeEntity(line)
			if err != nil {
				t.Fatalf("%s:%d: DecodeEntity: %v", file, i+1, err)
			}
			schemata[e.Schema]++
			if err := e.Validate(); err != nil {
				t.Errorf("%s:%d: Validate: %v", file, i+1, err)
			}
			enc, err := e.MarshalJSON()
			if err != nil {
				t.Fatalf("%s:%d: MarshalJSON: %v", file, i+1, err)
			}
			back, err := DecodeEntity(enc)
			if err != nil {
				t.Fatalf("%s:%d: DecodeEntity(re-encoded): %v", file, i+1, err)
			}
			if diff := cmp.Diff(e, back); diff != "" {
				t.Errorf("%s:%d: round trip mismatch (-first +second):\n%s", file, i+1, diff)
			}
			again, _ := back.MarshalJSON()
			if !bytes.Equal(enc, again) {
				t.Errorf("%s:%d: encoding not deterministic:\n%s\n%s", file, i+1, enc, again)
			}
		}
		t.Logf("%s: %d entities by schema %v", file, len(lines), schemata)
	}
}

func TestDecodeEntity(t *testing.T) {
	line := `{"id":"NK-1","caption":"ignored","schema":"Person","properties":{"name":[" Ana ","Ana","B"],"topics":["sanction"],"empty":[],"gone":null},
		"referents":["ofac-1"],"datasets":["us_ofac_sdn"],"first_seen":"2023-04-20T18:00:25","last_seen":"2024-06-01T10:57:03","last_change":"2023-07-26T20:01:14","target":true,"extra":1}`
	got, err := DecodeEntity([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := &Entity{
		ID: "NK-1", Schema: "Person",
		Properties: map[string][]string{"name": {"Ana", "B"}, "topics": {"sanction"}},
		Referents:  []string{"ofac-1"}, Datasets: []string{"us_ofac_sdn"},
		FirstSeen: "2023-04-20T18:00:25", LastSeen: "2024-06-01T10:57:03", LastChange: "2023-07-26T20:01:14",
		Target: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeEntity mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeEntityErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"schema":"Person","properties":{}}`, "missing id"},
		{`{"id":"x","properties":{}}`, `"x": missing schema`},
		{`{"id":"x","schema":"Person","properties":{"height":[1.7]}}`, `property "height": value 0 is a number, want a string`},
		{`{"id":"x","schema":"Person","properties":{"name":"Ana"}}`, `property "name": values must be an array of strings, got a string`},
		{`{"id":"x","schema":"Person","properties":{"name":["a",{"b":1}]}}`, `value 1 is an object`},
		{`{"id":"x","schema":"Person","properties":{"name":[null]}}`, `value 0 is null`},
		{`{"id":"x","schema":"Person","properties":[]}`, "decode entity"},
		{`{"id":7,"schema":"Person"}`, "decode entity"},
		{`not json`, "decode entity"},
		{``, "decode entity"},
	} {
		_, err := DecodeEntity([]byte(tc.in))
		if err == nil {
			t.Errorf("DecodeEntity(%s): got nil error, want %q", tc.in, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || nexus.ErrorCode(err) != nexus.EINVALID {
			t.Errorf("DecodeEntity(%s): got %v, want invalid error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestMarshalJSON(t *testing.T) {
	e := NewEntity("Person", "p1")
	e.Add("name", "Ana")
	e.Add("topics", "sanction")
	e.Add("birthDate", "1970")
	got, err := e.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"p1","schema":"Person","caption":"Ana","properties":{"birthDate":["1970"],"name":["Ana"],"topics":["sanction"]}}`
	if string(got) != want {
		t.Errorf("MarshalJSON:\ngot  %s\nwant %s", got, want)
	}
	e.Datasets, e.Target, e.FirstSeen = []string{"un_sc"}, true, "2024-01-01T00:00:00Z"
	got, _ = e.MarshalJSON()
	want = `{"id":"p1","schema":"Person","caption":"Ana","properties":{"birthDate":["1970"],"name":["Ana"],"topics":["sanction"]},"datasets":["un_sc"],"first_seen":"2024-01-01T00:00:00Z","target":true}`
	if string(got) != want {
		t.Errorf("MarshalJSON with metadata:\ngot  %s\nwant %s", got, want)
	}
	empty, _ := (&Entity{ID: "x", Schema: "Address"}).MarshalJSON()
	if want := `{"id":"x","schema":"Address","caption":"x","properties":{}}`; string(empty) != want {
		t.Errorf("MarshalJSON of empty entity: got %s, want %s", empty, want)
	}
}

func TestCaption(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		props  map[string][]string
		want   string
	}{
		{"name first", "Person", map[string][]string{"name": {"Ana Ruiz", "A. Ruiz"}, "lastName": {"Ruiz"}}, "Ana Ruiz"},
		{"joined parts before last name", "Person", map[string][]string{"firstName": {"Vitaly"}, "fatherName": {"Yurievich"}, "lastName": {"Kuzmenko"}}, "Vitaly Yurievich Kuzmenko"},
		{"last name alone", "Person", map[string][]string{"lastName": {"Ruiz"}, "email": {"a@b.c"}}, "Ruiz"},
		{"person email", "Person", map[string][]string{"email": {"a@b.c"}}, "a@b.c"},
		{"company registration number", "Company", map[string][]string{"registrationNumber": {"123"}}, "id1"},
		{"legal entity registration number", "LegalEntity", map[string][]string{"registrationNumber": {"123"}}, "123"},
		{"vessel imo", "Vessel", map[string][]string{"imoNumber": {"IMO 9000000"}}, "IMO 9000000"},
		{"address full", "Address", map[string][]string{"city": {"Minsk"}, "full": {"1 Main St, Minsk"}}, "1 Main St, Minsk"},
		{"address city", "Address", map[string][]string{"city": {"Minsk"}}, "Minsk"},
		{"passport number", "Passport", map[string][]string{"number": {"P123"}}, "P123"},
		{"sanction program", "Sanction", map[string][]string{"program": {"SDGT"}}, "SDGT"},
		{"edge falls back to id", "Ownership", map[string][]string{"percentage": {"50"}}, "id1"},
		{"membership role", "Membership", map[string][]string{"role": {"leader"}}, "leader"},
		{"unknown schema", "Nope", map[string][]string{"name": {"x"}}, "id1"},
		{"no values", "Person", nil, "id1"},
	} {
		e := &Entity{ID: "id1", Schema: tc.schema, Properties: tc.props}
		if got := e.Caption(); got != tc.want {
			t.Errorf("%s: Caption(): got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzDecodeEntity(f *testing.F) {
	for _, lines := range sampleLines(f) {
		for _, l := range lines {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"id":"x","schema":"Person","properties":{"name":["a"]}}`))
	f.Add([]byte(`{"id":"x","schema":"Person","properties":{"name":[1]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntity(data)
		if err != nil {
			return
		}
		_ = e.Validate()
		_ = e.Caption()
		enc, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of decoded entity: %v", err)
		}
		back, err := DecodeEntity(enc)
		if err != nil {
			t.Fatalf("DecodeEntity(%s): %v", enc, err)
		}
		if diff := cmp.Diff(e, back); diff != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s", diff)
		}
	})
}
