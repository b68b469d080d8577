package ingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// csvRows reads records of a csv file with their line numbers, turning
// parse errors into Problems: a malformed row is reported and the reader
// moves on, an unterminated quote that runs to the end of the file is
// fatal because it means the file is cut short.
type csvRows struct {
	name string // base name, for Problems and origins
	f    *os.File
	r    *csv.Reader
	// peeked holds a record read ahead to tell a bad last row from a
	// truncated file.
	peeked   []string
	peekErr  error
	havePeek bool
}

func openCSV(path string) (*csvRows, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // callers check counts to report the line
	return &csvRows{name: filepath.Base(path), f: f, r: r}, nil
}

func (c *csvRows) Close() error { return c.f.Close() }

func (c *csvRows) read() ([]string, error) {
	if c.havePeek {
		c.havePeek = false
		return c.peeked, c.peekErr
	}
	return c.r.Read()
}

// next returns the next record and its first line. A row that cannot be
// parsed comes back as bad (and no record); err is io.EOF at the end or a
// fatal *Problem.
func (c *csvRows) next() (rec []string, line int, bad *Problem, err error) {
	rec, err = c.read()
	if err == nil {
		line, _ = c.r.FieldPos(0)
		return rec, line, nil, nil
	}
	if err == io.EOF {
		return nil, 0, nil, io.EOF
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return nil, 0, nil, &Problem{File: c.name, Msg: err.Error(), Err: err}
	}
	if errors.Is(pe.Err, csv.ErrQuote) {
		c.peeked, c.peekErr = c.r.Read()
		c.havePeek = true
		if c.peekErr == io.EOF {
			return nil, 0, nil, &Problem{File: c.name, Line: pe.StartLine,
				Msg: "quoted field not closed before end of file (truncated?)", Err: pe.Err}
		}
	}
	return nil, pe.StartLine, &Problem{File: c.name, Line: pe.StartLine,
		Msg: fmt.Sprintf("malformed row: %v", pe.Err), Err: pe.Err}, nil
}

// header reads the header row, without a byte order mark, and indexes its
// column names (trimmed). A file without one is a Problem saying empty.
func (c *csvRows) header(empty string) (header []string, cols map[string]int, err error) {
	header, _, bad, err := c.next()
	if err == io.EOF {
		return nil, nil, &Problem{File: c.name, Msg: empty}
	}
	if err != nil {
		return nil, nil, err
	}
	if bad != nil {
		return nil, nil, bad
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	cols = map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	return header, cols, nil
}

// each calls fn with each record and its first line until the end of the
// file, ctx is done, or fn returns an error. A row that cannot be parsed
// goes to pr.bad and the read moves on, unless pr is strict.
func (c *csvRows) each(ctx context.Context, pr problems, fn func(rec []string, line int) error) error {
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rec, line, bad, err := c.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if bad != nil {
			if err := pr.bad(*bad); err != nil {
				return err
			}
			continue
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}
