package access

// Roles a user may hold. A role grants functions (approve, audit, purge,
// administer); it never widens what records a viewer may see — that is
// decided by markings alone (CanSee).
const (
	RoleAnalyst          = "analyst"
	RoleSupervisor       = "supervisor"
	RoleScreeningOfficer = "screening_officer"
	RolePrivacyOfficer   = "privacy_officer"
	RoleAuditor          = "auditor"
	RoleAdministrator    = "administrator"
	// RoleImporter may load datasets (lists and agency files).
	RoleImporter = "importer"
)

// Roles lists every role, in the order documentation shows them.
var Roles = []string{RoleAnalyst, RoleSupervisor, RoleScreeningOfficer, RolePrivacyOfficer, RoleAuditor, RoleAdministrator, RoleImporter}
