package hashasset

import (
	"bytes"
	"encoding/json"
)

// scanSourceMap finds the top-level "file" field of a source map: the name of
// the generated file the map describes. A map that is not a JSON object, or
// whose "file" holds escapes, has no reference.
func scanSourceMap(src []byte) []Ref {
	dec := json.NewDecoder(bytes.NewReader(src))
	t, err := dec.Token()
	if err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := kt.(string)
		if key != "file" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil
			}
			continue
		}
		off := int(dec.InputOffset())
		vt, err := dec.Token()
		if err != nil {
			return nil
		}
		v, ok := vt.(string)
		if !ok {
			return nil
		}
		end := int(dec.InputOffset())
		// The value starts at the first quote after the key's colon.
		q := bytes.IndexByte(src[off:end], '"')
		if q < 0 || end-1 <= off+q+1 || src[end-1] != '"' {
			return nil
		}
		start := off + q + 1
		raw := src[start : end-1]
		if string(raw) != v {
			return nil // escapes: leave it alone
		}
		// The rest must still be valid JSON for the map to count.
		if !json.Valid(src) {
			return nil
		}
		return []Ref{{Start: start, End: end - 1, URL: v, Context: CtxMapFile}}
	}
	return nil
}
