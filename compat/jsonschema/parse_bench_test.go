package jsonschema

import "testing"

func BenchmarkParseEvent(b *testing.B) {
	data := benchPairs(1)[0][0]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseDocument(data); err != nil {
			b.Fatal(err)
		}
	}
}
