package httpapi

import (
	"net/http"

	"github.com/nexus-intel/nexus/internal/audit"
)

// route is one endpoint. A route has either Public, served as is with no
// authentication (it must hold no record data), or API, served behind
// bearer authentication and the audit log with Action as the audited action.
type route struct {
	Method  string
	Pattern string
	Public  http.HandlerFunc
	Action  string
	API     apiFunc
}

// routes lists every endpoint of the server. openapi.json documents exactly
// these; TestOpenAPIMatchesRoutes keeps the two in step.
func (s *Server) routes() []route {
	return []route{
		{Method: "GET", Pattern: "/healthz", Public: s.healthz},
		{Method: "GET", Pattern: "/readyz", Public: s.readyz},
		{Method: "GET", Pattern: "/metrics", Public: s.metricsHandler().ServeHTTP},
		{Method: "GET", Pattern: "/api/openapi.json", Public: s.openAPI},

		{Method: "GET", Pattern: "/api/v1/entities", Action: audit.ActionSearch, API: s.listEntities},
		{Method: "GET", Pattern: "/api/v1/entities/{id}", Action: audit.ActionRead, API: s.getEntity},
		{Method: "GET", Pattern: "/api/v1/datasets", Action: audit.ActionRead, API: s.listDatasets},
		{Method: "POST", Pattern: "/api/v1/import", Action: audit.ActionImport, API: s.importUpload},

		{Method: "POST", Pattern: "/api/v1/screen", Action: audit.ActionSearch, API: s.screenBatch},
		{Method: "POST", Pattern: "/api/v1/clearances", Action: audit.ActionWrite, API: s.createClearance},
		{Method: "POST", Pattern: "/api/v1/monitors", Action: audit.ActionWrite, API: s.createMonitor},
		{Method: "GET", Pattern: "/api/v1/monitors", Action: audit.ActionRead, API: s.listMonitors},
		{Method: "GET", Pattern: "/api/v1/alerts", Action: audit.ActionRead, API: s.listAlerts},
		{Method: "POST", Pattern: "/api/v1/alerts/{id}/status", Action: audit.ActionWrite, API: s.setAlertStatus},

		// The 28 CFR Part 23 lifecycle (internal/intel).
		{Method: "POST", Pattern: "/api/v1/intel/submissions", Action: audit.ActionWrite, API: s.submitIntel},
		{Method: "GET", Pattern: "/api/v1/intel/records/{id}", Action: audit.ActionRead, API: s.getIntelRecord},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/approve", Action: audit.ActionWrite, API: s.approveIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/privacy-approve", Action: audit.ActionWrite, API: s.privacyApproveIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/revalidate", Action: audit.ActionWrite, API: s.revalidateIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/correct", Action: audit.ActionWrite, API: s.correctIntel},
		{Method: "POST", Pattern: "/api/v1/intel/records/{id}/disseminations", Action: audit.ActionExport, API: s.disseminateIntel},
		{Method: "GET", Pattern: "/api/v1/intel/records/{id}/disseminations", Action: audit.ActionRead, API: s.listDisseminations},
		{Method: "GET", Pattern: "/api/v1/intel/search", Action: audit.ActionSearch, API: s.searchIntel},
		{Method: "GET", Pattern: "/api/v1/intel/notices", Action: audit.ActionRead, API: s.listNotices},
		{Method: "POST", Pattern: "/api/v1/intel/purges", Action: audit.ActionDelete, API: s.requestPurge},
		{Method: "POST", Pattern: "/api/v1/intel/purges/{id}/approve", Action: audit.ActionDelete, API: s.approvePurge},
		{Method: "POST", Pattern: "/api/v1/entities/{id}/marking", Action: audit.ActionAdmin, API: s.changeMarking},
		{Method: "GET", Pattern: "/api/v1/privacy/report", Action: audit.ActionRead, API: s.privacyReport},
		{Method: "POST", Pattern: "/api/v1/redress", Action: audit.ActionWrite, API: s.fileRedress},
		{Method: "GET", Pattern: "/api/v1/redress", Action: audit.ActionRead, API: s.listRedress},
		{Method: "POST", Pattern: "/api/v1/redress/{id}/answer", Action: audit.ActionWrite, API: s.answerRedress},

		{Method: "GET", Pattern: "/api/v1/graph/neighbours/{id}", Action: audit.ActionRead, API: s.graphNeighbours},
		{Method: "GET", Pattern: "/api/v1/graph/paths", Action: audit.ActionSearch, API: s.graphPaths},
		{Method: "GET", Pattern: "/api/v1/graph/nexus", Action: audit.ActionSearch, API: s.graphNexus},
		{Method: "GET", Pattern: "/api/v1/graph/centrality", Action: audit.ActionRead, API: s.graphCentrality},
		{Method: "GET", Pattern: "/api/v1/graph/communities", Action: audit.ActionRead, API: s.graphCommunities},
		{Method: "POST", Pattern: "/api/v1/graph/disrupt", Action: audit.ActionRead, API: s.graphDisrupt},
		{Method: "GET", Pattern: "/api/v1/graph/export", Action: audit.ActionExport, API: s.graphExport},
		{Method: "POST", Pattern: "/api/v1/alerts/{id}/report", Action: audit.ActionExport, API: s.alertReport},
		{Method: "POST", Pattern: "/api/v1/transactions", Action: audit.ActionImport, API: s.postTransactions},
		// yente's matching API, outside /api/v1 so its clients work as they
		// are; authenticated and audited like every API route.
		{Method: "POST", Pattern: "/match/{dataset}", Action: audit.ActionSearch, API: s.matchYente},
	}
}
