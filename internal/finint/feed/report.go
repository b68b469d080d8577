package feed

import (
	"context"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/store"
)

// Report is the FinCEN report drafted for an alert: a SAR, or a CTR for a
// ctr alert. Draft is a *finint.SARDraft or *finint.CTRDraft an analyst may
// edit; XML is the draft as a FinCEN BSA batch.
type Report struct {
	Kind  string `json:"kind"` // "sar" or "ctr"
	Draft any    `json:"draft"`
	XML   string `json:"xml"`
}

// DraftReport drafts the report for the typology alert id that v may see
// (ENOTFOUND otherwise), naming subjects from the holders of its accounts
// that v may see. A non-empty narrative replaces the generated one (SAR). A
// draft that cannot be written as FinCEN XML (an incomplete filer, a
// narrative too long) is EINVALID, with the draft.
func DraftReport(ctx context.Context, st *store.Store, v access.Viewer, id string, filer finint.Institution, narrative string, now time.Time) (Report, error) {
	a, err := st.TxAlert(ctx, v, id)
	if err != nil {
		return Report{}, err
	}
	holders, err := HolderNames(ctx, st, v, a.Dataset)
	if err != nil {
		return Report{}, err
	}
	if a.Typology == finint.CTR {
		person := ""
		if len(a.Accounts) > 0 {
			person = holders[a.Accounts[0]]
		}
		d, err := finint.DraftCTR(a.Alert, filer, person, now)
		if err != nil {
			return Report{}, err
		}
		doc, err := d.XML()
		if err != nil {
			return Report{Kind: "ctr", Draft: &d}, nexus.Errorf(nexus.EINVALID, "ctr: %v", err)
		}
		return Report{Kind: "ctr", Draft: &d, XML: string(doc)}, nil
	}
	d, err := finint.DraftSAR(a.Alert, filer, holders, now)
	if err != nil {
		return Report{}, err
	}
	if narrative != "" {
		d.Narrative = narrative
	}
	doc, err := d.XML()
	if err != nil {
		return Report{Kind: "sar", Draft: &d}, nexus.Errorf(nexus.EINVALID, "sar: %v", err)
	}
	return Report{Kind: "sar", Draft: &d, XML: string(doc)}, nil
}

// HolderNames names the holders of a dataset's linked accounts, by account
// id, from the entities v may see; an account whose holder v may not see
// stays unnamed.
func HolderNames(ctx context.Context, st *store.Store, v access.Viewer, dataset string) (map[string]string, error) {
	accs, err := st.TxAccounts(ctx, dataset, true)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range accs {
		if a.HolderID != "" {
			ids = append(ids, a.HolderID)
		}
	}
	es, err := st.EntitiesByID(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, e := range es {
		names[e.ID] = e.First("name")
	}
	out := map[string]string{}
	for _, a := range accs {
		if n := names[a.HolderID]; n != "" {
			out[a.ID] = n
		}
	}
	return out, nil
}
