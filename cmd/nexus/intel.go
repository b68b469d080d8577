package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/events"
	"github.com/nexus-intel/nexus/internal/ftm"
	"github.com/nexus-intel/nexus/internal/intel"
	"github.com/nexus-intel/nexus/internal/store"
)

const intelUsage = `usage:
  nexus intel submit FILE.json --as USER          submit a criminal-intelligence record (28 CFR Part 23)
  nexus intel approve ID --as USER                Part 23 approval (a different, trained person)
  nexus intel privacy-approve ID --as USER        privacy officer's approval of First-Amendment information
  nexus intel show ID [--as USER]                 a record's Part 23 metadata and reviews
  nexus intel revalidate ID --as USER --explanation TEXT
  nexus intel correct FILE.json --as USER --reason TEXT   (entity JSON; notices go to every recipient)
  nexus intel disseminate ID --as USER --to AGENCY --reason TEXT [--person NAME] [--channel C]
  nexus intel disseminations ID [--as USER]
  nexus intel notices [--agency A] [--as USER]
  nexus intel search TEXT --purpose P --case N [--as USER]
  nexus intel due [--within 2160h]                records past (or near) their review date
  nexus intel purge [--bulk N]                    purge what was not re-validated (the scheduled job)
  nexus intel purge request [ID…] [--due] --reason TEXT --as USER
  nexus intel purge approve REQUEST --as USER     the second person of a bulk purge
  nexus intel purge requests
  nexus intel tombstones
  nexus intel marking ENTITY --dataset D --marking KEY [--as USER]   (only the originator may lower)
  nexus intel redress file --requester NAME --request TEXT [--record ID] [--routed-to AGENCY] [--as USER]
  nexus intel redress answer ID --answer TEXT --outcome corrected|no_change|purged|no_record [--as USER]
  nexus intel redress list [--as USER]`

