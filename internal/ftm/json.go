package ftm

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/nexus-intel/nexus"
)

// entityJSON is the FtM JSON line form, as OpenSanctions exports it.
// Properties stay raw so that a value of the wrong JSON type can be reported
// by name instead of as a bare unmarshal error.
type entityJSON struct {
	ID         string                     `json:"id"`
	Schema     string                     `json:"schema"`
	Caption    string                     `json:"caption,omitempty"`
	Properties map[string]json.RawMessage `json:"properties"`
	Referents  []string                   `json:"referents,omitempty"`
	Datasets   []string                   `json:"datasets,omitempty"`
	FirstSeen  string                     `json:"first_seen,omitempty"`
	LastSeen   string                     `json:"last_seen,omitempty"`
	LastChange string                     `json:"last_change,omitempty"`
	Target     bool                       `json:"target,omitempty"`
}

// DecodeEntity reads one entity in FtM JSON form: id, schema and
// properties (an object of string arrays), with OpenSanctions' optional
// caption, referents, datasets, first_seen, last_seen, last_change and
// target. The input caption is dropped, since Caption derives it. Values are
// trimmed and de-duplicated as Add does. Errors are nexus invalid errors; the
// entity is not validated against its schema (see Validate).
func DecodeEntity(data []byte) (*Entity, error) {
	var raw entityJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nexus.Errorf(nexus.EINVALID, "decode entity: %v", err)
	}
	if raw.ID == "" {
		return nil, nexus.Errorf(nexus.EINVALID, "decode entity: missing id")
	}
	if raw.Schema == "" {
		return nil, nexus.Errorf(nexus.EINVALID, "decode entity %q: missing schema", raw.ID)
	}
	e := NewEntity(raw.Schema, raw.ID)
	for prop, msg := range raw.Properties {
		values, err := decodeValues(msg)
		if err != nil {
			return nil, nexus.Errorf(nexus.EINVALID, "decode entity %q: property %q: %v", raw.ID, prop, err)
		}
		e.Add(prop, values...)
	}
	e.Referents = nonEmpty(raw.Referents)
	e.Datasets = nonEmpty(raw.Datasets)
	e.FirstSeen, e.LastSeen, e.LastChange = raw.FirstSeen, raw.LastSeen, raw.LastChange
	e.Target = raw.Target
	return e, nil
}

// decodeValues reads a property's values: a JSON array of strings. null
// counts as no values, as some exporters write it for empty properties.
func decodeValues(msg json.RawMessage) ([]string, error) {
	if bytes.Equal(bytes.TrimSpace(msg), []byte("null")) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(msg, &items); err != nil {
		return nil, fmt.Errorf("values must be an array of strings, got %s", jsonKind(msg))
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		// Checked first because encoding/json reads null into a string
		// without complaint.
		if kind := jsonKind(item); kind != "a string" {
			return nil, fmt.Errorf("value %d is %s, want a string", i, kind)
		}
		var v string
		if err := json.Unmarshal(item, &v); err != nil {
			return nil, fmt.Errorf("value %d: %v", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// jsonKind names the JSON type of msg for error messages.
func jsonKind(msg json.RawMessage) string {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 {
		return "nothing"
	}
	switch msg[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// nonEmpty normalises an empty list to nil, so that decoding what we encode
// (which omits empty lists) gives back the same entity.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// MarshalJSON writes e in FtM JSON form: id, schema, the derived caption and
// properties, then whichever metadata is set. Property names come out in
// sorted order, so equal entities encode to equal bytes.
func (e *Entity) MarshalJSON() ([]byte, error) {
	props := make(map[string]json.RawMessage, len(e.Properties))
	for name, values := range e.Properties {
		if values == nil {
			values = []string{}
		}
		b, err := json.Marshal(values)
		if err != nil {
			return nil, err
		}
		props[name] = b
	}
	// encoding/json writes map keys sorted, which is what makes the output
	// deterministic.
	return json.Marshal(entityJSON{
		ID: e.ID, Schema: e.Schema, Caption: e.Caption(), Properties: props,
		Referents: e.Referents, Datasets: e.Datasets,
		FirstSeen: e.FirstSeen, LastSeen: e.LastSeen, LastChange: e.LastChange,
		Target: e.Target,
	})
}

// personNameParts are the name parts joined into a caption for a person
// without a full name, in the order they are spoken.
var personNameParts = []string{"firstName", "secondName", "middleName", "fatherName", "lastName"}

// Caption returns a display name for e: the first value of the first of its
// schema's caption properties that has one (for a Person, the joined
// first/middle/last name parts come before a bare last name), or the id when
// none has a value.
func (e *Entity) Caption() string {
	s, ok := GetSchema(e.Schema)
	if !ok {
		return e.ID
	}
	for _, p := range s.Caption {
		if p == "lastName" && s.IsA("Person") {
			if n := e.joinedName(); n != "" {
				return n
			}
		}
		if v := e.First(p); v != "" {
			return v
		}
	}
	return e.ID
}

func (e *Entity) joinedName() string {
	var b bytes.Buffer
	for _, p := range personNameParts {
		if v := e.First(p); v != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}
