package openapi

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// Modes for APIs.
//
// oasdiff judges one direction: its base is the API clients were built
// against, its revision the API the server now serves. dsctl's backward check
// is that run (base OLD, revision NEW): the NEW server still serves OLD
// clients. The forward check is the same run with the two swapped (base NEW,
// revision OLD): the OLD server can serve clients built from NEW, which is
// what a client that upgrades before the server, or a rollback of the server,
// needs. Full is both.
//
// The two runs describe one edit in opposite words: a property added to NEW
// is "added" backward and "removed" forward, found at the same place. combine
// pairs them by location (changes are located in NEW where the element is
// there, else in OLD, in both runs) and by the backquoted names of their
// messages, and reports each edit once, in the words of the backward run (OLD
// to NEW, the way it was made), with the impact of the mode:
//
//	backward  the backward run's impact (forward is not run)
//	forward   the forward run's impact
//	full      the larger of the two
//
// A change only one run reports is taken to be compatible the other way: its
// impact there is at most minor. Such a change of the forward run keeps its
// rule id and its message says it reads from NEW to OLD. Breaks lists the
// directions whose impact is major. This is how the JSON Schema engine
// derives impacts from a change's direction: a change that breaks only the
// other direction is minor.

// backtick finds the names a message quotes.
var backtick = regexp.MustCompile("`[^`]*`")

// quoted is the sorted list of a message's backquoted names: the two runs'
// messages of one edit name the same things, in any order. oasdiff's note on
// a shared schema (" (shared schema: `s`, also at `a`, `b`…)") is left out:
// the two runs list the other places in different orders and spellings.
func quoted(msg string) string {
	if i := strings.Index(msg, " (shared schema: "); i >= 0 {
		msg = msg[:i]
	}
	q := backtick.FindAllString(msg, -1)
	slices.Sort(q)
	return strings.Join(q, "\x00")
}

// sharedWords counts the words (between dashes) two rule ids have in common.
func sharedWords(a, b string) int {
	n := 0
	bw := strings.Split(b, "-")
	for _, w := range strings.Split(a, "-") {
		if slices.Contains(bw, w) {
			n++
		}
	}
	return n
}

// placeKey is where a change is: its side and location, or its path when it
// has no line.
func placeKey(c compat.Change, side byte) string {
	if c.Location != nil && c.Location.Line > 0 {
		return fmt.Sprintf("%c\x00%s", side, c.Location)
	}
	return fmt.Sprintf("%c\x00%s\x00%s", side, c.Location, c.Path)
}

// combine merges the changes of the backward run (back) and of the forward
// run (fwd), with the side of each change's location, into the changes of
// mode (forward or full); see the comment above.
func combine(mode compat.Mode, back []compat.Change, backSides []byte, fwd []compat.Change, fwdSides []byte) []compat.Change {
	qb, qf := make([]string, len(back)), make([]string, len(fwd))
	for i, c := range back {
		qb[i] = quoted(c.Message)
	}
	byPlace, byNames := map[string][]int{}, map[string][]int{}
	for j, c := range fwd {
		qf[j] = quoted(c.Message)
		k := placeKey(c, fwdSides[j])
		byPlace[k] = append(byPlace[k], j)
		n := c.Path + "\x00" + qf[j]
		byNames[n] = append(byNames[n], j)
	}
	pair := make([]int, len(back))
	for i := range pair {
		pair[i] = -1
	}
	used := make([]bool, len(fwd))
	// 1. At the same place, the changes whose messages quote the same names;
	// 2. at the same place, the others, the rule id with most words in
	// common first (then in order);
	// 3. anywhere, the changes of one path whose messages quote the same
	// names (a rule that gives only its base source places the two runs'
	// findings in different files).
	for pass := range 3 {
		for i, b := range back {
			if pair[i] >= 0 {
				continue
			}
			candidates := byPlace[placeKey(b, backSides[i])]
			if pass == 2 {
				candidates = byNames[b.Path+"\x00"+qb[i]]
			}
			best, bestScore := -1, -1
			for _, j := range candidates {
				if used[j] || pass != 1 && qf[j] != qb[i] {
					continue
				}
				score := 0
				if pass == 1 {
					// The rule most like b's: the two runs' rules of one
					// edit share most words (response-optional-property-
					// added and -removed).
					score = sharedWords(b.ID, fwd[j].ID)
				}
				if score > bestScore {
					best, bestScore = j, score
				}
				if pass != 1 {
					break
				}
			}
			if best >= 0 {
				pair[i], used[best] = best, true
			}
		}
	}
	out := make([]compat.Change, 0, len(back)+len(fwd))
	for i, b := range back {
		var f *compat.Change
		if pair[i] >= 0 {
			f = &fwd[pair[i]]
		}
		out = append(out, directed(mode, b, f))
	}
	for j, f := range fwd {
		if !used[j] {
			out = append(out, forwardOnly(f))
		}
	}
	return out
}

// directed is a change of the backward run in mode, with its forward
// counterpart f (nil when the forward run reported none).
func directed(mode compat.Mode, b compat.Change, f *compat.Change) compat.Change {
	backImp, fwdImp := b.Impact, min(b.Impact, compat.Minor)
	if f != nil {
		fwdImp = f.Impact
		b.Operations = slices.Clone(b.Operations)
		for _, op := range f.Operations {
			if !slices.Contains(b.Operations, op) && op != b.Path {
				b.Operations = append(b.Operations, op)
			}
		}
		slices.Sort(b.Operations)
	}
	c := b
	c.Impact = fwdImp
	if mode == compat.Full {
		c.Impact = max(backImp, fwdImp)
	}
	c.Breaking = c.Impact == compat.Major
	if mode == compat.Full && backImp == compat.Major {
		c.Breaks = append(c.Breaks, compat.Backward)
	}
	if fwdImp == compat.Major {
		c.Breaks = append(c.Breaks, compat.Forward)
	}
	switch {
	case len(c.Breaks) == 2:
		c.Message += " (breaks backward and forward)"
	case mode == compat.Full && len(c.Breaks) == 1 && c.Breaks[0] == compat.Backward:
		c.Message += " (breaks backward)"
	case len(c.Breaks) == 1 && f != nil:
		c.Message += fmt.Sprintf(" (breaks forward; from NEW to OLD: %s [%s])", f.Message, f.ID)
	case len(c.Breaks) == 1:
		c.Message += " (breaks forward)"
	}
	return c
}

// forwardOnly is a change only the forward run reported: its impact is the
// same in forward and full mode, and its message is in oasdiff's words for
// NEW turned into OLD, and says so.
func forwardOnly(f compat.Change) compat.Change {
	c := f
	c.Message = "from NEW to OLD: " + f.Message
	if f.Impact == compat.Major {
		c.Breaks = []compat.Mode{compat.Forward}
		c.Message += " (breaks forward)"
	}
	c.Breaking = c.Impact == compat.Major
	return c
}
