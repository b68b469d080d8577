// Package ingest reads designation lists and agency files into FtM entities,
// one record at a time: the OFAC SDN CSV set, the UN Security Council
// consolidated XML, FollowTheMoney JSON lines and generic watchlist CSV files.
//
// Readers stream: each entity goes to the caller's Emit as soon as its source
// record is read, together with the origin of that record, so the caller can
// turn it into statements with provenance. Rows that fail validation are
// reported as a Problem and skipped (or abort the read in strict mode); a
// corrupt or truncated file is an error, and the caller discards what it got.
package ingest
