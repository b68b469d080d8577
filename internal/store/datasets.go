package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
)

var classes = []string{ClassPublicList, ClassCriminalIntel, ClassCase, ClassTip, ClassSAR, ClassEncounter, ClassDeconfliction}

// PutDataset creates or updates a dataset's description (not its version).
// A zero DefaultMarking means PublicMarking for a public list and "only the
// owning agency" otherwise; a dataset with neither is EINVALID.
func (s *Store) PutDataset(ctx context.Context, d Dataset) error {
	d.Name = strings.TrimSpace(d.Name)
	if d.Name == "" {
		return nexus.Errorf(nexus.EINVALID, "dataset: empty name")
	}
	if !slices.Contains(classes, d.Class) {
		return nexus.Errorf(nexus.EINVALID, "dataset %s: unknown class %q", d.Name, d.Class)
	}
	m := d.DefaultMarking
	if m.Classification == "" && !m.Public && m.Originator == "" && len(m.SharingGroups)+len(m.Compartments)+len(m.Caveats) == 0 {
		switch {
		case d.Class == ClassPublicList:
			m = access.PublicMarking()
		case d.Owner != "":
			m = access.Marking{Classification: access.Unclassified, Originator: d.Owner}
		}
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("dataset %s: %w", d.Name, err)
	}
	body, err := json.Marshal(m.Normalize())
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t txn) error {
		_, err := t.exec(ctx, `INSERT INTO datasets (name, title, class, owner, default_marking, retention)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET title = excluded.title, class = excluded.class,
				owner = excluded.owner, default_marking = excluded.default_marking, retention = excluded.retention`,
			d.Name, d.Title, d.Class, d.Owner, string(body), d.Retention)
		return err
	})
	if err != nil {
		return fmt.Errorf("put dataset %s: %w", d.Name, dbError(err, "dataset "+d.Name))
	}
	return nil
}

const datasetColumns = "name, title, class, owner, default_marking, retention, version, updated_at"

func scanDataset(sc interface{ Scan(...any) error }) (Dataset, error) {
	var d Dataset
	var marking, updated string
	if err := sc.Scan(&d.Name, &d.Title, &d.Class, &d.Owner, &marking, &d.Retention, &d.Version, &updated); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(marking), &d.DefaultMarking); err != nil {
		return d, fmt.Errorf("dataset %s: marking: %w", d.Name, err)
	}
	var err error
	d.UpdatedAt, err = parseTime(updated)
	return d, err
}

// GetDataset returns one dataset; ENOTFOUND when absent.
func (s *Store) GetDataset(ctx context.Context, name string) (Dataset, error) {
	var d Dataset
	err := s.read(ctx, func(t txn) error {
		var err error
		d, err = scanDataset(t.queryRow(ctx, "SELECT "+datasetColumns+" FROM datasets WHERE name = ?", name))
		return err
	})
	if err != nil {
		return Dataset{}, fmt.Errorf("get dataset: %w", dbError(err, "dataset "+name))
	}
	return d, nil
}

// Datasets lists datasets by name with the number of target entities v can
// see in each. Datasets in which v can see nothing are still listed (names
// of sources are not secret) with Entities 0.
func (s *Store) Datasets(ctx context.Context, v access.Viewer) ([]Dataset, error) {
	var out []Dataset
	err := s.read(ctx, func(t txn) error {
		rows, err := t.query(ctx, "SELECT "+datasetColumns+" FROM datasets ORDER BY name")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDataset(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		vis, err := s.visibleMarkings(ctx, t, v, "marking_id")
		if err != nil {
			return err
		}
		where := "target = TRUE"
		if vis != "" {
			where += " AND " + vis
		}
		rows, err = t.query(ctx, "SELECT dataset, COUNT(DISTINCT canonical_id) FROM statements WHERE "+where+" GROUP BY dataset")
		if err != nil {
			return err
		}
		defer rows.Close()
		counts := map[string]int{}
		for rows.Next() {
			var name string
			var n int
			if err := rows.Scan(&name, &n); err != nil {
				return err
			}
			counts[name] = n
		}
		for i := range out {
			out[i].Entities = counts[out[i].Name]
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return out, nil
}
