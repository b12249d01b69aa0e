package asyncapi

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dsctl/dsctl/compat"
)

// differ compares two models.
type differ struct {
	ctx      context.Context
	o, n     *model
	opts     compat.Options
	explicit bool // opts.Mode overrides the flow direction
	out      []compat.Change
}

// Diff compares two AsyncAPI documents and returns every change from old to
// new. With opts.Mode empty or compat.Flow, each message's payload and
// headers are judged in the direction it flows: FORWARD for a message the
// application sends, BACKWARD for one it receives, FULL for one it does both
// with or neither; another mode judges every message in that mode.
func Diff(ctx context.Context, old, new compat.Source, opts compat.Options) ([]compat.Change, error) {
	om, err := loadModel(old)
	if err != nil {
		return nil, err
	}
	nm, err := loadModel(new)
	if err != nil {
		return nil, err
	}
	d := &differ{ctx: ctx, o: om, n: nm, opts: opts, explicit: opts.Mode != "" && opts.Mode != compat.Flow}
	if err := d.run(); err != nil {
		return nil, err
	}
	compat.SortChanges(d.out)
	for i := range d.out {
		d.out[i].Breaking = d.out[i].Impact == compat.Major
	}
	return d.out, nil
}

func loadModel(src compat.Source) (*model, error) {
	d, err := load(src)
	if err != nil {
		return nil, err
	}
	return buildModel(d)
}

func (d *differ) add(id string, impact compat.Impact, at node, msg string, args ...any) {
	d.out = append(d.out, compat.Change{ID: id, Path: at.id(at.docOf(d)), Impact: impact, Message: fmt.Sprintf(msg, args...), Location: at.loc()})
}

// docOf returns the document a node belongs to.
func (n node) docOf(d *differ) *document {
	if _, ok := d.n.doc.files[n.f.path]; ok && d.n.doc.files[n.f.path] == n.f {
		return d.n.doc
	}
	return d.o.doc
}

func (d *differ) run() error {
	if d.o.version != d.n.version {
		root := node{f: d.n.doc.root, v: d.n.doc.root.value}
		at, _ := root.get("asyncapi")
		d.add("asyncapi-version-changed", compat.Major, at, "AsyncAPI version changed from %s to %s: channels, operations and messages are compared by their keys, which the two versions name differently", d.o.version, d.n.version)
	}
	d.channels()
	d.operations()
	return d.messages()
}

// channels compares channels by key (3.0) and the parameters of channels
// found in both.
func (d *differ) channels() {
	v3 := !strings.HasPrefix(d.n.version, "2.")
	for _, k := range sortedKeys(d.o.channels) {
		oc := d.o.channels[k]
		nc, ok := d.n.channels[k]
		if !ok {
			if v3 {
				d.add("channel-removed", compat.Major, oc.n, "channel %s (address %s) removed: whoever sends to it or subscribes to it loses it", k, addr(oc.address))
			}
			continue
		}
		if oc.address != nc.address {
			at, ok := nc.n.get("address")
			if !ok {
				at = nc.n
			}
			d.add("channel-address-changed", compat.Major, at, "address of channel %s changed from %s to %s: a renamed topic is major for whoever subscribes to it or publishes to it", k, addr(oc.address), addr(nc.address))
		}
		d.params(oc, nc)
	}
	if v3 {
		for _, k := range sortedKeys(d.n.channels) {
			if _, ok := d.o.channels[k]; !ok {
				nc := d.n.channels[k]
				d.add("channel-added", compat.Minor, nc.n, "channel %s (address %s) added", k, addr(nc.address))
			}
		}
	}
}

func addr(a string) string {
	if a == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", a)
}

