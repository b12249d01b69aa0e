package openapi

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// Reading info.version without a second parse.
//
// compat check asks for the version each side declares (Engine.Version) right
// after comparing them, and Version parses the whole YAML document again for
// one field: on DataDog's 1.2 MB specs that was a seventh of the run. The load
// already knows where info.version is (kin-openapi's origins give the line and
// column of its key), so loadSpec reads the value from that one line, and
// Version takes it from here when the bytes it reads are the bytes loadSpec
// loaded. The result is what parsing the whole document gives: the line is
// parsed as YAML the same way, and it is only used when it holds the whole
// scalar (its text equals the value the load read) in block style, with no
// tag or alias; anything else (a flow mapping, a value over several lines)
// leaves the cache alone and Version parses the document as before.

// versionMemoSize bounds the cache: a run reads two documents (a transitive
// check a few more); older entries are dropped first.
const versionMemoSize = 16

var versionMemo struct {
	mu    sync.Mutex
	m     map[memoKey]string
	order []memoKey
}

// memoKey names a document by its length and a 64-bit hash under a seed
// chosen at random when the process starts, so no document can be made to
// collide with another. (SHA-256 of each document, twice a run, was over 1%
// of a run's CPU time on DataDog's 1.2 MB specs.)
type memoKey struct {
	n    int
	hash uint64
}

var memoSeed = maphash.MakeSeed()

func keyOf(data []byte) memoKey { return memoKey{len(data), maphash.Bytes(memoSeed, data)} }

// fullVersionParses counts the parses of a whole document by Version (tests).
var fullVersionParses atomic.Int64

// rememberVersion records the info.version of a document that loaded into
// doc from data (the bytes the loader read), when its line tells it exactly,
// under raw (the bytes as read from the file, which Version will read).
func rememberVersion(raw, data []byte, doc *openapi3.T) {
	v, ok := declaredVersion(data, doc)
	if !ok {
		return
	}
	key := keyOf(raw)
	versionMemo.mu.Lock()
	defer versionMemo.mu.Unlock()
	if versionMemo.m == nil {
		versionMemo.m = map[memoKey]string{}
	}
	if _, ok := versionMemo.m[key]; ok {
		return
	}
	if len(versionMemo.order) == versionMemoSize {
		delete(versionMemo.m, versionMemo.order[0])
		versionMemo.order = versionMemo.order[1:]
	}
	versionMemo.m[key] = v
	versionMemo.order = append(versionMemo.order, key)
}

// rememberedVersion returns the version recorded for data.
func rememberedVersion(data []byte) (string, bool) {
	key := keyOf(data)
	versionMemo.mu.Lock()
	defer versionMemo.mu.Unlock()
	v, ok := versionMemo.m[key]
	return v, ok
}

// declaredVersion reads info.version from its line in data: the text from
// the key's column to the end of the line must parse as a one-key YAML
// mapping whose value is an untagged block scalar whose text is the whole
// value the load read.
func declaredVersion(data []byte, doc *openapi3.T) (string, bool) {
	if doc == nil || doc.Info == nil || doc.Info.Origin == nil {
		return "", false
	}
	loc, ok := doc.Info.Origin.Fields.Lookup("version")
	if !ok || loc.Line < 1 || loc.Column < 1 {
		return "", false
	}
	line, ok := nthLine(data, loc.Line)
	if !ok || loc.Column-1 > len(line) {
		return "", false
	}
	// Only indentation before the key: a key inside a flow mapping
	// ({title: x, version: 1}) is left to the whole parse.
	for _, c := range line[:loc.Column-1] {
		if c != ' ' {
			return "", false
		}
	}
	frag := line[loc.Column-1:]
	if !utf8.Valid(frag) {
		return "", false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(frag, &root); err != nil {
		return "", false
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return "", false
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode || m.Style != 0 || len(m.Content) != 2 || m.Content[0].Value != "version" {
		return "", false
	}
	val := m.Content[1]
	if val.Kind != yaml.ScalarNode || val.Style&(yaml.TaggedStyle|yaml.FlowStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 || val.Anchor != "" {
		return "", false
	}
	if val.Value != doc.Info.Version {
		// The scalar goes on past this line, or the load read it otherwise.
		return "", false
	}
	var v any
	if err := val.Decode(&v); err != nil {
		return "", false
	}
	return versionString(v), true
}

// versionString is how Version writes a decoded info.version.
func versionString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// nthLine returns line n (1-based) of data without its line break.
func nthLine(data []byte, n int) ([]byte, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return nil, false
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return bytes.TrimSuffix(data, []byte("\r")), true
}
