package screen

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/nexus-intel/nexus/internal/ftm"
)

// Options tune an Index. The zero value is ready to use.
type Options struct {
	// Candidates is how many entities a query scores in full after
	// candidate generation; 0 means 10. More costs time, fewer risks
	// missing a badly misspelt name.
	Candidates int
}

// MatchOptions tune one query.
type MatchOptions struct {
	// Threshold is the lowest score reported; 0 means DefaultThreshold
	// (for AlgorithmOFAC, 0.8 as the site is commonly used). Use a
	// negative value to report every scored candidate.
	Threshold float64
	// Limit caps the number of results; 0 means 10.
	Limit int
	// Algorithm picks the scorer; empty means AlgorithmDefault.
	Algorithm Algorithm
	// Allow, when set, is asked about each candidate before it is scored
	// and ranked; entities it refuses are never returned and never take a
	// place from another. The caller decides access.
	Allow func(entityID string) bool
}

// Index is an in-memory screening index of listed parties. It is safe for
// many concurrent Match calls together with occasional Add and Remove.
type Index struct {
	candidates int
	scratch    sync.Pool // *scratch, per-query candidate scores

	mu     sync.RWMutex
	nterms uint32    // terms made so far; ids run from 1
	docs   []*record // by document number; nil once removed
	byID   map[string]uint32
	live   int
	terms  map[termKey]*term
	// Posting lists, each the sorted documents with a key: post by term
	// id, skelPost by skeleton id (see skelIDs), groupPost by variant
	// group. Slices indexed by number keep the lists out of maps, which
	// at a million entities cost more than the lists themselves.
	post      [][]uint32
	skelPost  [][]uint32
	groupPost [][]uint32
	skelIDs   map[string]uint32
	// dels maps each spelling with one letter deleted to the terms it
	// comes from, to find misspelt query parts (a symmetric-delete search).
	dels map[string][]*term
}

// scratch is a query's reusable working memory: a dense score array
// (touched lists the entries to reset), the candidate heap and the
// similarity table.
type scratch struct {
	acc     []float32
	touched []uint32
	heap    []cand
	seen    []*term
	inter   []uint32 // documents with both halves of a split query part
	long    []posting
	sims    simTable
}

// posting is a posting list and the weight its documents gain.
type posting struct {
	list []uint32
	w    float32
}

// A posting list longer than minLongPosting and than one in
// longPostingShare of the documents is long: see candidateDocs.
const (
	minLongPosting   = 256
	longPostingShare = 64
)

type termKey struct {
	text  string
	abjad bool
}

// NewIndex builds an index of the listed parties among entities (people,
// organisations, companies, legal entities, public bodies, vessels and
// aircraft that have a name); other entities are skipped.
func NewIndex(entities []*ftm.Entity, opts Options) *Index {
	// Distinct terms grow much slower than entities; the sizes are a
	// guess that saves rehashing while a list is loaded.
	vocab := min(len(entities), 100_000)
	ix := &Index{
		candidates: opts.Candidates,
		byID:       make(map[string]uint32, len(entities)),
		terms:      make(map[termKey]*term, vocab),
		post:       make([][]uint32, 1, vocab+1),
		skelPost:   make([][]uint32, 1, vocab+1),
		groupPost:  make([][]uint32, len(nameVariants)),
		skelIDs:    make(map[string]uint32, vocab),
		dels:       make(map[string][]*term, vocab*6),
		docs:       make([]*record, 0, len(entities)),
	}
	if ix.candidates <= 0 {
		ix.candidates = 10
	}
	ix.scratch.New = func() any { return &scratch{} }
	for _, e := range entities {
		ix.add(e)
	}
	return ix
}

// Len returns the number of entities in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.live
}

// Add indexes e, replacing any entity with the same id. Entities that are
// not listed parties, or have no name, are ignored.
func (ix *Index) Add(e *ftm.Entity) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.add(e)
}

// Remove drops the entity with the given id and reports whether it was
// there.
func (ix *Index) Remove(id string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.remove(id)
}

