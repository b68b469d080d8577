package httpapi

import (
	"net/http"

	"github.com/nexus-intel/nexus/internal/audit"
	"github.com/nexus-intel/nexus/internal/auth"
)

// route is one endpoint. A route has either Public, served as is with no
// authentication (it must hold no record data), or API, served behind
// authentication (bearer token or session cookie) and the audit log with
// Action as the audited action. Scope is the token scope an API route
// requires (auth.Scopes); "" lets any authenticated caller in, for routes
// about the caller's own session.
type route struct {
	Method  string
	Pattern string
	Public  http.HandlerFunc
	Action  string
	Scope   string
	API     apiFunc
	// Upload marks a route whose body may be as large as Config.MaxUpload
	// (its handler bounds it); every other body is bounded by Config.MaxBody.
	Upload bool
}

// routes lists every endpoint of the server. openapi.json documents exactly
// these; TestOpenAPIMatchesRoutes keeps the two in step.
func (s *Server) routes() []route {
	return []route{
		{Method: "GET", Pattern: "/healthz", Public: s.healthz},
		{Method: "GET", Pattern: "/readyz", Public: s.readyz},
		{Method: "GET", Pattern: "/metrics", Public: s.metricsHandler().ServeHTTP},
		{Method: "GET", Pattern: "/api/openapi.json", Public: s.openAPI},

		// Sign-in: the banner, logon (audited by the handler itself, as
		// nobody is authenticated yet), the caller's session and tokens.
		{Method: "GET", Pattern: "/api/v1/login", Public: s.loginBanner},
		{Method: "POST", Pattern: "/api/v1/login", Public: s.login},
		// OIDC sign-in through an agency's identity provider (oidc.go).
		{Method: "GET", Pattern: "/api/v1/oidc/{provider}/login", Public: s.oidcLogin},
		{Method: "GET", Pattern: "/api/v1/oidc/{provider}/callback", Public: s.oidcCallback},
		{Method: "POST", Pattern: "/api/v1/logout", Action: audit.ActionLogout, API: s.logout},
		{Method: "GET", Pattern: "/api/v1/session", Action: audit.ActionRead, API: s.session},
		{Method: "GET", Pattern: "/api/v1/tokens", Action: audit.ActionRead, Scope: auth.ScopeAdmin, API: s.listTokens},
		{Method: "POST", Pattern: "/api/v1/tokens", Action: audit.ActionPermission, Scope: auth.ScopeAdmin, API: s.createToken},
		{Method: "DELETE", Pattern: "/api/v1/tokens/{id}", Action: audit.ActionPermission, Scope: auth.ScopeAdmin, API: s.revokeToken},
		// The audit log: auditors only.
		{Method: "GET", Pattern: "/api/v1/audit", Action: audit.ActionAuditRead, Scope: auth.ScopeAudit, API: s.listAudit},

		{Method: "GET", Pattern: "/api/v1/entities", Action: audit.ActionSearch, Scope: auth.ScopeSearch, API: s.listEntities},
		{Method: "GET", Pattern: "/api/v1/entities/{id}", Action: audit.ActionRead, Scope: auth.ScopeRead, API: s.getEntity},
		{Method: "GET", Pattern: "/api/v1/datasets", Action: audit.ActionRead, Scope: auth.ScopeRead, API: s.listDatasets},
		{Method: "POST", Pattern: "/api/v1/import", Action: audit.ActionImport, Scope: auth.ScopeImport, API: s.importUpload, Upload: true},

		{Method: "POST", Pattern: "/api/v1/screen", Action: audit.ActionSearch, Scope: auth.ScopeScreen, API: s.screenBatch},
		{Method: "POST", Pattern: "/api/v1/clearances", Action: audit.ActionWrite, Scope: auth.ScopeScreen, API: s.createClearance},
		{Method: "POST", Pattern: "/api/v1/monitors", Action: audit.ActionWrite, Scope: auth.ScopeScreen, API: s.createMonitor},
		{Method: "GET", Pattern: "/api/v1/monitors", Action: audit.ActionRead, Scope: auth.ScopeScreen, API: s.listMonitors},
		{Method: "GET", Pattern: "/api/v1/alerts", Action: audit.ActionRead, Scope: auth.ScopeScreen, API: s.listAlerts},
		{Method: "POST", Pattern: "/api/v1/alerts/{id}/status", Action: audit.ActionWrite, Scope: auth.ScopeScreen, API: s.setAlertStatus},

		// The 28 CFR Part 23 lifecycle (internal/intel).
		{Method: "POST", Pattern: "/api/v1/intel/submissions", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.submitIntel},
		{Method: "GET", Pattern: "/api/v1/intel/records/{id}", Action: audit.ActionRead, Scope: auth.ScopeRead, API: s.getIntelRecord},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/approve", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.approveIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/privacy-approve", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.privacyApproveIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/revalidate", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.revalidateIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/correct", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.correctIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/disseminations", Action: audit.ActionExport, Scope: auth.ScopeIntel, API: s.disseminateIntel},
		{Method: "GET", Pattern: "/api/v1/intel/records/{id}/disseminations", Action: audit.ActionRead, Scope: auth.ScopeIntel, API: s.listDisseminations},
		{Method: "GET", Pattern: "/api/v1/intel/search", Action: audit.ActionSearch, Scope: auth.ScopeSearch, API: s.searchIntel},
		{Method: "GET", Pattern: "/api/v1/intel/notices", Action: audit.ActionRead, Scope: auth.ScopeIntel, API: s.listNotices},
		{Method: "POST", Pattern: "/api/v1/intel/purges", Action: audit.ActionDelete, Scope: auth.ScopeIntel, API: s.requestPurge},
		{Method: "POST", Pattern: "/api/v1/intel/purges/{id}/approve", Action: audit.ActionDelete, Scope: auth.ScopeIntel, API: s.approvePurge},
		{Method: "POST", Pattern: "/api/v1/entities/{id}/marking", Action: audit.ActionAdmin, Scope: auth.ScopeIntel, API: s.changeMarking},
		{Method: "GET", Pattern: "/api/v1/privacy/report", Action: audit.ActionRead, Scope: auth.ScopeAudit, API: s.privacyReport},
		{Method: "POST", Pattern: "/api/v1/redress", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.fileRedress},
		{Method: "GET", Pattern: "/api/v1/redress", Action: audit.ActionRead, Scope: auth.ScopeIntel, API: s.listRedress},
		{Method: "POST", Pattern: "/api/v1/redress/{id}/answer", Action: audit.ActionWrite, Scope: auth.ScopeIntel, API: s.answerRedress},

		{Method: "GET", Pattern: "/api/v1/graph/neighbours/{id}", Action: audit.ActionRead, Scope: auth.ScopeRead, API: s.graphNeighbours},
		{Method: "GET", Pattern: "/api/v1/graph/paths", Action: audit.ActionSearch, Scope: auth.ScopeSearch, API: s.graphPaths},
		{Method: "GET", Pattern: "/api/v1/graph/nexus", Action: audit.ActionSearch, Scope: auth.ScopeSearch, API: s.graphNexus},
		{Method: "GET", Pattern: "/api/v1/graph/centrality", Action: audit.ActionRead, Scope: auth.ScopeSearch, API: s.graphCentrality},
		{Method: "GET", Pattern: "/api/v1/graph/communities", Action: audit.ActionRead, Scope: auth.ScopeSearch, API: s.graphCommunities},
		{Method: "POST", Pattern: "/api/v1/graph/disrupt", Action: audit.ActionRead, Scope: auth.ScopeSearch, API: s.graphDisrupt},
		{Method: "GET", Pattern: "/api/v1/graph/export", Action: audit.ActionExport, Scope: auth.ScopeSearch, API: s.graphExport},

		// Financial intelligence (internal/finint): the live transaction feed and SAR/CTR drafts.
		{Method: "POST", Pattern: "/api/v1/alerts/{id}/report", Action: audit.ActionExport, Scope: auth.ScopeScreen, API: s.alertReport},
		{Method: "POST", Pattern: "/api/v1/transactions", Action: audit.ActionImport, Scope: auth.ScopeImport, API: s.postTransactions, Upload: true},
		// yente's matching API, outside /api/v1 so its clients work as they
		// are; authenticated and audited like every API route.
		{Method: "POST", Pattern: "/match/{dataset}", Action: audit.ActionSearch, Scope: auth.ScopeScreen, API: s.matchYente},
	}
}