func cmdIntel(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", intelUsage)
	}
	sub := args[0]
	if (sub == "purge" || sub == "redress") && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		sub, args = sub+" "+args[1], args[1:]
	}
	fs := e.flags("intel " + sub)
	var (
		as          = fs.String("as", "", "act as this Nexus user (default: the system, audited under your OS user)")
		explanation = fs.String("explanation", "", "revalidate: why the record is retained")
		reason      = fs.String("reason", "", "correct, disseminate, purge request: the reason")
		to          = fs.String("to", "", "disseminate: recipient agency")
		person      = fs.String("person", "", "disseminate: recipient person")
		channel     = fs.String("channel", "", "disseminate: portal, email, phone, message …")
		agency      = fs.String("agency", "", "notices: agency (default: yours)")
		purpose     = fs.String("purpose", "", "search: purpose code (need to know)")
		caseNo      = fs.String("case", "", "search: case number (need to know)")
		due         = fs.Bool("due", false, "purge request: add every record past its review date")
		within      = fs.Duration("within", 0, "due: also records due within this time, e.g. 2160h for 90 days")
		bulk        = fs.Int("bulk", 10, "purge: most records the scheduled purge removes alone; more needs two people")
		dataset     = fs.String("dataset", "", "marking: the dataset whose statements change")
		marking     = fs.String("marking", "", "marking: the new marking, e.g. CUI//LES//ORIG:fbi")
		requester   = fs.String("requester", "", "redress file: the person asking")
		request     = fs.String("request", "", "redress file: what they ask to be corrected")
		recordID    = fs.String("record", "", "redress file: the record concerned")
		routedTo    = fs.String("routed-to", "", "redress file: agency to answer when the record is not one you can see")
		answer      = fs.String("answer", "", "redress answer: the answer")
		outcome     = fs.String("outcome", "", "redress answer: corrected, no_change, purged or no_record")
	)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	rest := fs.Args()
	out := e.stdout
	one := func(what string) (string, error) {
		if len(rest) != 1 {
			return "", fmt.Errorf("usage: nexus intel %s %s", sub, what)
		}
		return rest[0], nil
	}
	action, object := audit.ActionWrite, "intel "+sub
	var notices []store.Notice
	var deltas []store.Delta // entity changes for the server's indexes
	changed := func(dataset string, ids ...string) {
		deltas = append(deltas, store.Delta{Dataset: dataset, Changed: ids})
	}
	purged := func(res store.PurgeResult) {
		notices = res.Notices
		byDataset := map[string][]string{}
		for _, t := range res.Purged {
			byDataset[t.Dataset] = append(byDataset[t.Dataset], t.ID)
		}
		for d, ids := range byDataset {
			deltas = append(deltas, store.Delta{Dataset: d, Removed: ids})
		}
	}
	err = func() error {
		switch sub {
		case "submit":
			path, err := one("FILE.json --as USER")
			if err != nil {
				return err
			}
			var s intel.Submission
			if err := readJSONFile(path, &s); err != nil {
				return err
			}
			if s.Subject != nil {
				object += " " + s.Subject.ID
			}
			rec, err := st.SubmitIntel(ctx, v, s)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			return printJSON(out, rec)
		case "approve", "privacy-approve":
			id, err := one("ID --as USER")
			if err != nil {
				return err
			}
			object += " " + id
			var rec store.IntelRecord
			if sub == "approve" {
				rec, err = st.ApproveIntel(ctx, v, id)
			} else {
				rec, err = st.PrivacyApproveIntel(ctx, v, id)
			}
			if err != nil {
				return err
			}
			if rec.State == intel.StateActive {
				changed(rec.Dataset, rec.ID)
			}
			fmt.Fprintf(out, "intel record %s: %s", id, rec.State)
			if rec.State == intel.StateActive {
				fmt.Fprintf(out, ", review due %s", rec.ReviewDue.Format(time.DateOnly))
			}
			fmt.Fprintln(out)
			return nil
		case "show":
			id, err := one("ID")
			if err != nil {
				return err
			}
			action, object = audit.ActionRead, object+" "+id
			rec, err := st.IntelRecordOf(ctx, v, id)
			if err != nil {
				return err
			}
			revs, err := st.IntelReviews(ctx, v, id)
			if err != nil {
				return err
			}
			return printJSON(out, map[string]any{"record": rec, "reviews": revs})
		case "revalidate":
			id, err := one("ID --as USER --explanation TEXT")
			if err != nil {
				return err
			}
			object += " " + id
			rec, err := st.RevalidateIntel(ctx, v, id, *explanation)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "intel record %s re-validated; review due %s\n", id, rec.ReviewDue.Format(time.DateOnly))
			return nil
		case "correct":
			path, err := one("FILE.json --as USER --reason TEXT")
			if err != nil {
				return err
			}
			var ent ftm.Entity
			if err := readJSONFile(path, &ent); err != nil {
				return err
			}
			object += " " + ent.ID
			notices, err = st.CorrectIntel(ctx, v, &ent, *reason)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if rec, err := st.IntelRecordOf(ctx, access.SystemViewer(), ent.ID); err == nil {
				changed(rec.Dataset, ent.ID)
			}
			fmt.Fprintf(out, "intel record %s corrected; %d correction notices sent\n", ent.ID, len(notices))
			return nil
		case "disseminate":
			id, err := one("ID --to AGENCY --reason TEXT")
			if err != nil {
				return err
			}
			action, object = audit.ActionExport, object+" "+id+" to:"+*to
			d, err := st.Disseminate(ctx, v, store.Dissemination{RecordID: id, RecipientAgency: *to, RecipientPerson: *person,
				Reason: *reason, Channel: *channel})
			if err != nil {
				return err
			}
			return printJSON(out, d)
		case "disseminations":
			id, err := one("ID")
			if err != nil {
				return err
			}
			action, object = audit.ActionRead, object+" "+id
			ds, err := st.Disseminations(ctx, v, id, time.Time{})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tRECIPIENT\tPERSON\tREASON\tRELEASED BY\tCHANNEL\tMARKING")
			for _, d := range ds {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Time.Format(time.RFC3339), d.RecipientAgency, d.RecipientPerson,
					d.Reason, d.ReleasedBy, d.Channel, d.Marking.Key())
			}
			return tw.Flush()
		case "notices":
			action = audit.ActionRead
			ns, err := st.Notices(ctx, v, *agency)
			if err != nil {
				return err
			}
			return printJSONLines(out, ns)
		case "search":
			q, err := one("TEXT --purpose P --case N")
			if err != nil {
				return err
			}
			action, object = audit.ActionSearch, "intel search"
			if strings.TrimSpace(*purpose) == "" || strings.TrimSpace(*caseNo) == "" {
				return nexus.Errorf(nexus.EFORBIDDEN, "need to know: --purpose and --case are required to search criminal intelligence")
			}
			res, err := st.SearchIntel(ctx, v, q)
			if err != nil {
				return err
			}
			return printJSON(out, res)
		case "due":
			action = audit.ActionRead
			due, err := st.DueIntel(ctx, *within)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tDATASET\tORIGINATOR\tVALIDATED\tREVIEW DUE")
			for _, r := range due {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Dataset, r.Originator, r.ValidatedAt.Format(time.DateOnly), r.ReviewDue.Format(time.DateOnly))
			}
			return tw.Flush()
		case "purge":
			action = audit.ActionDelete
			res, err := st.PurgeDue(ctx, v.Name, *bulk)
			object += fmt.Sprintf(" due purged:%s", tombIDs(res.Purged))
			if err != nil {
				return err
			}
			purged(res)
			fmt.Fprintf(out, "purged %d records (%d notices sent)\n", len(res.Purged), len(res.Notices))
			return printTombstones(out, res.Purged)
		case "purge request":
			action = audit.ActionDelete
			res, err := st.RequestPurge(ctx, v, rest, *due, *reason)
			if err != nil {
				return err
			}
			purged(res)
			object += " purged:" + tombIDs(res.Purged)
			if res.Request != nil {
				object += " request:" + res.Request.ID
				fmt.Fprintf(out, "bulk purge request %s of %d records awaits approval by a second person:\n  nexus intel purge approve %s --as OTHER_USER\n",
					res.Request.ID, len(res.Request.RecordIDs), res.Request.ID)
				return nil
			}
			fmt.Fprintf(out, "purged %d records (%d notices sent)\n", len(res.Purged), len(res.Notices))
			return printTombstones(out, res.Purged)
		case "purge approve":
			id, err := one("REQUEST --as USER")
			if err != nil {
				return err
			}
			action, object = audit.ActionDelete, object+" "+id
			res, err := st.ApprovePurge(ctx, v, id)
			if err != nil {
				return err
			}
			purged(res)
			object += " purged:" + tombIDs(res.Purged)
			fmt.Fprintf(out, "purged %d records (%d notices sent)\n", len(res.Purged), len(res.Notices))
			return printTombstones(out, res.Purged)
		case "purge requests":
			action = audit.ActionRead
			rs, err := st.PurgeRequests(ctx, false)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tREQUESTED BY\tAPPROVED BY\tRECORDS\tREASON")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.State, r.RequestedBy, r.ApprovedBy, len(r.RecordIDs), r.Reason)
			}
			return tw.Flush()
		case "tombstones":
			action = audit.ActionRead
			ts, err := st.Tombstones(ctx)
			if err != nil {
				return err
			}
			return printTombstones(out, ts)
		case "marking":
			id, err := one("ENTITY --dataset D --marking KEY")
			if err != nil {
				return err
			}
			action, object = audit.ActionAdmin, object+" "+id+" to:"+*marking
			m, err := access.ParseMarking(*marking)
			if err != nil {
				return fmt.Errorf("--marking: %w", err)
			}
			n, err := st.ChangeMarking(ctx, v, *dataset, id, m)
			if err != nil {
				return err
			}
			changed(*dataset, id)
			fmt.Fprintf(out, "%d statements of %s in %s now marked %s\n", n, id, *dataset, m.Key())
			return nil
		case "redress file":
			r, err := st.FileRedress(ctx, v, store.Redress{Requester: *requester, Request: *request, RecordID: *recordID, RoutedTo: *routedTo})
			if err != nil {
				return err
			}
			object += " " + r.ID
			fmt.Fprintf(out, "redress %s filed; routed to %s\n", r.ID, r.RoutedTo)
			return nil
		case "redress answer":
			id, err := one("ID --answer TEXT --outcome O")
			if err != nil {
				return err
			}
			object += " " + id
			if _, err := st.AnswerRedress(ctx, v, id, *answer, *outcome); err != nil {
				return err
			}
			fmt.Fprintf(out, "redress %s answered: %s\n", id, *outcome)
			return nil
		case "redress list":
			action = audit.ActionRead
			rs, err := st.RedressRequests(ctx, v)
			if err != nil {
				return err
			}
			return printJSONLines(out, rs)
		}
		return fmt.Errorf("unknown intel command %q\n%s", sub, intelUsage)
	}()
	ev := audit.Event{Time: time.Now(), Actor: v.Name, Agency: v.Agency, Action: action, Object: object, Outcome: audit.Success,
		SourceAddr: "cli", Purpose: *purpose, CaseNumber: *caseNo}
	if err != nil {
		ev.Outcome, ev.Detail = audit.Failure, err.Error()
		if nexus.ErrorCode(err) == nexus.EFORBIDDEN {
			ev.Outcome = audit.Denied
		}
	}
	if _, aerr := st.AppendAudit(ctx, ev); aerr != nil && err == nil {
		return fmt.Errorf("audit: %w", aerr)
	}
	if len(notices)+len(deltas) > 0 {
		if perr := e.publishIntel(ctx, notices, deltas); perr != nil {
			fmt.Fprintf(e.stderr, "nexus: the change is stored but was not published: %v\n", perr)
		}
	}
	return err
}

