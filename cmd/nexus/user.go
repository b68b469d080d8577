package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/store"
)

const userUsage = `usage:
  nexus user agency add CODE NAME
  nexus user agency list
  nexus user add NAME --agency CODE [--roles r1,r2] [--caveats LES,FOUO] [--groups g1] [--compartments c1] [--cui]
  nexus user list
  nexus user disable NAME
  nexus user token NAME [--token-name N] [--expires 90d]
  nexus user tokens [NAME]
  nexus user revoke TOKEN_ID`

func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", userUsage)
	}
	sub := args[0]
	if sub == "agency" && len(args) > 1 {
		sub, args = "agency "+args[1], args[1:]
	}
	fs := e.flags("user " + sub)
	var (
		agency       = fs.String("agency", "", "agency code")
		roles        = fs.String("roles", "", "comma-separated roles: analyst, supervisor, screening_officer, privacy_officer, auditor, administrator, importer")
		caveats      = fs.String("caveats", "", "comma-separated caveats held, e.g. LES,FOUO")
		groups       = fs.String("groups", "", "comma-separated sharing groups")
		compartments = fs.String("compartments", "", "comma-separated compartments")
		cui          = fs.Bool("cui", false, "authorised for CUI")
		tokenName    = fs.String("token-name", "cli", "token: a name to recognise the token by")
		expires      = fs.String("expires", "90d", "token: lifetime such as 90d or 12h; 0 for none")
		asJSON       = fs.Bool("json", false, "list: print JSON")
	)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	st, v, err := e.openStoreAs(ctx, "")
	if err != nil {
		return err
	}
	defer st.Close()
	rest := fs.Args()
	out := e.stdout
	var object string
	err = func() error {
		switch sub {
		case "agency add":
			if len(rest) != 2 {
				return fmt.Errorf("usage: nexus user agency add CODE NAME")
			}
			object = "agency:" + rest[0]
			if err := st.PutAgency(ctx, store.Agency{Code: rest[0], Name: rest[1]}); err != nil {
				return err
			}
			fmt.Fprintf(out, "agency %s saved\n", rest[0])
		case "agency list":
			object = "agencies"
			as, err := st.Agencies(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(out).Encode(as)
			}
			for _, a := range as {
				fmt.Fprintf(out, "%s\t%s\n", a.Code, a.Name)
			}
		case "add":
			if len(rest) != 1 || *agency == "" {
				return fmt.Errorf("usage: nexus user add NAME --agency CODE [--roles …]")
			}
			object = "user:" + rest[0]
			u := store.User{Name: rest[0], Agency: *agency, Roles: splitList(*roles), Caveats: splitList(*caveats),
				SharingGroups: splitList(*groups), Compartments: splitList(*compartments), CUI: *cui}
			if err := st.PutUser(ctx, u); err != nil {
				return err
			}
			fmt.Fprintf(out, "user %s saved\n", u.Name)
		case "list":
			object = "users"
			us, err := st.Users(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(out).Encode(us)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tAGENCY\tROLES\tCAVEATS\tGROUPS\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", u.Name, u.Agency, strings.Join(u.Roles, ","),
					strings.Join(u.Caveats, ","), strings.Join(u.SharingGroups, ","), u.Disabled)
			}
			return tw.Flush()
		case "disable":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user disable NAME")
			}
			object = "user:" + rest[0]
			u, err := st.GetUser(ctx, rest[0])
			if err != nil {
				return err
			}
			u.Disabled = true
			if err := st.PutUser(ctx, u); err != nil {
				return err
			}
			fmt.Fprintf(out, "user %s disabled\n", u.Name)
		case "token":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user token NAME [--expires 90d]")
			}
			object = "token for user:" + rest[0]
			var exp time.Time
			if *expires != "0" && *expires != "" {
				d, err := parseLifetime(*expires)
				if err != nil {
					return fmt.Errorf("--expires: %w", err)
				}
				exp = time.Now().Add(d)
			}
			secret, t, err := st.CreateToken(ctx, rest[0], *tokenName, exp)
			if err != nil {
				return err
			}
			object = "token:" + t.ID + " user:" + rest[0]
			fmt.Fprintln(out, secret)
			fmt.Fprintf(e.stderr, "token %s for %s (shown once; store it safely)\n", t.ID, rest[0])
		case "tokens":
			name := ""
			if len(rest) > 0 {
				name = rest[0]
			}
			object = "tokens user:" + name
			ts, err := st.Tokens(ctx, name)
			if err != nil {
				return err
			}
			return json.NewEncoder(out).Encode(ts)
		case "revoke":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user revoke TOKEN_ID")
			}
			object = "token:" + rest[0]
			if err := st.RevokeToken(ctx, rest[0]); err != nil {
				return err
			}
			fmt.Fprintf(out, "token %s revoked\n", rest[0])
		default:
			return fmt.Errorf("unknown user command %q\n%s", sub, userUsage)
		}
		return nil
	}()
	action := audit.ActionAdmin
	if sub == "list" || sub == "agency list" || sub == "tokens" {
		action = audit.ActionRead
	}
	if aerr := record(ctx, st, v, action, "user "+sub+" "+object, err); aerr != nil && err == nil {
		return aerr
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseLifetime reads durations with a day unit ("90d") as well as Go's.
func parseLifetime(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || days <= 0 {
			return 0, fmt.Errorf("bad lifetime %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
