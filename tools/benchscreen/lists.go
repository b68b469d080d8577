package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"

	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/ingest"
)

// readList reads a designation list with the project's importer (format
// "ofac" or "unsc") and keeps the entities it emits, tagged with dataset.
func readList(format, path, dataset string) ([]*ftm.Entity, error) {
	var out []*ftm.Entity
	err := ingest.Read(context.Background(), format, path, ingest.Options{Dataset: dataset}, func(e *ftm.Entity, _ string) error {
		if len(e.Datasets) == 0 {
			e.Datasets = []string{dataset}
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return rows, nil
}