// publishIntel publishes stored notices and entity changes on the bus of a
// running server (or an embedded one on the data directory), as imports do.
func (e *env) publishIntel(ctx context.Context, notices []store.Notice, deltas []store.Delta) error {
	bus, err := e.openBus(ctx)
	if err != nil {
		return err
	}
	defer bus.Close()
	errs := []error{publishNoticesOn(ctx, bus, notices)}
	for _, d := range deltas {
		errs = append(errs, publishDelta(ctx, bus, d))
	}
	return errors.Join(errs...)
}

func publishNoticesOn(ctx context.Context, bus *events.Bus, notices []store.Notice) error {
	var errs []error
	for _, n := range notices {
		if err := bus.Publish(ctx, intel.NoticeSubject, n); err != nil {
			errs = append(errs, fmt.Errorf("notice %s: %w", n.ID, err))
		}
	}
	return errors.Join(errs...)
}

// readJSONFile decodes one JSON document from path into v; errors name the
// file and the line.
func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var off int64
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		default:
			off = dec.InputOffset()
		}
		line := 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n"))
		return nexus.Errorf(nexus.EINVALID, "%s: line %d: %v", path, line, err)
	}
	return nil
}

// printJSON prints v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printJSONLines prints each item as one line of JSON.
func printJSONLines[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}