func (d *differ) params(oc, nc *channel) {
	for _, k := range sortedKeys(oc.params) {
		op := oc.params[k]
		np, ok := nc.params[k]
		if !ok {
			d.add("channel-parameter-removed", compat.Major, oc.n, "parameter %s of channel %s removed: the channel's addresses change", k, nc.key)
			continue
		}
		if a, b := op.str("location"), np.str("location"); a != b {
			d.add("channel-parameter-location-changed", compat.Major, np, "parameter %s of channel %s: location changed from %q to %q", k, nc.key, a, b)
		}
		d.paramValues(k, nc, op, np)
	}
	for _, k := range sortedKeys(nc.params) {
		if _, ok := oc.params[k]; !ok {
			d.add("channel-parameter-added", compat.Major, nc.params[k], "parameter %s added to channel %s: the channel's addresses change", k, nc.key)
		}
	}
}

// paramValues compares the values a parameter may take: its enum (3.0,
// or the enum of its 2.6 schema), then the rest of a 2.6 schema. Fewer
// values is major (the application no longer sends to or listens on those
// addresses), more is minor.
func (d *differ) paramValues(name string, ch *channel, op, np node) {
	if s, ok := np.get("schema"); ok || hasKey(op, "schema") {
		o, _ := op.get("schema")
		cs, err := schemaDiff(d.ctx, d.o.doc, d.n.doc, o, s, compat.Backward, d.opts, np)
		if err == nil {
			for _, c := range cs {
				c.ID = "channel-parameter-" + c.ID
				c.Message = fmt.Sprintf("parameter %s of channel %s: %s", name, ch.key, c.Message)
				d.out = append(d.out, c)
			}
			return
		}
		d.add("channel-parameter-changed", compat.Major, np, "parameter %s of channel %s: its schema could not be compared (%v)", name, ch.key, err)
		return
	}
	oe, oHas := enumOf(op)
	ne, nHas := enumOf(np)
	at, ok := np.get("enum")
	if !ok {
		at = np
	}
	switch {
	case oHas && !nHas:
		d.add("channel-parameter-enum-removed", compat.Minor, at, "parameter %s of channel %s: any value allowed now (was one of %s)", name, ch.key, strings.Join(oe, ", "))
	case !oHas && nHas:
		d.add("channel-parameter-enum-added", compat.Major, at, "parameter %s of channel %s: restricted to %s", name, ch.key, strings.Join(ne, ", "))
	case oHas && nHas:
		for _, v := range oe {
			if !slices.Contains(ne, v) {
				d.add("channel-parameter-value-removed", compat.Major, at, "parameter %s of channel %s: value %s removed (its address is no longer used)", name, ch.key, v)
			}
		}
		for _, v := range ne {
			if !slices.Contains(oe, v) {
				d.add("channel-parameter-value-added", compat.Minor, at, "parameter %s of channel %s: value %s added", name, ch.key, v)
			}
		}
	}
}

func hasKey(n node, k string) bool { _, ok := n.get(k); return ok }

func enumOf(n node) ([]string, bool) {
	e, ok := n.get("enum")
	if !ok {
		return nil, false
	}
	list, _ := e.v.([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, canonical(v))
	}
	slices.Sort(out)
	return out, true
}

