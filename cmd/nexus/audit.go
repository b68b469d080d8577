package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nexus-intel/nexus/internal/audit"
)

func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "report" {
		return cmdAuditReport(ctx, e, args[1:]) // intel.go
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: nexus audit verify | export [--after SEQ] | report [--since DATE] [--sample N]")
	}
	fs := e.flags("audit " + args[0])
	after := fs.Int64("after", 0, "export: only events after this sequence number")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	switch args[0] {
	case "verify":
		n, verr := st.VerifyAudit(ctx)
		if verr != nil {
			fmt.Fprintf(e.stdout, "audit chain BROKEN after %d good events: %v\n", n, verr)
			// Recording the failed check extends a broken chain, which is
			// fine: verification names the first bad event, not the last.
			record(ctx, st, v, audit.ActionRead, "audit verify", verr)
			return exitError(1)
		}
		fmt.Fprintf(e.stdout, "audit chain intact: %d events\n", n)
		return record(ctx, st, v, audit.ActionRead, "audit verify", nil)
	case "export":
		// Record the export first so it is part of what it exports.
		if err := record(ctx, st, v, audit.ActionExport, fmt.Sprintf("audit export after=%d", *after), nil); err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		return st.EachAuditEvent(ctx, *after, func(ev audit.Event) error { return enc.Encode(ev) })
	}
	return fmt.Errorf("unknown audit command %q (want verify or export)", args[0])
}
