package feed

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/screen"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// DefaultExposureThreshold is the screening score at and above which an
// account holder is taken to be the listed party, for the exposure
// typology: stricter than screening's own threshold, because a match here
// raises alerts without an analyst looking first.
const DefaultExposureThreshold = 0.9

// ScreenedHolders returns a Config.Designated that screens the holders of
// a dataset's linked accounts (their names, dates of birth and countries,
// which only ever tell two people apart) against the lists through svc, and
// names the accounts whose holder matches a sanctioned list entry at or
// above threshold, unless the dataset owner's agency has cleared that
// match. A holder that is itself a sanctioned entry counts too, as in
// DesignatedHolders.
func ScreenedHolders(st *store.Store, svc *screening.Service, threshold float64) func(ctx context.Context, dataset string) (map[string]string, error) {
	direct := DesignatedHolders(st)
	return func(ctx context.Context, dataset string) (map[string]string, error) {
		out, err := direct(ctx, dataset)
		if err != nil {
			return nil, err
		}
		d, err := st.GetDataset(ctx, dataset)
		if err != nil {
			return nil, err
		}
		accs, err := st.TxAccounts(ctx, dataset, true)
		if err != nil {
			return nil, err
		}
		byHolder := map[string][]string{}
		var ids []string
		for _, a := range accs {
			if a.HolderID == "" {
				continue
			}
			if byHolder[a.HolderID] == nil {
				ids = append(ids, a.HolderID)
			}
			byHolder[a.HolderID] = append(byHolder[a.HolderID], a.ID)
		}
		if len(ids) == 0 {
			return out, nil
		}
		holders, err := st.EntitiesByID(ctx, access.SystemViewer(), ids)
		if err != nil {
			return nil, err
		}
		var subjects []screening.Subject
		names := map[string]string{}
		for _, h := range holders {
			names[h.ID] = h.First("name")
			q := screen.Query{Names: h.Get("name"), BirthDates: h.Get("birthDate")}
			switch h.Schema {
			case "Person", "Organization", "Company", "LegalEntity":
				q.Schema = h.Schema
			}
			q.Countries = append(slices.Clone(h.Get("nationality")), h.Get("country")...)
			if len(q.Names) == 0 {
				continue
			}
			subjects = append(subjects, screening.Subject{ID: h.ID, Key: "id:" + h.ID, Query: q})
		}
		if len(subjects) == 0 {
			return out, nil
		}
		// The system acting for the dataset's owner: every list entry takes
		// part, and the owner's clearances apply.
		v := access.SystemViewer()
		v.Agency = d.Owner
		res, err := svc.Screen(ctx, v, subjects, screening.Request{Threshold: threshold, Limit: 5})
		if err != nil {
			return nil, err
		}
		var matched []string
		for _, r := range res {
			for _, m := range r.Matches {
				if !m.Cleared && m.Score >= threshold {
					matched = append(matched, m.EntityID)
				}
			}
		}
		listed, err := st.EntitiesByID(ctx, access.SystemViewer(), matched)
		if err != nil {
			return nil, err
		}
		sanctioned := map[string]bool{}
		for _, e := range listed {
			if slices.Contains(e.Get("topics"), "sanction") {
				sanctioned[e.ID] = true
			}
		}
		for _, r := range res {
			for _, m := range r.Matches {
				if !m.Cleared && m.Score >= threshold && sanctioned[m.EntityID] {
					for _, acc := range byHolder[r.ID] {
						if out[acc] == "" {
							out[acc] = fmt.Sprintf("holder %s (%s) matches %s (%s, %s) at %.2f", names[r.ID], r.ID, m.Caption, m.EntityID,
								strings.Join(m.Datasets, ", "), m.Score)
						}
					}
					break
				}
			}
		}
		return out, nil
	}
}
