package openapi

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
)

// Checking each shared response schema once.
//
// oasdiff's checker walks every modified response schema once per rule and
// per operation. oasdiff's diff already shares one *diff.SchemaDiff between
// all the operations whose responses compare the same pair of schemas, so on
// a large API most of that walking repeats itself: on Stripe's spec
// (v0.162.0 → v0.203.0) 873 modified response media types hold 220 distinct
// schema diffs, and the walk is three quarters of the run.
//
// checkDeduped splits the work. Run A is the whole diff with the schemas of
// modified response media types taken out. The response slots (one modified
// response of one operation: its status and, per modified media type, the
// schema diff pointers) are keyed by what the checker sees of them; the first
// operation (sorted by path and method) with a given key represents it, and
// only representatives are checked, in rounds B0, B1, … where each operation
// carries at most one of the slots it represents. A finding of round r on
// operation O therefore comes from O's r-th slot, and stands for every
// operation that has the same slot; run A already holds every finding that is
// not about the slot (it sees the same operation), so a round's finding that
// A has too is not expanded. Rounds are dealt into chunks (a chunk of a round
// is still one slot per operation), and run A and the chunks run concurrently:
// on Stripe nearly all the time is in walking the 220 response slots, whose
// costs vary a lot. checkDeduped returns the findings and, for each
// finding that stands for several operations, those operations.

// minChunk is the fewest slots a chunk of a round gets.
const minChunk = 4

// slotKey is what the checker sees of one modified response: its status and
// the schema diffs of its modified media types.
type slotKey struct {
	status string
	media  string
}

// slot is one modified response of one operation.
type slot struct {
	path, method, status string
	key                  slotKey
}

// dedupeResult is the outcome of checkDeduped.
type dedupeResult struct {
	findings checker.Changes
	// expand maps a finding (by index in findings) to the operations it stands
	// for besides its own.
	expand map[int][]string
	// expanded is how many findings oasdiff itself would have reported.
	expanded int
	// rounds is how many B rounds ran; reps how many slots were checked of total.
	rounds, reps, total int
	// parts is the wall time of run A and of each round.
	parts []time.Duration
}