func indexable(e *ftm.Entity) bool {
	if e == nil || e.ID == "" {
		return false
	}
	return ftm.IsTargetSchema(e.Schema) || e.Schema == "Thing"
}

// term returns the shared term for text, creating it.
func (ix *Index) term(text string, abjad bool) *term {
	k := termKey{text, abjad}
	if t, ok := ix.terms[k]; ok {
		return t
	}
	t := newTerm(text, abjad)
	ix.nterms++
	t.id = ix.nterms
	ix.terms[k] = t
	ix.post = append(ix.post, nil)
	t.skelID = ix.skelID(t.skel)
	t.skelAltID = t.skelID
	if t.skelAlt != t.skel {
		t.skelAltID = ix.skelID(t.skelAlt)
	}
	if !abjad && len(text) > 3 && len(text) <= 24 && !t.numeric {
		// All deletions in one string, sliced: one allocation a term.
		n := len(text) - 1
		buf := make([]byte, 0, len(text)*n)
		for i := range len(text) {
			buf = append(buf, text[:i]...)
			buf = append(buf, text[i+1:]...)
		}
		all := string(buf)
		for i := range len(text) {
			d := all[i*n : (i+1)*n]
			ix.dels[d] = append(ix.dels[d], t)
		}
	}
	return t
}

// skelID numbers a skeleton worth indexing (two consonants or more),
// creating the number; 0 means none.
func (ix *Index) skelID(skel string) uint32 {
	if len(skel) < 2 {
		return 0
	}
	if id, ok := ix.skelIDs[skel]; ok {
		return id
	}
	id := uint32(len(ix.skelPost))
	ix.skelIDs[skel] = id
	ix.skelPost = append(ix.skelPost, nil)
	return id
}

// lookupTerm finds an existing term without creating one, for queries
// running under the read lock.
func (ix *Index) lookupTerm(text string, abjad bool) *term {
	if t, ok := ix.terms[termKey{text, abjad}]; ok {
		return t
	}
	return newTerm(text, abjad)
}

func (ix *Index) add(e *ftm.Entity) {
	if !indexable(e) {
		return
	}
	ix.remove(e.ID)
	r := prepareEntity(e, ix.term)
	if len(r.names) == 0 {
		return
	}
	doc := uint32(len(ix.docs))
	ix.docs = append(ix.docs, r)
	ix.byID[e.ID] = doc
	ix.live++
	ix.eachKey(r, func(list *[]uint32) { *list = appendDoc(*list, doc) })
}

// appendDoc adds doc to a posting list once; documents arrive in
// increasing order, so a repeat is always the last element.
func appendDoc(list []uint32, doc uint32) []uint32 {
	if n := len(list); n > 0 && list[n-1] == doc {
		return list
	}
	return append(list, doc)
}

func (ix *Index) remove(id string) bool {
	doc, ok := ix.byID[id]
	if !ok {
		return false
	}
	r := ix.docs[doc]
	ix.eachKey(r, func(list *[]uint32) { *list = dropDoc(*list, doc) })
	ix.docs[doc] = nil
	delete(ix.byID, id)
	ix.live--
	return true
}

