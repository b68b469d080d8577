package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/finint"
	"github.com/nexus-intel/nexus/internal/finint/feed"
	"github.com/nexus-intel/nexus/internal/screening"
	"github.com/nexus-intel/nexus/internal/store"
)

// defaultTxDataset is where transactions go when --dataset is not given.
const defaultTxDataset = "transactions"

// cmdTx is financial intelligence over stored transactions:
//
//	nexus tx import --format amlsim|amlsim-v2|csv [--dataset D] [--rules FILE] PATH
//	nexus tx alerts [--dataset D] [--typology T] [--status S] [--limit N]
//	nexus tx detect [--dataset D] [--typology T]… [--rules FILE] --out alerts.jsonl
//	nexus tx link --dataset D --account A [--entity E] [--holder H]
//	nexus tx report --alert ID --filer filer.json [--draft draft.json | --json] [--out report.xml]
func cmdTx(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: nexus tx import|alerts|detect|link|report [flags]  (nexus tx <sub> -h for flags)")
		return exitError(2)
	}
	switch args[0] {
	case "import":
		return cmdTxImport(ctx, e, args[1:])
	case "alerts":
		return cmdTxAlerts(ctx, e, args[1:])
	case "detect":
		return cmdTxDetect(ctx, e, args[1:])
	case "link":
		return cmdTxLink(ctx, e, args[1:])
	case "report":
		return cmdTxReport(ctx, e, args[1:])
	}
	return fmt.Errorf("tx: unknown subcommand %q (want import, alerts, detect, link or report)", args[0])
}

// loadRules reads a rule file, or finint.DefaultRules when path is empty.
func loadRules(path string) ([]finint.Rule, error) {
	body := []byte(finint.DefaultRules)
	if path != "" {
		var err error
		if body, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("--rules: %w", err)
		}
	}
	rs, err := finint.ParseRules(body)
	if err != nil {
		return nil, nexus.Errorf(nexus.EINVALID, "rules %s: %v", path, err)
	}
	return rs.Rules, nil
}

// ensureTxDataset creates a transaction dataset on first use: class case,
// owned by the given agency and by default visible to it alone.
func ensureTxDataset(ctx context.Context, st *store.Store, name, owner string) error {
	if _, err := st.GetDataset(ctx, name); err == nil {
		return nil
	} else if nexus.ErrorCode(err) != nexus.ENOTFOUND {
		return err
	}
	if owner == "" {
		return nexus.Errorf(nexus.EINVALID, "dataset %s does not exist: give --owner AGENCY to create it", name)
	}
	return st.PutDataset(ctx, store.Dataset{Name: name, Title: "Transactions " + name, Class: store.ClassCase, Owner: owner})
}

func cmdTxImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("tx import")
	var (
		format  = fs.String("format", "csv", "input format: "+strings.Join(finint.Formats, ", "))
		dataset = fs.String("dataset", defaultTxDataset, "dataset the transactions belong to")
		owner   = fs.String("owner", "local", "owning agency of a new dataset (its transactions are visible to this agency alone)")
		rules   = fs.String("rules", "", "typology rule file (JSON; default: the built-in US rules)")
		screenH = fs.Bool("screen", false, "screen linked account holders against the lists for the exposure typology (builds the screening index first; without it only holders that are list entries count)")
		expThr  = fs.Float64("exposure-threshold", feed.DefaultExposureThreshold, "with --screen: score at which a holder counts as a listed party")
		asJSON  = fs.Bool("json", false, "print the result as JSON")
		as      = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: nexus tx import --format %s [--dataset D] PATH", strings.Join(finint.Formats, "|"))
	}
	if !slices.Contains(finint.Formats, *format) {
		return nexus.Errorf(nexus.EINVALID, "--format %q: want one of %s", *format, strings.Join(finint.Formats, ", "))
	}
	rs, err := loadRules(*rules)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tx import: %w", err)
	}
	defer f.Close()
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := ensureTxDataset(ctx, st, *dataset, *owner); err != nil {
		return err
	}
	bus, err := e.openBus(ctx)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	defer bus.Close()
	designated := feed.DesignatedHolders(st)
	if *screenH {
		svc := screening.New(st, screening.Options{Logger: e.logger()})
		if err := svc.Build(ctx); err != nil {
			return err
		}
		designated = feed.ScreenedHolders(st, svc, *expThr)
	}
	fd, err := feed.New(feed.Config{Store: st, Rules: rs, Designated: designated, Publish: bus.Publish, Logger: e.logger()})
	if err != nil {
		return err
	}
	res, err := fd.Import(ctx, *dataset, feed.ReadSource(bufio.NewReaderSize(f, 1<<20), *format, filepath.Base(path)))
	if rerr := record(ctx, st, v, audit.ActionImport, fmt.Sprintf("transactions dataset:%s file:%s format:%s", *dataset, path, *format), err); rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "%s: %d transactions over %d accounts stored; %d alerts raised, %d updated\n",
		res.Dataset, res.Transactions, res.Accounts, res.AlertsRaised, res.AlertsUpdated)
	return nil
}

