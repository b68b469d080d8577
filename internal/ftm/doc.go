// Package ftm is Nexus's FollowTheMoney data model: the schemata and their
// typed properties, entities and the statements they fold from, validation of
// property values, country and date normalisation for importers, and the FtM
// JSON line format that OpenSanctions and Aleph exchange.
//
// The package is pure: it does no I/O and holds no mutable global state, so
// every other package may use it freely. The schema table is written in Go and
// checked in tests against FtM's own YAML definitions.
package ftm