func responseSlots(d *diff.Diff) []slot {
	var slots []slot
	if d == nil || d.PathsDiff == nil {
		return nil
	}
	for path, pd := range d.PathsDiff.Modified {
		if pd == nil || pd.OperationsDiff == nil {
			continue
		}
		for method, md := range pd.OperationsDiff.Modified {
			if md == nil || md.ResponsesDiff == nil {
				continue
			}
			for status, rd := range md.ResponsesDiff.Modified {
				if rd == nil || rd.ContentDiff == nil || len(rd.ContentDiff.MediaTypeModified) == 0 {
					continue
				}
				var b strings.Builder
				has := false
				for _, mt := range sortedKeys(rd.ContentDiff.MediaTypeModified) {
					m := rd.ContentDiff.MediaTypeModified[mt]
					if m == nil {
						continue
					}
					if m.SchemaDiff != nil || m.ItemSchemaDiff != nil {
						has = true
					}
					fmt.Fprintf(&b, "%s=%p/%p;", mt, m.SchemaDiff, m.ItemSchemaDiff)
				}
				if !has {
					continue
				}
				slots = append(slots, slot{path: path, method: method, status: status, key: slotKey{status: status, media: b.String()}})
			}
		}
	}
	sort.Slice(slots, func(i, j int) bool {
		a, b := slots[i], slots[j]
		if a.path != b.path {
			return a.path < b.path
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	return slots
}

// withoutResponseSchemas returns a copy of d whose modified response media
// types have no schema diffs; everything else is shared with d. Each level
// (paths, operations, responses, media types) is copied on the way down with
// the same rewriteMap.
func withoutResponseSchemas(d *diff.Diff) *diff.Diff {
	out := *d
	if d.PathsDiff == nil {
		return &out
	}
	paths := *d.PathsDiff
	paths.Modified = rewriteMap(paths.Modified, func(pd *diff.PathDiff) *diff.PathDiff {
		if pd.OperationsDiff == nil {
			return pd
		}
		pdc, ops := *pd, *pd.OperationsDiff
		ops.Modified = rewriteMap(ops.Modified, func(md *diff.MethodDiff) *diff.MethodDiff {
			if md.ResponsesDiff == nil {
				return md
			}
			mdc, rs := *md, *md.ResponsesDiff
			rs.Modified = rewriteMap(rs.Modified, func(rd *diff.ResponseDiff) *diff.ResponseDiff {
				if rd.ContentDiff == nil {
					return rd
				}
				rdc, cd := *rd, *rd.ContentDiff
				cd.MediaTypeModified = rewriteMap(cd.MediaTypeModified, func(m *diff.MediaTypeDiff) *diff.MediaTypeDiff {
					mc := *m
					mc.SchemaDiff, mc.ItemSchemaDiff = nil, nil
					return &mc
				})
				rdc.ContentDiff = &cd
				return &rdc
			})
			mdc.ResponsesDiff = &rs
			return &mdc
		})
		pdc.OperationsDiff = &ops
		return &pdc
	})
	out.PathsDiff = &paths
	return &out
}

// rewriteMap returns a new map with m's keys and, for each value, rewrite's
// result; nil values are kept as they are. m is not changed.
func rewriteMap[M ~map[K]*V, K comparable, V any](m M, rewrite func(*V) *V) M {
	out := make(M, len(m))
	for k, v := range m {
		if v == nil {
			out[k] = v
			continue
		}
		out[k] = rewrite(v)
	}
	return out
}

// roundDiff returns a diff holding only the given response slots: for each,
// its operation with only that response and only the schemas of its media types.
func roundDiff(d *diff.Diff, slots []slot) *diff.Diff {
	out := &diff.Diff{BaseInfo: d.BaseInfo, RevisionInfo: d.RevisionInfo,
		BaseOpenAPI: d.BaseOpenAPI, RevisionOpenAPI: d.RevisionOpenAPI}
	paths := &diff.PathsDiff{Modified: diff.ModifiedPaths{}, Base: d.PathsDiff.Base, Revision: d.PathsDiff.Revision}
	for _, s := range slots {
		src := d.PathsDiff.Modified[s.path]
		pd, ok := paths.Modified[s.path]
		if !ok {
			pd = &diff.PathDiff{Base: src.Base, Revision: src.Revision, OperationsDiff: &diff.OperationsDiff{Modified: diff.ModifiedOperations{}}}
			paths.Modified[s.path] = pd
		}
		md := src.OperationsDiff.Modified[s.method]
		rd := md.ResponsesDiff.Modified[s.status]
		cd := &diff.ContentDiff{MediaTypeModified: make(diff.ModifiedMediaTypes, len(rd.ContentDiff.MediaTypeModified))}
		for mt, m := range rd.ContentDiff.MediaTypeModified {
			if m == nil {
				continue
			}
			cd.MediaTypeModified[mt] = &diff.MediaTypeDiff{SchemaDiff: m.SchemaDiff, ItemSchemaDiff: m.ItemSchemaDiff}
		}
		pd.OperationsDiff.Modified[s.method] = &diff.MethodDiff{
			Base: md.Base, Revision: md.Revision,
			ResponsesDiff: &diff.ResponsesDiff{Modified: diff.ModifiedResponses{
				s.status: {Base: rd.Base, Revision: rd.Revision, ContentDiff: cd},
			}},
		}
	}
	out.PathsDiff = paths
	return out
}

// deal puts each slot, in order, into the batch bucket(i, s) numbers (from
// 0); it returns the batches up to the largest number given, a number no slot
// got being an empty batch. Both batchings of checkDeduped (into rounds, then rounds into chunks) are a
// deal.
func deal(slots []slot, bucket func(i int, s slot) int) [][]slot {
	var batches [][]slot
	for i, s := range slots {
		b := bucket(i, s)
		for b >= len(batches) {
			batches = append(batches, nil)
		}
		batches[b] = append(batches[b], s)
	}
	return batches
}

// findingKey identifies a finding of one operation for telling round
// findings that run A also has.
func findingKey(f checker.Change) string {
	var b strings.Builder
	b.WriteString(f.GetId())
	b.WriteByte(0)
	b.WriteString(operationOf(f))
	b.WriteByte(0)
	if s := f.GetRevisionSource(); s != nil {
		fmt.Fprintf(&b, "n%s:%d:%d", s.File, s.Line, s.Column)
	}
	if s := f.GetBaseSource(); s != nil {
		fmt.Fprintf(&b, "o%s:%d:%d", s.File, s.Line, s.Column)
	}
	b.WriteByte(0)
	b.WriteString(argsKey(f.GetArgs()))
	b.WriteByte(0)
	b.WriteString(detailsOf(f))
	return b.String()
}

// checkDeduped runs oasdiff's checker so that each shared response schema is
// walked once; see the comment at the top of this file.
//
// A panic in oasdiff (in any of the concurrent runs) is returned as an error.
func checkDeduped(config *checker.Config, d *diff.Diff, sources *diff.OperationsSourcesMap, level checker.Level) (res dedupeResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("oasdiff checker failed: %v", p)
		}
	}()
	slots := responseSlots(d)
	if len(slots) == 0 {
		f := checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, level)
		return dedupeResult{findings: f, expanded: len(f)}, nil
	}
	// The representative of each key, and the other operations that share it.
	rep := map[slotKey]int{}
	others := map[slotKey][]string{}
	var repSlots []slot
	for _, s := range slots {
		if _, ok := rep[s.key]; !ok {
			rep[s.key] = len(repSlots)
			repSlots = append(repSlots, s)
			continue
		}
		others[s.key] = append(others[s.key], strings.ToUpper(s.method)+" "+s.path)
	}
	// Rounds: each operation carries at most one of its representative slots,
	// its r-th in round r.
	perOp := map[string]int{}
	rounds := deal(repSlots, func(_ int, s slot) int {
		op := s.method + " " + s.path
		r := perOp[op]
		perOp[op] = r + 1
		return r
	})

	res = dedupeResult{rounds: len(rounds), reps: len(repSlots), total: len(slots), expand: map[int][]string{}}
	// Split each round into chunks (a subset of a round still carries at most
	// one slot per operation) so the walks, whose cost varies a lot from slot
	// to slot, spread over the cores: slots are dealt round-robin.
	procs := max(1, runtime.GOMAXPROCS(0))
	var chunks [][]slot
	for _, round := range rounds {
		n := min(len(round), 4*procs, max(1, len(round)/minChunk))
		if procs == 1 {
			n = 1
		}
		chunks = append(chunks, deal(round, func(i int, _ slot) int { return i % n })...)
	}
	rounds = chunks
	// Run A and the rounds concurrently: each call clones what it mutates,
	// and the schema diffs they share are only read.
	outs := make([]checker.Changes, 1+len(rounds))
	panics := make([]any, 1+len(rounds))
	res.parts = make([]time.Duration, 1+len(rounds))
	var wg sync.WaitGroup
	sem := make(chan struct{}, procs)
	run := func(i int, d *diff.Diff) {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		defer func() { panics[i] = recover() }()
		start := time.Now()
		outs[i] = checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, level)
		res.parts[i] = time.Since(start)
	}
	wg.Add(1 + len(rounds))
	go run(0, withoutResponseSchemas(d))
	for r, round := range rounds {
		go run(1+r, roundDiff(d, round))
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			return res, fmt.Errorf("oasdiff checker failed: %v", p)
		}
	}

	a := outs[0]
	inA := make(map[string]bool, len(a))
	for _, f := range a {
		inA[findingKey(f)] = true
	}
	res.findings = append(res.findings, a...)
	res.expanded = len(a)
	for r, round := range rounds {
		byOp := make(map[string]slot, len(round))
		for _, s := range round {
			byOp[strings.ToUpper(s.method)+" "+s.path] = s
		}
		for _, f := range outs[1+r] {
			if inA[findingKey(f)] {
				continue
			}
			res.findings = append(res.findings, f)
			res.expanded++
			s, ok := byOp[operationOf(f)]
			if !ok {
				continue
			}
			if o := others[s.key]; len(o) > 0 {
				res.expand[len(res.findings)-1] = o
				res.expanded += len(o)
			}
		}
	}
	return res, nil
}
