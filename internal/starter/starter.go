// Package starter carries the offline starter lists embedded in the binary:
// a public-domain snapshot of the OFAC SDN list and the UN Security Council
// consolidated list (see data/PROVENANCE.md).
package starter

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed data/sdn.csv data/UN_consolidated.xml
var files embed.FS

// List is one embedded list: the dataset it loads into, the importer format
// and the file name inside the embedded data.
type List struct {
	Dataset string
	Title   string
	Format  string
	File    string
	Date    string
}

// Lists returns the embedded lists.
func Lists() []List {
	return []List{
		{Dataset: "us_ofac_sdn", Title: "US OFAC Specially Designated Nationals", Format: "ofac", File: "sdn.csv", Date: "2024-05-03"},
		{Dataset: "un_sc", Title: "UN Security Council Consolidated List", Format: "unsc", File: "UN_consolidated.xml", Date: "2026-02-27"},
	}
}

// Extract writes l's file into dir and returns its path.
func Extract(l List, dir string) (string, error) {
	b, err := files.ReadFile("data/" + l.File)
	if err != nil {
		return "", fmt.Errorf("starter %s: %w", l.Dataset, err)
	}
	path := filepath.Join(dir, l.File)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("starter %s: %w", l.Dataset, err)
	}
	return path, nil
}
