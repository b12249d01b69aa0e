package asyncapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dsctl/dsctl/compat/source"
)

// flow is the set of directions a message travels in, seen from the
// application the document describes.
type flow uint8

const (
	// sends: the application publishes the message (3.0 action send, 2.6 subscribe).
	sends flow = 1 << iota
	// receives: the application consumes the message (3.0 action receive, 2.6 publish).
	receives
)

// channel is a 3.0 channel, or a 2.6 channel item (keyed by its address).
type channel struct {
	key     string
	address string
	n       node
	params  map[string]node
}

// operation is a 3.0 operation, or a 2.6 publish/subscribe operation read as
// what the application does: subscribe means it sends, publish that it receives.
type operation struct {
	key     string
	action  string // send or receive
	verb    string // the keyword in the document: send, receive, publish or subscribe
	n       node
	channel *channel
	// messages are the keys of the operation's slots, by message key.
	messages map[string]string
}

// slot is one message where it is carried: a message of a 3.0 channel or of
// a 2.6 operation.
type slot struct {
	key     string // channel key + "/" + message key (3.0), operation key + "/" + message key (2.6)
	name    string // the message key
	label   string // how messages name it
	msg     node   // the message object, $refs followed
	traits  []node
	dirs    flow
	senders []string
	readers []string
}

// model is a document read into channels, operations and message slots.
type model struct {
	doc                *document
	version            string
	defaultContentType string
	channels           map[string]*channel
	operations         map[string]*operation
	slots              map[string]*slot
}

func buildModel(d *document) (*model, error) {
	m := &model{doc: d, version: d.version, channels: map[string]*channel{}, operations: map[string]*operation{}, slots: map[string]*slot{}}
	root := node{f: d.root, v: d.root.value}
	m.defaultContentType = root.str("defaultContentType")
	var err error
	if strings.HasPrefix(d.version, "2.") {
		err = m.build2(root)
	} else {
		err = m.build3(root)
	}
	if err != nil {
		return nil, err
	}
	for _, op := range m.operations {
		for _, sk := range op.messages {
			s := m.slots[sk]
			if op.action == "send" {
				s.dirs |= sends
				s.senders = append(s.senders, op.key)
			} else {
				s.dirs |= receives
				s.readers = append(s.readers, op.key)
			}
		}
	}
	for _, s := range m.slots {
		slices.Sort(s.senders)
		slices.Sort(s.readers)
	}
	return m, nil
}

