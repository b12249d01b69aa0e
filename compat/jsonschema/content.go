package jsonschema

import (
	"strings"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// contentKeywords are the string content keywords (draft-07 and later;
// contentSchema from 2019-09). They follow the policy of "format": judged as
// assertions in every draft — adding one narrows, removing one widens,
// changing one goes both ways — although the validator treats them as
// annotations, because a consumer that decodes the string relies on them.
var contentKeywords = []string{"contentEncoding", "contentMediaType", "contentSchema"}

func init() {
	pair(Rule{ID: "content-added", Description: "contentEncoding, contentMediaType or contentSchema added (judged as an assertion, like format)", Direction: Narrow},
		Rule{ID: "content-removed", Description: "contentEncoding, contentMediaType or contentSchema removed (judged as an assertion, like format)", Direction: Widen, OnOld: true})
	self(Rule{ID: "content-changed", Description: "contentEncoding, contentMediaType or contentSchema changed (judged as an assertion, like format)", Direction: Both})
}

// content compares the content keywords of two schemas; they constrain
// strings only, so it runs with the other string keywords.
func (d *differ) content(o, n *jsv.Schema, c cctx) {
	or, nr := d.old.rawOf(o), d.new.rawOf(n)
	if or.obj == nil && nr.obj == nil {
		return
	}
	for _, kw := range contentKeywords {
		ov, oh := or.obj[kw]
		nv, nh := nr.obj[kw]
		switch {
		case !oh && !nh:
		case !oh:
			d.emit(c, "content-added", o, n, "/"+kw, "%s added%s", kw, fromTo(nil, false, nv, true))
		case !nh:
			d.emit(c, "content-removed", o, n, "/"+kw, "%s removed%s", kw, fromTo(ov, true, nil, false))
		case !sameContent(ov, nv):
			d.emit(c, "content-changed", o, n, "/"+kw, "%s changed%s", kw, fromTo(ov, true, nv, true))
		}
	}
}

// sameContent compares two values of a content keyword: encodings and media
// types are names compared without regard to case (RFC 2045, RFC 6838),
// contentSchema values as JSON.
func sameContent(a, b any) bool {
	if x, ok := a.(string); ok {
		y, ok := b.(string)
		return ok && strings.EqualFold(x, y)
	}
	return jsonEqual(a, b)
}