func tombIDs(ts []store.Tombstone) string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return strings.Join(ids, ",")
}

func printTombstones(w io.Writer, ts []store.Tombstone) error {
	if len(ts) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tORIGINATOR\tDATASET\tPURGED\tBY\tAPPROVED BY\tREASON")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Originator, t.Dataset, t.PurgedAt.Format(time.RFC3339), t.PurgedBy, t.ApprovedBy, t.Reason)
	}
	return tw.Flush()
}

// scheduleIntelPurge runs the due purge every interval until ctx ends:
// records past their review date are purged and their recipients notified
// on the bus. More than bulk at once is left for two people, and logged.
func scheduleIntelPurge(ctx context.Context, st *store.Store, bus *events.Bus, every time.Duration, bulk int, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := st.PurgeDue(ctx, "scheduler", bulk)
		ev := audit.Event{Time: time.Now(), Actor: "scheduler", Action: audit.ActionDelete, Outcome: audit.Success,
			Object: "intel purge due purged:" + tombIDs(res.Purged), SourceAddr: "serve"}
		switch {
		case nexus.ErrorCode(err) == nexus.EFORBIDDEN:
			logger.Warn("intel purge needs two people", "err", nexus.ErrorMessage(err))
			ev.Outcome, ev.Detail = audit.Denied, nexus.ErrorMessage(err)
		case err != nil:
			logger.Error("intel purge failed", "err", err)
			ev.Outcome, ev.Detail = audit.Failure, err.Error()
		case len(res.Purged) > 0:
			logger.Info("intel records purged", "purged", len(res.Purged), "notices", len(res.Notices))
			if perr := publishNoticesOn(ctx, bus, res.Notices); perr != nil {
				logger.Error("publish intel notices", "err", perr)
			}
			byDataset := map[string][]string{}
			for _, t := range res.Purged {
				byDataset[t.Dataset] = append(byDataset[t.Dataset], t.ID)
			}
			for d, ids := range byDataset {
				if perr := publishDelta(ctx, bus, store.Delta{Dataset: d, Removed: ids}); perr != nil {
					logger.Error("publish intel purge", "err", perr)
				}
			}
		}
		if err != nil || len(res.Purged) > 0 {
			if _, aerr := st.AppendAudit(context.WithoutCancel(ctx), ev); aerr != nil {
				logger.Error("audit intel purge", "err", aerr)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// cmdAuditReport is `nexus audit report`: the privacy officer's oversight
// report as JSON.
func cmdAuditReport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("audit report")
	var (
		as     = fs.String("as", "", "report as this Nexus user (a privacy officer or auditor; default: the system)")
		since  = fs.String("since", "", "disseminations and purges since this date (YYYY-MM-DD; default: all)")
		sample = fs.Int("sample", 20, "size of the random sample of records for manual review")
		seed   = fs.Uint64("seed", 0, "sample seed (default: from the clock)")
	)
	if err := e.parse(fs, args); err != nil {
		return err
	}
	var from time.Time
	if *since != "" {
		t, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			return fmt.Errorf("--since: %q is not a date (YYYY-MM-DD)", *since)
		}
		from = t
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	st, v, err := e.openStoreAs(ctx, *as)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.PrivacyReportFor(ctx, v, from, *sample, *seed)
	if aerr := record(ctx, st, v, audit.ActionRead, "privacy report", err); aerr != nil && err == nil {
		return aerr
	}
	if err != nil {
		return err
	}
	return printJSON(e.stdout, rep)
}
