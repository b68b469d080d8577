package ftm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus"
)

// Property is one property of a schema. Range and Reverse are set only for
// entity-typed properties: Range names the schema a value must refer to and
// Reverse the name FtM gives the same link seen from the other end.
type Property struct {
	Name    string
	Type    PropType
	Range   string
	Reverse string
	// Schema is the schema that declares the property; a child schema
	// redeclaring a parent's property owns its own copy.
	Schema string
}

// Schema is one FtM schema with its inheritance resolved. Schemata come from
// GetSchema and are shared: callers must not modify them.
type Schema struct {
	Name     string
	Extends  []string
	Abstract bool
	// Caption lists the properties whose first value names an entity, in
	// order of preference; a schema without its own list inherits its
	// first parent's.
	Caption []string

	// Edge is true for schemata drawn as a link between two entities:
	// EdgeSource and EdgeTarget are the entity properties at either end.
	Edge         bool
	EdgeSource   string
	EdgeTarget   string
	EdgeDirected bool
	EdgeCaption  []string

	own       []Property // as written in the table; resolved copies carry Property.Schema
	props     map[string]*Property
	names     []string
	ancestors map[string]bool
}

func prop(name string, t PropType) Property { return Property{Name: name, Type: t} }

func ref(name, rng, reverse string) Property {
	return Property{Name: name, Type: TypeEntity, Range: rng, Reverse: reverse}
}

// registry holds every schema by name. It is built once from the static
// table and never changed, so reading it needs no lock.
var registry = mustBuildRegistry(schemaTable)

func mustBuildRegistry(defs []Schema) map[string]*Schema {
	r, err := buildRegistry(defs)
	if err != nil {
		// The table is part of the source; a broken one must not start.
		panic(err)
	}
	return r
}

// buildRegistry resolves inheritance over the table rows, which are left
// unchanged.
func buildRegistry(defs []Schema) (map[string]*Schema, error) {
	byName := map[string]*Schema{}
	for i := range defs {
		d := &defs[i]
		if _, dup := byName[d.Name]; dup {
			return nil, fmt.Errorf("ftm: schema %s defined twice", d.Name)
		}
		byName[d.Name] = d
	}
	out := map[string]*Schema{}
	var resolve func(name string, path []string) (*Schema, error)
	resolve = func(name string, path []string) (*Schema, error) {
		if s, ok := out[name]; ok {
			return s, nil
		}
		if slices.Contains(path, name) {
			return nil, fmt.Errorf("ftm: schema inheritance cycle %v", append(path, name))
		}
		d, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("ftm: schema %s extends unknown schema", path[len(path)-1])
		}
		s := new(Schema)
		*s = *d
		s.own, s.props, s.ancestors = nil, map[string]*Property{}, map[string]bool{d.Name: true}
		for _, p := range d.own {
			p.Schema = d.Name
			s.own = append(s.own, p)
		}
		// Take a pointer into own only after all appends, since appending
		// may move the backing array.
		for i := range s.own {
			s.props[s.own[i].Name] = &s.own[i]
		}
		for _, pn := range d.Extends {
			parent, err := resolve(pn, append(path, name))
			if err != nil {
				return nil, err
			}
			for a := range parent.ancestors {
				s.ancestors[a] = true
			}
			for n, p := range parent.props {
				if _, ok := s.props[n]; !ok {
					s.props[n] = p
				}
			}
			if len(s.Caption) == 0 {
				s.Caption = parent.Caption
			}
		}
		for n := range s.props {
			s.names = append(s.names, n)
		}
		slices.Sort(s.names)
		for _, e := range []string{s.EdgeSource, s.EdgeTarget} {
			if p, ok := s.props[e]; s.Edge && (!ok || p.Type != TypeEntity) {
				return nil, fmt.Errorf("ftm: schema %s: edge end %q is not an entity property", s.Name, e)
			}
		}
		out[name] = s
		return s, nil
	}
	for _, d := range defs {
		if _, err := resolve(d.Name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetSchema returns the schema called name; FtM schema names are case
// sensitive ("Person", not "person").
func GetSchema(name string) (*Schema, bool) {
	s, ok := registry[name]
	return s, ok
}

// Schemata returns every schema Nexus knows, sorted by name.
func Schemata() []*Schema {
	out := make([]*Schema, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Schema) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// IsA reports whether s is the schema called name or descends from it.
func (s *Schema) IsA(name string) bool { return s.ancestors[name] }

// Property returns the property called name, declared by s or inherited.
func (s *Schema) Property(name string) (*Property, bool) {
	p, ok := s.props[name]
	return p, ok
}

// Properties returns all properties of s, its own and inherited ones, sorted
// by name. The slice is the caller's to keep.
func (s *Schema) Properties() []Property {
	out := make([]Property, len(s.names))
	for i, n := range s.names {
		out[i] = *s.props[n]
	}
	return out
}

// OwnProperties returns the properties s declares itself, in table order.
func (s *Schema) OwnProperties() []Property { return slices.Clone(s.own) }

// Ancestors returns the names of s and every schema it descends from, sorted.
func (s *Schema) Ancestors() []string {
	out := make([]string, 0, len(s.ancestors))
	for a := range s.ancestors {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// CommonSchema returns the more specific of schemata a and b when one is, or
// descends from, the other; statements about one entity must agree this way
// to fold. Any other pair, or an unknown name, is an invalid error.
func CommonSchema(a, b string) (string, error) {
	sa, ok := GetSchema(a)
	if !ok {
		return "", nexus.Errorf(nexus.EINVALID, "unknown schema %q", a)
	}
	sb, ok := GetSchema(b)
	if !ok {
		return "", nexus.Errorf(nexus.EINVALID, "unknown schema %q", b)
	}
	switch {
	case sa.IsA(b):
		return a, nil
	case sb.IsA(a):
		return b, nil
	}
	return "", nexus.Errorf(nexus.EINVALID, "schemata %s and %s are not in one line of descent", a, b)
}

// targetSchemata are the schemata of parties a list can be about.
var targetSchemata = map[string]bool{
	"Person": true, "Organization": true, "Company": true, "LegalEntity": true,
	"PublicBody": true, "Vessel": true, "Airplane": true,
}

// IsTargetSchema reports whether entities of the schema called name can be
// listed parties (people, organisations, vessels, aircraft), as opposed to
// addresses, documents, sanctions and links, which describe a party.
func IsTargetSchema(name string) bool { return targetSchemata[name] }
