package auth

import (
	"slices"
	"strings"

	"github.com/nexus-intel/nexus"
)

// API-token scopes. A route requires one; a token grants a set. A scope
// never widens what records its user may see: it narrows what a token may
// do on the user's behalf.
const (
	ScopeRead   = "read"   // fetch entities, datasets
	ScopeSearch = "search" // list and search entities
	ScopeScreen = "screen" // screening, /match, clearances, monitors, alerts
	ScopeImport = "import" // load datasets
	ScopeAdmin  = "admin"  // manage users and tokens
	ScopeAudit  = "audit"  // read the audit log
	ScopeIntel  = "intel"  // criminal-intelligence submissions, reviews, disseminations, purges, marking changes, redress
)

// Scopes lists every scope.
var Scopes = []string{ScopeRead, ScopeSearch, ScopeScreen, ScopeImport, ScopeAdmin, ScopeAudit, ScopeIntel}

// ParseScopes reads a comma-separated scope list; "all" or "*" means every
// scope. An unknown scope is an error naming it.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		switch {
		case p == "":
			continue
		case p == "all" || p == "*":
			return slices.Clone(Scopes), nil
		case !slices.Contains(Scopes, p):
			return nil, nexus.Errorf(nexus.EINVALID, "scope %q: want one of %s", p, strings.Join(Scopes, ", "))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, nexus.Errorf(nexus.EINVALID, "scopes: none given (want some of %s)", strings.Join(Scopes, ", "))
	}
	slices.Sort(out)
	return out, nil
}