func dropDoc(list []uint32, doc uint32) []uint32 {
	if i, ok := slices.BinarySearch(list, doc); ok {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// eachKey calls fn with the posting list of every index key of a record:
// each part's term, skeletons and variant groups. Parts written together
// in one name and apart in the other are found at query time (see
// splitDocs), so no key is kept for adjacent pairs.
func (ix *Index) eachKey(r *record, fn func(list *[]uint32)) {
	for _, n := range r.names {
		for _, p := range n.parts {
			if p.kind == kindLegal || p.kind == kindStop {
				continue
			}
			t := p.t
			fn(&ix.post[t.id])
			if t.skelID != 0 {
				fn(&ix.skelPost[t.skelID])
			}
			if t.skelAltID != t.skelID && t.skelAltID != 0 {
				fn(&ix.skelPost[t.skelAltID])
			}
			if t.group >= 0 {
				fn(&ix.groupPost[t.group])
			}
			if t.group2 >= 0 {
				fn(&ix.groupPost[t.group2])
			}
		}
	}
}

// maxPosting skips keys so common that they separate nothing; rarer parts
// of the same query find the candidates.
const maxPosting = 40000

// Match screens q against the index and returns the matches at or above
// the threshold, best first (ties: a party whose country agrees first, then
// by id). Candidates are generated from name parts, their variant groups,
// consonant skeletons and, for misspelt parts, similar spellings, weighted
// by rarity; only the best few dozen are scored in full.
func (ix *Index) Match(q Query, opts MatchOptions) []Match {
	if opts.Limit <= 0 {
		opts.Limit = 10
	}
	if opts.Algorithm == "" {
		opts.Algorithm = AlgorithmDefault
	}
	if opts.Threshold == 0 {
		opts.Threshold = DefaultThreshold
		if opts.Algorithm == AlgorithmOFAC {
			opts.Threshold = 0.8
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qr := prepareQuery(q, ix.lookupTerm)
	if len(qr.names) == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	cands := ix.candidateDocs(qr, opts.Allow, sc)
	var out []Match
	if opts.Algorithm == AlgorithmOFAC {
		for _, d := range cands {
			if m := ofacMatch(qr, ix.docs[d]); m.Score >= opts.Threshold {
				out = append(out, m)
			}
		}
		slices.SortFunc(out, func(a, b Match) int {
			if a.Score != b.Score {
				if a.Score > b.Score {
					return -1
				}
				return 1
			}
			return compareStrings(a.EntityID, b.EntityID)
		})
		if len(out) > opts.Limit {
			out = out[:opts.Limit]
		}
		return out
	}
	st := &sc.sims
	st.reset(qr, int(ix.nterms))
	var hits []scored
	for _, d := range cands {
		if s := score(qr, ix.docs[d], st, opts.Threshold); s.score >= opts.Threshold && s.score > 0 {
			hits = append(hits, s)
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.country != b.country:
			return b.country - a.country
		}
		return compareStrings(a.rec.id, b.rec.id)
	})
	if len(hits) > opts.Limit {
		hits = hits[:opts.Limit]
	}
	out = make([]Match, 0, len(hits))
	for _, h := range hits {
		out = append(out, explain(h, st))
	}
	return out
}

// MatchBatch screens each query as Match does, on all available cores,
// and returns the results in query order. It returns when every query is
// done.
func (ix *Index) MatchBatch(qs []Query, opts MatchOptions) [][]Match {
	out := make([][]Match, len(qs))
	workers := min(runtime.GOMAXPROCS(0), (len(qs)+batchChunk-1)/batchChunk)
	if workers <= 1 {
		for i, q := range qs {
			out[i] = ix.Match(q, opts)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				end := int(next.Add(batchChunk))
				start := end - batchChunk
				if start >= len(qs) {
					return
				}
				for i := start; i < min(end, len(qs)); i++ {
					out[i] = ix.Match(qs[i], opts)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// batchChunk is how many queries a MatchBatch worker takes at a time.
const batchChunk = 16

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cand is a document and its candidate weight.
type cand struct {
	doc uint32
	w   float32
}

// better orders candidates by weight, then by document number, so the
// choice is deterministic.
func (a cand) better(b cand) bool {
	return a.w > b.w || a.w == b.w && a.doc < b.doc
}

// candidateDocs returns the documents most worth scoring for q, best
// first. The returned slice lives in sc.
func (ix *Index) candidateDocs(q *record, allow func(string) bool, sc *scratch) []uint32 {
	if len(sc.acc) < len(ix.docs) {
		sc.acc = make([]float32, len(ix.docs)+len(ix.docs)/4)
	}
	acc, touched := sc.acc, sc.touched[:0]
	n := float64(ix.live + 1)
	long := sc.long[:0]
	longAt := max(minLongPosting, ix.live/longPostingShare)
	add := func(list []uint32, w float64) {
		if len(list) == 0 || len(list) > maxPosting {
			return
		}
		w32 := float32(w * math.Log(1+n/float64(len(list))))
		if len(list) > longAt {
			long = append(long, posting{list, w32})
			return
		}
		for _, d := range list {
			if acc[d] == 0 {
				touched = append(touched, d)
			}
			acc[d] += w32
		}
	}
	seen := sc.seen[:0]
	for _, qn := range q.names {
		for i, p := range qn.parts {
			t := p.t
			if p.kind == kindLegal || p.kind == kindStop || slices.Contains(seen, t) {
				continue
			}
			seen = append(seen, t)
			kw := kindWeight(p.kind)
			indexed := t.id != 0
			exact := indexed && len(ix.post[t.id]) > 0
			if exact {
				add(ix.post[t.id], kw)
			}
			if t.group >= 0 {
				add(ix.groupPost[t.group], 0.9*kw)
			}
			if t.group2 >= 0 {
				add(ix.groupPost[t.group2], 0.9*kw)
			}
			if len(t.skel) >= 2 && (t.abjad || len(t.skel) >= 3) {
				sid, said := t.skelID, t.skelAltID
				if !indexed {
					sid, said = ix.skelIDs[t.skel], ix.skelIDs[t.skelAlt]
				}
				if sid != 0 {
					add(ix.skelPost[sid], 0.6*kw)
				}
				if said != sid && said != 0 {
					add(ix.skelPost[said], 0.6*kw)
				}
			}
			if !exact && !t.abjad && len(t.text) > 3 {
				for _, ft := range ix.fuzzyTerms(t) {
					s, _ := termSimilarity(t, ft)
					add(ix.post[ft.id], s*kw)
				}
				// An inflected form: the listed stem plus an ending of
				// two letters ("Vladimiras", "Putinas", "Ivanova").
				if len(t.text) >= 7 {
					if st, ok := ix.terms[termKey{t.text[:len(t.text)-2], false}]; ok {
						if s, _ := termSimilarity(t, st); s > 0 {
							add(ix.post[st.id], s*kw)
						}
					}
				}
			}
			if len(t.text) >= 4 {
				// One listed part written as two here, or two there.
				sc.inter = ix.splitDocs(t, sc.inter)
				add(sc.inter, kw)
			}
			if i+1 < len(qn.parts) {
				if ct, ok := ix.terms[termKey{t.text + qn.parts[i+1].t.text, t.abjad}]; ok {
					add(ix.post[ct.id], kw)
				}
			}
		}
	}
	clear(seen)
	sc.seen = seen[:0]
	// Keys shared by a large part of the list (a common given name, its
	// skeleton) only rank the candidates rarer keys found; they bring in
	// documents of their own only when nothing else did.
	if found := len(touched); found == 0 {
		for _, p := range long {
			for _, d := range p.list {
				if acc[d] == 0 {
					touched = append(touched, d)
				}
				acc[d] += p.w
			}
		}
	} else {
		for _, p := range long {
			if found*8 >= len(p.list) {
				for _, d := range p.list {
					if acc[d] != 0 {
						acc[d] += p.w
					}
				}
				continue
			}
			for _, d := range touched[:found] {
				if _, ok := slices.BinarySearch(p.list, d); ok {
					acc[d] += p.w
				}
			}
		}
	}
	clear(long)
	sc.long = long[:0]
	// Keep the best ix.candidates in a min-heap (worst at the root);
	// filters run only for documents good enough to enter it.
	k := ix.candidates
	h := sc.heap[:0]
	for _, d := range touched {
		c := cand{d, acc[d]}
		acc[d] = 0
		if len(h) == k && !c.better(h[0]) {
			continue
		}
		r := ix.docs[d]
		if r == nil || !schemaCompatible(q.schema, r.schema) || !inDatasets(r, q.datasets) {
			continue
		}
		if allow != nil && !allow(r.id) {
			continue
		}
		if len(h) < k {
			h = append(h, c)
			heapUp(h, len(h)-1)
		} else {
			h[0] = c
			heapDown(h, 0)
		}
	}
	sc.touched = touched[:0]
	slices.SortFunc(h, func(a, b cand) int {
		if a.better(b) {
			return -1
		}
		return 1
	})
	sc.heap = h
	out := sc.touched[:0]
	for _, c := range h {
		out = append(out, c.doc)
	}
	sc.touched = out
	return out
}

// heapUp and heapDown keep h a min-heap under better: the root is the
// worst candidate kept.
func heapUp(h []cand, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].better(h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func heapDown(h []cand, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		w := l
		if r := l + 1; r < len(h) && h[l].better(h[r]) {
			w = r
		}
		if !h[i].better(h[w]) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

func inDatasets(r *record, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, d := range r.datasets {
		if slices.Contains(want, d) {
			return true
		}
	}
	return false
}

// splitDocs returns in buf the documents that have, for some split of t
// into two parts of two letters or more, both parts: the candidates where
// the query writes as one word what a listed name writes as two
// ("abdulrahman" / "abdul rahman").
func (ix *Index) splitDocs(t *term, buf []uint32) []uint32 {
	buf = buf[:0]
	for k := 2; k+2 <= len(t.text); k++ {
		a, ok := ix.terms[termKey{t.text[:k], t.abjad}]
		if !ok {
			continue
		}
		b, ok := ix.terms[termKey{t.text[k:], t.abjad}]
		if !ok {
			continue
		}
		la, lb := ix.post[a.id], ix.post[b.id]
		if len(la) > len(lb) {
			la, lb = lb, la
		}
		if len(la) == 0 || len(la) > maxPosting {
			continue
		}
		mark := len(buf)
		for _, d := range la {
			if _, ok := slices.BinarySearch(lb, d); ok {
				buf = append(buf, d)
			}
		}
		if mark > 0 && len(buf) > mark {
			// Another split found documents too: keep each once.
			slices.Sort(buf)
			buf = slices.Compact(buf)
		}
	}
	return buf
}

// fuzzyTerms returns indexed terms within one edit of t (a deletion,
// insertion, substitution or transposition), confirmed by the scorer's
// edit distance.
func (ix *Index) fuzzyTerms(t *term) []*term {
	var out []*term
	consider := func(list []*term) {
		for _, c := range list {
			if c == t || slices.Contains(out, c) {
				continue
			}
			if s, _ := termSimilarity(t, c); s > 0 {
				out = append(out, c)
			}
		}
	}
	// t with a letter added: t itself is a deletion of the indexed term.
	consider(ix.dels[t.text])
	var buf [25]byte
	positions := len(t.text)
	if positions > len(buf) {
		// Indexed terms have deletions up to 24 letters (see term).
		positions = 0
	}
	for i := range positions {
		n := copy(buf[:], t.text[:i])
		n += copy(buf[n:], t.text[i+1:])
		// t with a letter missing, or one changed (both lose one letter).
		// A deletion that is itself an indexed term of four letters or
		// more has deletions of its own, so the dels lookup (which
		// allocates nothing) tells first whether it can be one.
		d := buf[:n]
		if n < 4 || len(ix.dels[string(d[:n-1])]) > 0 {
			if c, ok := ix.terms[termKey{string(d), false}]; ok && len(ix.post[c.id]) > 0 {
				consider([]*term{c})
			}
		}
		consider(ix.dels[string(d)])
	}
	slices.SortFunc(out, func(a, b *term) int { return compareStrings(a.text, b.text) })
	return out
}

// Compare scores one entity against a query without an index, with the
// given algorithm; it returns the match whatever its score.
func Compare(q Query, e *ftm.Entity, alg Algorithm) Match {
	qr := prepareQuery(q, freshTerm)
	cr := prepareEntity(e, freshTerm)
	if alg == AlgorithmOFAC {
		return ofacMatch(qr, cr)
	}
	st := &simTable{}
	st.reset(qr, 0)
	return explain(score(qr, cr, st, 0), st)
}
