package store

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
	"github.com/nexus-intel/nexus/internal/ftm"
)

// importBatch is how many statements go into one INSERT of rows of
// parameters (SQLite). 13 columns times 400 rows stays far below the
// parameter limit while making the round trips few.
const importBatch = 400

// importArrayBatch is how many statements go into one INSERT of arrays
// (PostgreSQL), whose parameters are 13 whatever the count.
const importArrayBatch = 5000

const statementColumns = "id, entity_id, canonical_id, schema, prop, value, dataset, origin, target, marking_id, pos, first_seen, last_seen"

// importConflict is how an import upserts: the statement keeps its
// first_seen and canonical id (a merge is not undone by a re-import) and
// takes everything else from the new row.
const importConflict = ` ON CONFLICT (id) DO UPDATE SET schema = excluded.schema, origin = excluded.origin,
	target = excluded.target, marking_id = excluded.marking_id, pos = excluded.pos, last_seen = excluded.last_seen`

// upsertStatements is the INSERT for n statements as rows of parameters.
func upsertStatements(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO statements (" + statementColumns + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(importConflict)
	return b.String()
}

// upsertStatementArrays is the INSERT for any number of statements given as
// one array per column, for PostgreSQL: parsing, planning
// and binding a statement of thousands of parameters cost PostgreSQL more
// than inserting the rows.
const upsertStatementArrays = "INSERT INTO statements (" + statementColumns + `)
	SELECT id, entity_id, canonical_id, schema, prop, value, ?::text, origin, target, ?::bigint, pos, ?::text, ?::text
	FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::bigint[])
		AS r (id, entity_id, canonical_id, schema, prop, value, origin, target, pos)` + importConflict

// statementRows is a batch of statements to upsert, column by column. The
// dataset, marking and times are the import's.
type statementRows struct {
	id, entityID, canonicalID, schema, prop, value, origin []string
	target                                                 []bool
	pos                                                    []int64
}

func (r *statementRows) add(st ftm.Statement, pos int) {
	r.id = append(r.id, st.ID)
	r.entityID = append(r.entityID, st.EntityID)
	r.canonicalID = append(r.canonicalID, st.CanonicalID)
	r.schema = append(r.schema, st.Schema)
	r.prop = append(r.prop, st.Prop)
	r.value = append(r.value, st.Value)
	r.origin = append(r.origin, st.Origin)
	r.target = append(r.target, st.Target)
	r.pos = append(r.pos, int64(pos))
}

func (r *statementRows) len() int { return len(r.id) }

func (r *statementRows) reset() {
	r.id, r.entityID, r.canonicalID = r.id[:0], r.entityID[:0], r.canonicalID[:0]
	r.schema, r.prop, r.value, r.origin = r.schema[:0], r.prop[:0], r.value[:0], r.origin[:0]
	r.target, r.pos = r.target[:0], r.pos[:0]
}

// stmtKey is a statement id in 20 bytes (ids are hex SHA-1), so the old
// statements of a large dataset fit in modest memory.
type stmtKey [20]byte

// importEntity is what Import knows about one entity id.
type importEntity struct {
	id          string
	schema      string // before the import
	target      bool   // before the import
	old         int32  // statements before the import
	kept        int32  // of those, emitted again
	added       int32  // emitted statements that are new
	inOld       bool
	emitted     bool
	metaChanged bool // schema or target flag differs
}

type oldStatement struct {
	entity int32
	seen   bool
	meta   uint64 // metaHash of the stored row
}

// metaHash sums what an upsert would change in a statement besides
// last_seen, so an import rewrites only the rows that differ.
func metaHash(schema, origin string, target bool, pos, marking int64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%t\x00%d\x00%d", schema, origin, target, pos, marking)
	return h.Sum64()
}

// importer is the state of one Import.
type importer struct {
	ctx       context.Context
	t         txn
	dataset   string
	marking   int64
	now       string
	progress  func(int)
	entities  []importEntity
	entityIdx map[string]int32
	old       map[stmtKey]oldStatement
	fresh     map[stmtKey]struct{}
	oddIDs    map[stmtKey]string // ids that are not hex SHA-1, by key
	rows      statementRows
	batchSize int
	args      []any
	full      *sql.Stmt
	emitted   int
	written   int
	err       error
}

func (im *importer) key(id string) stmtKey {
	var k stmtKey
	if len(id) == 2*len(k) {
		if _, err := hex.Decode(k[:], []byte(id)); err == nil {
			return k
		}
	}
	k = sha1.Sum([]byte("store:" + id))
	im.oddIDs[k] = id
	return k
}

func (im *importer) idOf(k stmtKey) string {
	if id, ok := im.oddIDs[k]; ok {
		return id
	}
	return hex.EncodeToString(k[:])
}

func (im *importer) entity(id string) *importEntity {
	i, ok := im.entityIdx[id]
	if !ok {
		i = int32(len(im.entities))
		im.entities = append(im.entities, importEntity{id: id})
		im.entityIdx[id] = i
	}
	return &im.entities[i]
}

// loadOld reads the dataset's current statements: only what deciding
// changes needs, never the values.
func (im *importer) loadOld() error {
	rows, err := im.t.query(im.ctx, "SELECT id, entity_id, schema, target, origin, pos, marking_id FROM statements WHERE dataset = ?", im.dataset)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, entityID, schema, origin sql.RawBytes
	var target bool
	var pos, marking int64
	for rows.Next() {
		if err := rows.Scan(&id, &entityID, &schema, &target, &origin, &pos, &marking); err != nil {
			return err
		}
		e := im.entity(string(entityID))
		if !e.inOld {
			e.inOld, e.schema, e.target = true, string(schema), target
		}
		e.old++
		im.old[im.key(string(id))] = oldStatement{entity: im.entityIdx[e.id],
			meta: metaHash(string(schema), string(origin), target, pos, marking)}
	}
	return rows.Err()
}

func (im *importer) emit(e *ftm.Entity, origin string) error {
	if im.err != nil {
		return im.err
	}
	if im.emitted%256 == 0 {
		if err := im.ctx.Err(); err != nil {
			im.err = err
			return err
		}
	}
	if e == nil || strings.TrimSpace(e.ID) == "" || e.Schema == "" {
		im.err = nexus.Errorf(nexus.EINVALID, "entity without id or schema (origin %q)", origin)
		return im.err
	}
	im.emitted++
	ent := im.entity(e.ID)
	if ent.inOld && !ent.emitted && (ent.schema != e.Schema || ent.target != e.Target) {
		ent.metaChanged = true
	}
	ent.emitted = true
	for pos, st := range e.Statements(im.dataset, origin) {
		k := im.key(st.ID)
		if o, ok := im.old[k]; ok {
			if o.seen {
				continue
			}
			o.seen = true
			im.old[k] = o
			ent = &im.entities[o.entity]
			ent.kept++
			im.written++
			if o.meta == metaHash(st.Schema, st.Origin, st.Target, int64(pos), im.marking) {
				// Only last_seen differs; Import sets it for the whole
				// dataset in one statement.
				continue
			}
		} else {
			if _, dup := im.fresh[k]; dup {
				continue
			}
			im.fresh[k] = struct{}{}
			ent = &im.entities[im.entityIdx[e.ID]]
			ent.added++
			im.written++
		}
		im.rows.add(st, pos)
		if im.rows.len() == im.batchSize {
			if err := im.flush(); err != nil {
				return err
			}
		}
	}
	if im.progress != nil && im.emitted%1000 == 0 {
		im.progress(im.emitted)
	}
	return nil
}

func (im *importer) flush() error {
	if im.rows.len() == 0 {
		return nil
	}
	var err error
	if im.t.d.arrays {
		err = im.upsertArrays()
	} else {
		err = im.upsertRows()
	}
	im.rows.reset()
	if err != nil {
		im.err = dbError(err, "statement")
	}
	return im.err
}

// upsertArrays writes the batch with one upsertStatementArrays.
func (im *importer) upsertArrays() error {
	r := &im.rows
	_, err := im.t.exec(im.ctx, upsertStatementArrays, im.dataset, im.marking, im.now, im.now,
		r.id, r.entityID, r.canonicalID, r.schema, r.prop, r.value, r.origin, r.target, r.pos)
	return err
}

// upsertRows writes the batch with upsertStatements, prepared once for
// full batches.
func (im *importer) upsertRows() error {
	r := &im.rows
	n := r.len()
	im.args = im.args[:0]
	for i := range n {
		im.args = append(im.args, r.id[i], r.entityID[i], r.canonicalID[i], r.schema[i], r.prop[i], r.value[i],
			im.dataset, r.origin[i], r.target[i], im.marking, r.pos[i], im.now, im.now)
	}
	if n < importBatch {
		_, err := im.t.exec(im.ctx, upsertStatements(n), im.args...)
		return err
	}
	if im.full == nil {
		var err error
		if im.full, err = im.t.prepare(im.ctx, upsertStatements(importBatch)); err != nil {
			return err
		}
	}
	_, err := im.full.ExecContext(im.ctx, im.args...)
	return err
}

// deleteGone deletes the old statements that were not emitted again.
func (im *importer) deleteGone() error {
	var ids []any
	del := func() error {
		if len(ids) == 0 {
			return nil
		}
		q := "DELETE FROM statements WHERE id IN (?" + strings.Repeat(",?", len(ids)-1) + ")"
		_, err := im.t.exec(im.ctx, q, ids...)
		ids = ids[:0]
		return err
	}
	for k, o := range im.old {
		if o.seen {
			continue
		}
		ids = append(ids, im.idOf(k))
		if len(ids) == 500 {
			if err := del(); err != nil {
				return err
			}
		}
	}
	return del()
}

// Import replaces the dataset's content with what src emits, as one
// transaction: statements that are new are inserted, those still present
// keep their first_seen and get a new last_seen, those gone are deleted.
// Every statement gets the dataset's default marking, or opts.Marking. The
// dataset must exist (ENOTFOUND). If src fails or ctx ends, nothing changes.
func (s *Store) Import(ctx context.Context, dataset string, src Source, opts ImportOptions) (Delta, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	delta := Delta{Dataset: dataset, Time: now, Added: []string{}, Changed: []string{}, Removed: []string{}}
	err := s.write(ctx, func(t txn) error {
		// Bumping the version first takes the dataset's row lock on
		// PostgreSQL, so two imports of one dataset run one after the other.
		var markingJSON string
		err := t.queryRow(ctx, "UPDATE datasets SET version = version + 1, updated_at = ? WHERE name = ? RETURNING version, default_marking",
			formatTime(now), dataset).Scan(&delta.Version, &markingJSON)
		if err != nil {
			return dbError(err, "dataset "+dataset)
		}
		var m access.Marking
		if opts.Marking != nil {
			m = *opts.Marking
		} else if err := json.Unmarshal([]byte(markingJSON), &m); err != nil {
			return fmt.Errorf("default marking: %w", err)
		}
		if err := s.refreshMarkings(ctx, t); err != nil {
			return err
		}
		im := &importer{
			ctx: ctx, t: t, dataset: dataset, now: formatTime(now), progress: opts.Progress,
			entityIdx: map[string]int32{}, old: map[stmtKey]oldStatement{},
			fresh: map[stmtKey]struct{}{}, oddIDs: map[stmtKey]string{},
			batchSize: importBatch,
		}
		if t.d.arrays {
			im.batchSize = importArrayBatch
		}
		if im.marking, err = s.ensureMarking(ctx, t, m); err != nil {
			return err
		}
		if err := im.loadOld(); err != nil {
			return fmt.Errorf("read current statements: %w", err)
		}
		srcErr := src(ctx, im.emit)
		if im.full != nil {
			defer im.full.Close()
		}
		switch {
		case srcErr != nil:
			return srcErr
		case im.err != nil:
			return im.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := im.flush(); err != nil {
			return err
		}
		if err := im.deleteGone(); err != nil {
			return fmt.Errorf("delete gone statements: %w", err)
		}
		if _, err := t.exec(ctx, "UPDATE statements SET last_seen = ? WHERE dataset = ? AND last_seen <> ?", im.now, dataset, im.now); err != nil {
			return fmt.Errorf("mark statements seen: %w", err)
		}
		for _, e := range im.entities {
			switch {
			case e.emitted && !e.inOld:
				delta.Added = append(delta.Added, e.id)
			case !e.emitted:
				delta.Removed = append(delta.Removed, e.id)
			case e.added > 0 || e.kept < e.old || e.metaChanged:
				delta.Changed = append(delta.Changed, e.id)
			default:
				delta.Unchanged++
			}
			if e.emitted {
				delta.Entities++
			}
		}
		delta.Statements = im.written
		if opts.Progress != nil {
			opts.Progress(im.emitted)
		}
		_, err = t.exec(ctx, `INSERT INTO dataset_versions (dataset, version, time, added, changed, removed, unchanged, entities, statements, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, dataset, delta.Version, formatTime(now), len(delta.Added), len(delta.Changed),
			len(delta.Removed), delta.Unchanged, delta.Entities, delta.Statements, opts.Note)
		return err
	})
	if err != nil {
		var ne *nexus.Error
		if errors.As(err, &ne) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Delta{}, fmt.Errorf("import %s: %w", dataset, err)
		}
		return Delta{}, fmt.Errorf("import %s: %w", dataset, dbError(err, "statement"))
	}
	slices.Sort(delta.Added)
	slices.Sort(delta.Changed)
	slices.Sort(delta.Removed)
	return delta, nil
}