// operations compares operations by key: their action, channel and messages.
func (d *differ) operations() {
	for _, k := range sortedKeys(d.o.operations) {
		oo := d.o.operations[k]
		no, ok := d.n.operations[k]
		if !ok {
			d.add("operation-removed", compat.Major, oo.n, "operation %s (%s on %s) removed", k, oo.verb, addr(oo.channel.address))
			continue
		}
		if oo.action != no.action {
			at, ok := no.n.get("action")
			if !ok {
				at = no.n
			}
			d.add("operation-action-changed", compat.Major, at, "operation %s: action changed from %s to %s (%s → %s): the application no longer %ss these messages, it %ss them", k, oo.action, no.action, oo.verb, no.verb, oo.action, no.action)
		}
		switch {
		case oo.channel.key != no.channel.key && oo.channel.address != no.channel.address:
			at, ok := no.n.get("channel")
			if !ok {
				at = no.n
			}
			d.add("operation-channel-changed", compat.Major, at, "operation %s moved from channel %s (address %s) to channel %s (address %s): a renamed topic is major for whoever subscribes to it or publishes to it",
				k, oo.channel.key, addr(oo.channel.address), no.channel.key, addr(no.channel.address))
		case oo.channel.key != no.channel.key:
			at, ok := no.n.get("channel")
			if !ok {
				at = no.n
			}
			d.add("operation-channel-changed", compat.Patch, at, "operation %s: channel %s renamed %s (same address %s)", k, oo.channel.key, no.channel.key, addr(no.channel.address))
		}
		d.operationMessages(oo, no)
	}
	for _, k := range sortedKeys(d.n.operations) {
		if _, ok := d.o.operations[k]; !ok {
			no := d.n.operations[k]
			d.add("operation-added", compat.Minor, no.n, "operation %s (%s on %s) added", k, no.verb, addr(no.channel.address))
		}
	}
}

// operationMessages compares the messages an operation sends or receives. A
// message it stops carrying is major; one it starts carrying is judged like
// a union gaining a member: minor for a message received (BACKWARD: the new
// code reads more), major for a message sent (FORWARD: consumers on the old
// contract get a message they do not know).
func (d *differ) operationMessages(oo, no *operation) {
	for _, name := range sortedKeys(oo.messages) {
		if _, ok := no.messages[name]; !ok {
			s := d.o.slots[oo.messages[name]]
			d.add("operation-message-removed", compat.Major, at(no.n, "messages", "message"), "operation %s no longer %ss message %s", no.key, no.action, s.name)
		}
	}
	dirs, snd, rcv := receives, []string(nil), []string{no.key}
	if no.action == "send" {
		dirs, snd, rcv = sends, rcv, nil
	}
	mode, why := d.judgeSlot(dirs, snd, rcv)
	for _, name := range sortedKeys(no.messages) {
		if _, ok := oo.messages[name]; ok {
			continue
		}
		s := d.n.slots[no.messages[name]]
		impact := compat.Minor
		if mode != compat.Backward {
			impact = compat.Major
		}
		effect := "the new code reads one more message"
		if impact == compat.Major {
			effect = "consumers still on the old contract get a message they do not know"
		}
		d.add("operation-message-added", impact, s.msg, "operation %s now %ss message %s: %s (%s)", no.key, no.action, s.name, effect, why)
	}
}

// at returns the first member of n named in keys, else n.
func at(n node, keys ...string) node {
	for _, k := range keys {
		if c, ok := n.get(k); ok {
			return c
		}
	}
	return n
}

// judgeSlot returns the mode a message that flows in dirs (sent by the
// operations senders, received by readers) is judged in, and why.
func (d *differ) judgeSlot(dirs flow, senders, readers []string) (compat.Mode, string) {
	flowWhy := ""
	switch dirs {
	case sends:
		flowWhy = "the application sends it (" + strings.Join(senders, ", ") + ")"
	case receives:
		flowWhy = "the application receives it (" + strings.Join(readers, ", ") + ")"
	case sends | receives:
		flowWhy = "the application sends it (" + strings.Join(senders, ", ") + ") and receives it (" + strings.Join(readers, ", ") + ")"
	default:
		flowWhy = "no operation sends or receives it"
	}
	if d.explicit {
		m := d.opts.Mode.Base()
		return m, fmt.Sprintf("judged %s: the compatibility mode %s overrides the flow direction (%s)", m, d.opts.Mode, flowWhy)
	}
	switch dirs {
	case sends:
		return compat.Forward, "judged forward: " + flowWhy + ", so consumers still on the old schema must read the new messages"
	case receives:
		return compat.Backward, "judged backward: " + flowWhy + ", so the new code must read what producers still on the old schema send"
	}
	return compat.Full, "judged full: " + flowWhy
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