func cmdTxAlerts(ctx context.Context, e *env, args []string) error {
	fs := e.flags("tx alerts")
	var (
		dataset  = fs.String("dataset", "", "only this dataset's alerts")
		typology = fs.String("typology", "", "only this typology: "+strings.Join(finint.Typologies, ", "))
		status   = fs.String("status", "", "only alerts in this status: open, escalated, closed")
		limit    = fs.Int("limit", 0, "at most this many (0: all)")
		asJSON   = fs.Bool("json", false, "print one JSON alert per line")
		as       = fs.String("as", "", "list as this Nexus user (default: the system, audited under your OS user)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	as2, total, err := st.TxAlerts(ctx, v, store.TxAlertQuery{Dataset: *dataset, Typology: *typology, Status: *status, Limit: *limit})
	if rerr := record(ctx, st, v, audit.ActionRead, fmt.Sprintf("tx alerts dataset:%s typology:%s status:%s count:%d", *dataset, *typology, *status, len(as2)), err); rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	for _, a := range as2 {
		if *asJSON {
			if err := enc.Encode(a); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%.2f\t%s\t%s\n", a.ID, a.Typology, a.Score, a.Status, a.Explanation)
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, "%d alerts\n", total)
	}
	return nil
}

// detectLine is one line of `tx detect --out` (a contract other tools read).
type detectLine struct {
	ID           string   `json:"id"`
	Typology     string   `json:"typology"`
	Accounts     []string `json:"accounts"`
	Transactions []string `json:"transactions"`
	Score        float64  `json:"score"`
	Explanation  string   `json:"explanation"`
}

func cmdTxDetect(ctx context.Context, e *env, args []string) error {
	fs := e.flags("tx detect")
	var (
		dataset = fs.String("dataset", defaultTxDataset, "dataset whose stored history to evaluate")
		rules   = fs.String("rules", "", "typology rule file (JSON; default: the built-in US rules)")
		out     = fs.String("out", "-", "where to write one JSON alert per line (- for stdout)")
		as      = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
		typos   stringList
	)
	fs.Var(&typos, "typology", "only this typology (repeatable): "+strings.Join(finint.Typologies, ", "))
	if err := e.parse(fs, args); err != nil {
		return err
	}
	rs, err := loadRules(*rules)
	if err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := st.GetDataset(ctx, *dataset)
	if err != nil {
		return err
	}
	// Detection reads every transaction of the dataset: the viewer must be
	// able to see them, so a hidden record cannot shape what is reported.
	if !access.CanSee(v, d.DefaultMarking) {
		err := nexus.Errorf(nexus.EFORBIDDEN, "dataset %s: you may not see its transactions", *dataset)
		if rerr := record(ctx, st, v, audit.ActionExport, "tx detect dataset:"+*dataset, err); rerr != nil {
			return rerr
		}
		return err
	}
	fd, err := feed.New(feed.Config{Store: st, Rules: rs, Designated: feed.DesignatedHolders(st), Logger: e.logger()})
	if err != nil {
		return err
	}
	alerts, err := fd.Detect(ctx, *dataset, typos)
	if rerr := record(ctx, st, v, audit.ActionExport, fmt.Sprintf("tx detect dataset:%s typologies:%s alerts:%d out:%s", *dataset, typos.String(), len(alerts), *out), err); rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("tx detect: %w", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, a := range alerts {
		if err := enc.Encode(detectLine{ID: a.ID, Typology: a.Typology, Accounts: a.Accounts, Transactions: a.Transactions,
			Score: a.Score, Explanation: a.Explanation}); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(e.stderr, "%d alerts written to %s\n", len(alerts), *out)
	}
	return nil
}

func cmdTxLink(ctx context.Context, e *env, args []string) error {
	fs := e.flags("tx link")
	var (
		dataset = fs.String("dataset", defaultTxDataset, "dataset of the account")
		account = fs.String("account", "", "account id as the transactions name it (required)")
		entity  = fs.String("entity", "", "id of the FtM BankAccount / CryptoWallet entity describing the account")
		holder  = fs.String("holder", "", "id of the FtM entity holding the account")
		as      = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *account == "" || (*entity == "" && *holder == "") {
		return errors.New("usage: nexus tx link --dataset D --account A [--entity E] [--holder H]")
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	err = checkLink(ctx, st, v, *dataset, *entity, *holder)
	if err == nil {
		err = st.LinkAccount(ctx, store.TxAccount{Dataset: *dataset, ID: *account, EntityID: *entity, HolderID: *holder})
	}
	if rerr := record(ctx, st, v, audit.ActionWrite, fmt.Sprintf("tx link dataset:%s account:%s entity:%s holder:%s", *dataset, *account, *entity, *holder), err); rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "account %s/%s linked\n", *dataset, *account)
	return nil
}

// cmdTxReport drafts the FinCEN report for an alert: a SAR, or a CTR for a
// ctr alert. With --json it prints the draft for an analyst to edit (the
// narrative above all); with --draft it exports an edited draft. Subjects
// are named from the holders linked to the alert's accounts.
func cmdTxReport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("tx report")
	var (
		alertID = fs.String("alert", "", "typology alert id (required)")
		filerF  = fs.String("filer", "", "JSON file describing the filing institution (name, ein, tcc, regulator, street, city, state, zip, phone, contact)")
		draftF  = fs.String("draft", "", "export this edited draft (JSON from --json) instead of drafting from the alert")
		asJSON  = fs.Bool("json", false, "print the draft as JSON for editing instead of FinCEN XML")
		out     = fs.String("out", "-", "where to write the report (- for stdout)")
		as      = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *alertID == "" {
		return errors.New("usage: nexus tx report --alert ID --filer filer.json [--json | --draft draft.json] [--out FILE]")
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	doc, kind, err := txReport(ctx, st, v, *alertID, *filerF, *draftF, *asJSON)
	if rerr := record(ctx, st, v, audit.ActionExport, fmt.Sprintf("tx report alert:%s kind:%s json:%t", *alertID, kind, *asJSON), err); rerr != nil {
		return rerr
	}
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = e.stdout.Write(doc)
		return err
	}
	return os.WriteFile(*out, doc, 0o600)
}

func txReport(ctx context.Context, st *store.Store, v access.Viewer, id, filerPath, draftPath string, asJSON bool) ([]byte, string, error) {
	readJSON := func(path string, into any) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, into); err != nil {
			return nexus.Errorf(nexus.EINVALID, "%s: %v", path, err)
		}
		return nil
	}
	if draftPath != "" {
		a, err := st.TxAlert(ctx, v, id)
		if err != nil {
			return nil, "", err
		}
		if a.Typology == finint.CTR {
			var d finint.CTRDraft
			if err := readJSON(draftPath, &d); err != nil {
				return nil, "ctr", err
			}
			doc, err := d.XML()
			return doc, "ctr", err
		}
		var d finint.SARDraft
		if err := readJSON(draftPath, &d); err != nil {
			return nil, "sar", err
		}
		doc, err := d.XML()
		return doc, "sar", err
	}
	if filerPath == "" {
		return nil, "", nexus.Errorf(nexus.EINVALID, "--filer is required to draft a report")
	}
	var filer finint.Institution
	if err := readJSON(filerPath, &filer); err != nil {
		return nil, "", err
	}
	rep, err := feed.DraftReport(ctx, st, v, id, filer, "", time.Now())
	if asJSON && rep.Draft != nil {
		// A draft is for editing, complete or not.
		b, jerr := json.MarshalIndent(rep.Draft, "", "  ")
		return append(b, '\n'), rep.Kind, jerr
	}
	if err != nil {
		return nil, rep.Kind, err
	}
	return []byte(rep.XML), rep.Kind, nil
}

// checkLink checks that the dataset exists and that the entities an account
// is linked to exist for v with fitting schemata: a BankAccount or
// CryptoWallet describing it, a legal entity holding it.
func checkLink(ctx context.Context, st *store.Store, v access.Viewer, dataset, entity, holder string) error {
	if _, err := st.GetDataset(ctx, dataset); err != nil {
		return err
	}
	for _, c := range []struct {
		flag, id string
		schemata []string
	}{{"--entity", entity, []string{"BankAccount", "CryptoWallet"}},
		{"--holder", holder, []string{"Person", "Organization", "Company", "LegalEntity", "PublicBody"}}} {
		if c.id == "" {
			continue
		}
		es, err := st.EntitiesByID(ctx, v, []string{c.id})
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return nexus.Errorf(nexus.ENOTFOUND, "%s %s: no such entity", c.flag, c.id)
		}
		if !slices.Contains(c.schemata, es[0].Schema) {
			return nexus.Errorf(nexus.EINVALID, "%s %s is a %s; want one of %s", c.flag, c.id, es[0].Schema, strings.Join(c.schemata, ", "))
		}
	}
	return nil
}
