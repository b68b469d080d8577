package ingest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Emit receives each entity with the origin record it came from, such as
// "sdn.csv:1234" (file base name and line) or
// "UN_consolidated.xml:INDIVIDUAL QDi.001". A non-nil error stops the read
// and is returned by Read.
type Emit = func(e *ftm.Entity, origin string) error

// Options tune a read. The zero value reads non-strictly with the defaults.
type Options struct {
	// Dataset names the source; csv ids are "<Dataset>-<id>".
	Dataset string
	// Strict makes a row that fails validation abort the read instead of
	// being skipped.
	Strict bool
	// Map maps FtM property names to csv column headers (see ParseMap).
	Map map[string]string
	// Schema is the csv schema of each row, "Person" when empty; a "schema"
	// entry in Map picks it per row instead.
	Schema string
	// IDColumn is the csv column holding the record id, "id" when empty.
	IDColumn string
	// Edges say how to read the edges format.
	Edges EdgeOptions
	// Skipped is called for each bad row skipped in non-strict mode, and for
	// notices that never abort, such as an OFAC link to an unlisted name.
	Skipped func(p Problem)
}

// Problem locates a bad record or a corrupt file: a file and line for csv
// and JSON lines, a file and element (with byte offset in Msg) for XML.
type Problem struct {
	File    string
	Line    int
	Element string
	Msg     string
	// Err is the underlying error, if any, for errors.Is and errors.As.
	Err error
	// Warning is set when the record itself was imported and only a part of
	// it was dropped (e.g. a "Linked To" naming no listed entity).
	Warning bool
}

// Error returns "file:line: msg" or "file: element X: msg".
func (p *Problem) Error() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	case p.Element != "":
		return fmt.Sprintf("%s: element %s: %s", p.File, p.Element, p.Msg)
	default:
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
}

// Unwrap returns the underlying error.
func (p *Problem) Unwrap() error { return p.Err }

type reader func(ctx context.Context, path string, opts Options, emit Emit) error

var readers = map[string]reader{
	"ofac":  readOFAC,
	"unsc":  readUNSC,
	"ftm":   readFTM,
	"csv":   readCSV,
	"edges": readEdges,
}

// Formats returns the format names Read accepts, sorted.
func Formats() []string {
	return slices.Sorted(maps.Keys(readers))
}

// Read streams the file (or, for ofac, folder) at path in the given format
// to emit. It returns the first error from emit, ctx.Err() when cancelled,
// or an error wrapping a *Problem when the input is corrupt, or when a row
// is bad and opts.Strict is set. Entities already emitted are not retracted.
func Read(ctx context.Context, format, path string, opts Options, emit Emit) error {
	r, ok := readers[format]
	if !ok {
		return fmt.Errorf("ingest: unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	if err := r(ctx, path, opts, emit); err != nil {
		return fmt.Errorf("ingest %s: %w", format, err)
	}
	return nil
}

// ParseMap parses a column mapping such as "name=full_name,birthDate=dob"
// into FtM property -> column header. Spaces around names are ignored; an
// entry without "=" or with an empty side, or a property given twice, is an
// error.
func ParseMap(s string) (map[string]string, error) {
	m := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, part := range strings.Split(s, ",") {
		prop, col, ok := strings.Cut(part, "=")
		prop, col = strings.TrimSpace(prop), strings.TrimSpace(col)
		if !ok || prop == "" || col == "" {
			return nil, fmt.Errorf("parse map: %q: want property=column", part)
		}
		if _, dup := m[prop]; dup {
			return nil, fmt.Errorf("parse map: property %q mapped twice", prop)
		}
		m[prop] = col
	}
	return m, nil
}

// problems routes bad rows: reported and skipped, or fatal when strict.
type problems struct {
	opts Options
}

// bad handles a row that fails validation. It returns the error to abort
// with in strict mode, nil otherwise.
func (p problems) bad(pr Problem) error {
	if p.opts.Strict {
		return &pr
	}
	p.note(pr)
	return nil
}

// note reports a problem that never aborts.
func (p problems) note(pr Problem) {
	if p.opts.Skipped != nil {
		p.opts.Skipped(pr)
	}
}
