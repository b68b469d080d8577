package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
	"github.com/nexus-intel/nexus/internal/store"
)

const userUsage = `usage:
  nexus user agency add CODE NAME
  nexus user agency list
  nexus user add NAME --agency CODE [--roles r1,r2] [--caveats LES,FOUO] [--groups g1] [--compartments c1] [--cui] [--part23]
  nexus user set NAME [--agency CODE] [--roles …] [--caveats …] [--groups …] [--compartments …] [--cui=BOOL] [--part23=BOOL]
  nexus user list
  nexus user disable NAME
  nexus user enable NAME
  nexus user password NAME            (reads the new password from stdin)
  nexus user totp NAME                (enrols a new TOTP secret; prints it and its otpauth:// URI once)
  nexus user unlock NAME              (releases an account locked by failed logons)
  nexus user token NAME [--token-name N] [--expires 90d] [--scopes read,search]
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
		part23       = fs.Bool("part23", false, "has completed 28 CFR Part 23 training")
		scopes       = fs.String("scopes", "all", "token: comma-separated scopes (read, search, screen, import, admin, audit) or all")
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
				SharingGroups: splitList(*groups), Compartments: splitList(*compartments), CUI: *cui, Part23Trained: *part23}
			if err := checkRoles(u.Roles); err != nil {
				return err
			}
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
			fmt.Fprintln(tw, "NAME\tAGENCY\tROLES\tCAVEATS\tGROUPS\tPART23\tMFA\tLOCKED\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%v\t%v\t%v\n", u.Name, u.Agency, strings.Join(u.Roles, ","),
					strings.Join(u.Caveats, ","), strings.Join(u.SharingGroups, ","), u.Part23Trained, u.TOTPEnrolled, u.Locked, u.Disabled)
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
			if err := st.EndUserSessions(ctx, u.Name); err != nil {
				return err
			}
			fmt.Fprintf(out, "user %s disabled\n", u.Name)
		case "enable", "unlock":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user %s NAME", sub)
			}
			object = "user:" + rest[0]
			do := st.EnableUser
			if sub == "unlock" {
				do = st.Unlock
			}
			if err := do(ctx, rest[0]); err != nil {
				return err
			}
			fmt.Fprintf(out, "user %s %sd\n", rest[0], strings.TrimSuffix(sub, "e"))
		case "set":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user set NAME [--roles …] [--caveats …] …")
			}
			object = "user:" + rest[0]
			u, err := st.GetUser(ctx, rest[0])
			if err != nil {
				return err
			}
			var changed []string
			fs.Visit(func(f *flag.Flag) {
				switch f.Name {
				case "agency":
					u.Agency = *agency
				case "roles":
					u.Roles = splitList(*roles)
				case "caveats":
					u.Caveats = splitList(*caveats)
				case "groups":
					u.SharingGroups = splitList(*groups)
				case "compartments":
					u.Compartments = splitList(*compartments)
				case "cui":
					u.CUI = *cui
				case "part23":
					u.Part23Trained = *part23
				default:
					return
				}
				changed = append(changed, f.Name+"="+f.Value.String())
			})
			if len(changed) == 0 {
				return fmt.Errorf("user set %s: nothing to change (give --roles, --caveats, --groups, --compartments, --cui, --part23 or --agency)", u.Name)
			}
			if err := checkRoles(u.Roles); err != nil {
				return err
			}
			object += " " + strings.Join(changed, " ")
			if err := st.PutUser(ctx, u); err != nil {
				return err
			}
			// Changed attributes end the user's sessions, so the
			// change is confirmed by a fresh logon.
			if err := st.EndUserSessions(ctx, u.Name); err != nil {
				return err
			}
			fmt.Fprintf(out, "user %s updated: %s\n", u.Name, strings.Join(changed, " "))
		case "password":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user password NAME < password-file")
			}
			object = "password of user:" + rest[0]
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("user password: reading the password from stdin: %w", err)
			}
			h, err := auth.HashPassword(strings.TrimRight(line, "\r\n"), auth.DefaultArgon2)
			if err != nil {
				return err
			}
			if err := st.SetPassword(ctx, rest[0], h); err != nil {
				return err
			}
			fmt.Fprintf(out, "password of %s set\n", rest[0])
		case "totp":
			if len(rest) != 1 {
				return fmt.Errorf("usage: nexus user totp NAME")
			}
			object = "TOTP of user:" + rest[0]
			tp := auth.TOTP{Secret: auth.NewTOTPSecret()}
			if err := st.EnrollTOTP(ctx, rest[0], auth.EncodeSecret(tp.Secret)); err != nil {
				return err
			}
			fmt.Fprintf(out, "secret %s\nuri    %s\n", auth.EncodeSecret(tp.Secret), tp.URI("Nexus", rest[0]))
			fmt.Fprintf(e.stderr, "TOTP enrolled for %s (shown once; give it to the user over a trusted channel)\n", rest[0])
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
			sc, err := auth.ParseScopes(*scopes)
			if err != nil {
				return fmt.Errorf("--scopes: %w", err)
			}
			secret, t, err := st.CreateScopedToken(ctx, rest[0], *tokenName, exp, sc)
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
	switch sub {
	case "list", "agency list", "tokens":
		action = audit.ActionRead
	case "add", "set", "disable", "enable", "unlock", "password", "totp", "token", "revoke":
		action = audit.ActionPermission
	}
	if aerr := record(ctx, st, v, action, "user "+sub+" "+object, err); aerr != nil && err == nil {
		return aerr
	}
	return err
}

// checkRoles refuses a role Nexus does not know, so a typo grants nothing
// silently.
func checkRoles(roles []string) error {
	for _, r := range roles {
		if !slices.Contains(access.Roles, r) {
			return fmt.Errorf("unknown role %q (want %s)", r, strings.Join(access.Roles, ", "))
		}
	}
	return nil
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