func (m *model) params(ch node) (map[string]node, error) {
	out := map[string]node{}
	ps, ok := ch.get("parameters")
	if !ok {
		return out, nil
	}
	ps, err := m.doc.deref(ps)
	if err != nil {
		return nil, err
	}
	for _, k := range ps.keys() {
		p, _ := ps.get(k)
		if p, err = m.doc.deref(p); err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, nil
}

// message reads a message object and its traits.
func (m *model) message(n node) (node, []node, error) {
	msg, err := m.doc.deref(n)
	if err != nil {
		return node{}, nil, err
	}
	var traits []node
	if ts, ok := msg.get("traits"); ok {
		list, _ := ts.v.([]any)
		for i := range list {
			t, err := m.doc.deref(node{f: ts.f, ptr: ts.ptr + "/" + strconv.Itoa(i), v: list[i]})
			if err != nil {
				return node{}, nil, err
			}
			traits = append(traits, t)
		}
	}
	return msg, traits, nil
}

func (m *model) build3(root node) error {
	chs, _ := root.get("channels")
	byPlace := map[string]*channel{}
	slotByPlace := map[string]string{}
	for _, k := range chs.keys() {
		ref, _ := chs.get(k)
		n, err := m.doc.deref(ref)
		if err != nil {
			return err
		}
		ch := &channel{key: k, n: n, address: n.str("address")}
		if ch.params, err = m.params(n); err != nil {
			return err
		}
		m.channels[k] = ch
		byPlace[n.key()] = ch
		byPlace[ref.key()] = ch
		msgs, _ := n.get("messages")
		for _, mk := range msgs.keys() {
			mref, _ := msgs.get(mk)
			msg, traits, err := m.message(mref)
			if err != nil {
				return err
			}
			s := &slot{key: k + "/" + mk, name: mk, label: fmt.Sprintf("message %s of channel %s", mk, k), msg: msg, traits: traits}
			m.slots[s.key] = s
			slotByPlace[mref.key()] = s.key
			if _, taken := slotByPlace[msg.key()]; !taken {
				slotByPlace[msg.key()] = s.key
			}
		}
	}
	ops, _ := root.get("operations")
	for _, k := range ops.keys() {
		ref, _ := ops.get(k)
		n, err := m.doc.deref(ref)
		if err != nil {
			return err
		}
		op := &operation{key: k, n: n, action: n.str("action"), verb: n.str("action"), messages: map[string]string{}}
		chRef, ok := n.get("channel")
		if !ok {
			return n.errorf("operation %s has no channel", k)
		}
		chNode, err := m.doc.deref(chRef)
		if err != nil {
			return err
		}
		if op.channel = byPlace[chNode.key()]; op.channel == nil {
			return chRef.errorf("operation %s: its channel is not one of the document's channels", k)
		}
		if list, ok := n.get("messages"); ok {
			items, _ := list.v.([]any)
			for i := range items {
				item := node{f: list.f, ptr: list.ptr + "/" + strconv.Itoa(i), v: items[i]}
				sk, err := m.slotOf(item, op.channel, slotByPlace)
				if err != nil {
					return err
				}
				op.messages[m.slots[sk].name] = sk
			}
		} else {
			for sk, s := range m.slots {
				if strings.HasPrefix(sk, op.channel.key+"/") && m.channels[op.channel.key] == op.channel {
					op.messages[s.name] = sk
				}
			}
		}
		m.operations[k] = op
	}
	return nil
}

// slotOf finds the channel message an operation's message reference names.
func (m *model) slotOf(item node, ch *channel, slotByPlace map[string]string) (string, error) {
	// The reference itself may name the channel's message (#/channels/c/messages/m).
	if ref, ok := refOf(item); ok {
		p, ptr, err := m.doc.target(item, ref)
		if err != nil {
			return "", err
		}
		if sk, ok := slotByPlace[p+"#"+ptr]; ok && strings.HasPrefix(sk, ch.key+"/") {
			return sk, nil
		}
	}
	msg, err := m.doc.deref(item)
	if err != nil {
		return "", err
	}
	for _, sk := range m.sortedSlots() {
		s := m.slots[sk]
		if strings.HasPrefix(sk, ch.key+"/") && s.msg.key() == msg.key() {
			return sk, nil
		}
	}
	return "", item.errorf("the message is not one of channel %s's messages", ch.key)
}

func (m *model) sortedSlots() []string {
	ks := make([]string, 0, len(m.slots))
	for k := range m.slots {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (m *model) build2(root node) error {
	chs, _ := root.get("channels")
	for _, addr := range chs.keys() {
		ref, _ := chs.get(addr)
		n, err := m.doc.deref(ref)
		if err != nil {
			return err
		}
		ch := &channel{key: addr, address: addr, n: n}
		if ch.params, err = m.params(n); err != nil {
			return err
		}
		m.channels[addr] = ch
		for _, verb := range []string{"publish", "subscribe"} {
			on, ok := n.get(verb)
			if !ok {
				continue
			}
			if on, err = m.doc.deref(on); err != nil {
				return err
			}
			// An application's subscribe operation is what others subscribe
			// to: the application sends those messages. publish: it receives.
			action := "receive"
			if verb == "subscribe" {
				action = "send"
			}
			key := on.str("operationId")
			if key == "" || m.operations[key] != nil {
				key = addr + " " + verb
			}
			op := &operation{key: key, action: action, verb: verb, n: on, channel: ch, messages: map[string]string{}}
			m.operations[key] = op
			mn, ok := on.get("message")
			if !ok {
				continue
			}
			var items []node
			resolved, err := m.doc.deref(mn)
			if err != nil {
				return err
			}
			if oneOf, ok := resolved.get("oneOf"); ok {
				list, _ := oneOf.v.([]any)
				for i := range list {
					items = append(items, node{f: oneOf.f, ptr: oneOf.ptr + "/" + strconv.Itoa(i), v: list[i]})
				}
			} else {
				items = []node{mn}
			}
			for i, item := range items {
				msg, traits, err := m.message(item)
				if err != nil {
					return err
				}
				name := messageName2(item, msg, i, len(items))
				if _, dup := op.messages[name]; dup {
					name += "#" + strconv.Itoa(i)
				}
				s := &slot{key: key + "/" + name, name: name, label: fmt.Sprintf("message %s of operation %s", name, key), msg: msg, traits: traits}
				m.slots[s.key] = s
				op.messages[name] = s.key
			}
		}
	}
	return nil
}

// messageName2 names a 2.6 message: its messageId, else the component it
// references, else its name, else its place in the list.
func messageName2(ref, msg node, i, n int) string {
	if id := msg.str("messageId"); id != "" {
		return id
	}
	if r, ok := refOf(ref); ok {
		if name, ok := strings.CutPrefix(r, "#/components/messages/"); ok && !strings.Contains(name, "/") {
			return source.UnescapeToken(name)
		}
	}
	if name := msg.str("name"); name != "" {
		return name
	}
	if n == 1 {
		return "message"
	}
	return "message" + strconv.Itoa(i)
}

// field returns a message field with its traits applied: in 3.0 the
// message's own value wins over its traits, in 2.6 traits are merged over
// the message (JSON Merge Patch, in order).
func (m *model) field(s *slot, name string) (node, bool, error) {
	own, hasOwn := s.msg.get(name)
	if hasOwn && !strings.HasPrefix(m.version, "2.") {
		return m.derefField(own)
	}
	var best node
	found := false
	for _, t := range s.traits {
		if v, ok := t.get(name); ok {
			best, found = v, true
		}
	}
	if found {
		return m.derefField(best)
	}
	if hasOwn {
		return m.derefField(own)
	}
	return node{}, false, nil
}

func (m *model) derefField(n node) (node, bool, error) {
	r, err := m.doc.deref(n)
	if err != nil {
		return node{}, false, err
	}
	return r, true, nil
}
