package ftm

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Entity is one FtM entity: an id, a schema name and multi-valued string
// properties. Values are kept in insertion order without duplicates.
type Entity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`

	// Optional metadata as OpenSanctions exports it; empty when unknown.
	Datasets  []string `json:"datasets,omitempty"`
	Referents []string `json:"referents,omitempty"`
	FirstSeen string   `json:"first_seen,omitempty"`
	LastSeen  string   `json:"last_seen,omitempty"`
	// LastChange is when a value last changed, as OpenSanctions reports it.
	LastChange string `json:"last_change,omitempty"`
	// Target marks a listed party (the person, company, vessel … a list is
	// about), as opposed to its addresses, documents, sanctions and links.
	Target bool `json:"target,omitempty"`
}

// NewEntity returns an empty entity of the given schema and id.
func NewEntity(schema, id string) *Entity {
	return &Entity{ID: id, Schema: schema, Properties: map[string][]string{}}
}

// Add appends values to prop, skipping empty strings and values already
// present. Values are trimmed of surrounding white space.
func (e *Entity) Add(prop string, values ...string) {
	if e.Properties == nil {
		e.Properties = map[string][]string{}
	}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || slices.Contains(e.Properties[prop], v) {
			continue
		}
		e.Properties[prop] = append(e.Properties[prop], v)
	}
}

// Get returns the values of prop (nil when it has none).
func (e *Entity) Get(prop string) []string { return e.Properties[prop] }

// First returns the first value of prop, or "".
func (e *Entity) First(prop string) string {
	if vs := e.Properties[prop]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// PropNames returns the entity's property names in sorted order.
func (e *Entity) PropNames() []string {
	names := make([]string, 0, len(e.Properties))
	for p := range e.Properties {
		names = append(names, p)
	}
	slices.Sort(names)
	return names
}

// IDProp is the pseudo-property of the statement that records an entity's
// existence, so an entity with no visible property values still folds.
const IDProp = "id"

// Statement is one value of one property of one entity from one dataset: the
// unit of storage, provenance and access. The store adds the marking.
type Statement struct {
	ID          string    `json:"id"`
	EntityID    string    `json:"entity_id"`
	CanonicalID string    `json:"canonical_id"`
	Schema      string    `json:"schema"`
	Prop        string    `json:"prop"`
	Value       string    `json:"value"`
	Dataset     string    `json:"dataset"`
	Origin      string    `json:"origin,omitempty"`
	Target      bool      `json:"target"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
}

// StatementID returns the stable id of a statement: the same dataset, entity,
// property and value always give the same id.
func StatementID(dataset, entityID, prop, value string) string {
	h := sha1.New()
	for _, s := range []string{dataset, entityID, prop, value} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Statements explodes e into statements for dataset, one per value plus the
// id statement, in a deterministic order. Times are left zero for the store
// to fill.
func (e *Entity) Statements(dataset, origin string) []Statement {
	mk := func(prop, value string) Statement {
		return Statement{
			ID: StatementID(dataset, e.ID, prop, value), EntityID: e.ID, CanonicalID: e.ID,
			Schema: e.Schema, Prop: prop, Value: value, Dataset: dataset, Origin: origin, Target: e.Target,
		}
	}
	out := []Statement{mk(IDProp, e.ID)}
	for _, p := range e.PropNames() {
		for _, v := range e.Properties[p] {
			out = append(out, mk(p, v))
		}
	}
	return out
}
