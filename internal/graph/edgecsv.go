package graph

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CSVOptions says how ReadEdgeCSV reads an edge list.
type CSVOptions struct {
	// Source and Target name the endpoint columns (default "source" and
	// "target"; matched case-insensitively).
	Source, Target string
	// Weight names the weight column; empty means unweighted (every edge 1).
	Weight string
	// Type names an edge-type column, and Start and End period columns
	// (integers, or dates YYYY-MM-DD read as days since 1970-01-01). Time
	// names one column giving both ends (an edge active at one instant or
	// in one phase).
	Type, Start, End, Time string
	// Directed builds a directed graph; Merge folds parallel edges.
	Directed bool
	Merge    Merge
}

// ReadEdgeCSV reads a CSV edge list with a header row from r.
func ReadEdgeCSV(r io.Reader, o CSVOptions) (*Graph, error) {
	if o.Source == "" {
		o.Source = "source"
	}
	if o.Target == "" {
		o.Target = "target"
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read edges header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	col := func(name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		i := slices.IndexFunc(header, func(h string) bool { return strings.EqualFold(h, name) })
		if i < 0 {
			return -1, fmt.Errorf("edges: no column %q in header %v", name, header)
		}
		return i, nil
	}
	var idx [7]int
	for i, name := range []string{o.Source, o.Target, o.Weight, o.Type, o.Start, o.End, o.Time} {
		if idx[i], err = col(name); err != nil {
			return nil, err
		}
	}
	b := NewBuilder(o.Directed, o.Merge)
	line := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return nil, fmt.Errorf("edges line %d: %w", line, err)
		}
		get := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		e := Edge{Source: get(idx[0]), Target: get(idx[1]), Weight: 1, Type: get(idx[3])}
		if e.Source == "" || e.Target == "" {
			return nil, fmt.Errorf("edges line %d: empty source or target", line)
		}
		if idx[2] >= 0 {
			s := get(idx[2])
			if s == "" {
				s = "1"
			}
			if e.Weight, err = strconv.ParseFloat(s, 64); err != nil || e.Weight < 0 {
				return nil, fmt.Errorf("edges line %d: weight %q is not a non-negative number", line, s)
			}
			if e.Weight == 0 {
				continue // a zero cell is no tie
			}
		}
		if idx[4] >= 0 || idx[5] >= 0 || idx[6] >= 0 {
			e.Dated, e.Start, e.End = true, OpenStart, OpenEnd
			if t := get(idx[6]); t != "" {
				if e.Start, err = ParseInstant(t); err != nil {
					return nil, fmt.Errorf("edges line %d: %w", line, err)
				}
				e.End = e.Start
			}
			if t := get(idx[4]); t != "" {
				if e.Start, err = ParseInstant(t); err != nil {
					return nil, fmt.Errorf("edges line %d: %w", line, err)
				}
			}
			if t := get(idx[5]); t != "" {
				if e.End, err = ParseInstant(t); err != nil {
					return nil, fmt.Errorf("edges line %d: %w", line, err)
				}
			}
		}
		b.Add(e)
	}
	return b.Build(), nil
}

// Day returns t as a number of days since 1970-01-01 (UTC), the unit
// ParseInstant gives dates in.
func Day(t time.Time) int64 {
	return int64(t.UTC().Truncate(24*time.Hour).Unix()) / 86400
}

// ParseInstant reads an integer (a year or a phase number) or a date
// YYYY-MM-DD (as days since 1970-01-01).
func ParseInstant(s string) (int64, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("time %q is neither an integer nor a YYYY-MM-DD date", s)
	}
	return Day(t), nil
}
