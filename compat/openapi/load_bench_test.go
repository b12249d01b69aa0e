package openapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// BenchmarkLoad is the A/B of the fast load (fastload.go, jsonnodes.go)
// against kin-openapi's own load with origins, which it stands in for, on
// the 400-operation synthetic API in YAML and in JSON: one document, and
// two at once as compat check loads them (kin-openapi decodes one at a
// time under its package lock; the fast load does not take it).
func BenchmarkLoad(b *testing.B) {
	y := []byte(syntheticAPI(400, false))
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		b.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	location := &url.URL{Path: "openapi.yaml"}
	for _, doc := range []struct {
		name string
		data []byte
	}{{"yaml", y}, {"json", j}} {
		b.Run(doc.name+"/kin", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			for b.Loop() {
				loader := openapi3.NewLoader()
				loader.IncludeOrigin = true
				loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, fs.ErrNotExist }
				if _, err := loader.LoadFromDataWithPath(doc.data, location); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(doc.name+"/fast", func(b *testing.B) {
			b.SetBytes(int64(len(doc.data)))
			for b.Loop() {
				if _, ok := fastLoad(context.Background(), doc.data, location); !ok {
					b.Fatal("fastLoad declined")
				}
			}
		})
		b.Run(doc.name+"/pair-kin", func(b *testing.B) {
			for b.Loop() {
				loadPair(b, func() bool {
					loader := openapi3.NewLoader()
					loader.IncludeOrigin = true
					loader.ReadFromURIFunc = func(*openapi3.Loader, *url.URL) ([]byte, error) { return nil, fs.ErrNotExist }
					_, err := loader.LoadFromDataWithPath(doc.data, location)
					return err == nil
				})
			}
		})
		b.Run(doc.name+"/pair-fast", func(b *testing.B) {
			for b.Loop() {
				loadPair(b, func() bool {
					_, ok := fastLoad(context.Background(), doc.data, location)
					return ok
				})
			}
		})
	}
}

// loadPair runs load twice at once, as Engine.run loads OLD and NEW.
func loadPair(b *testing.B, load func() bool) {
	done := make(chan bool)
	go func() { done <- load() }()
	if !load() || !<-done {
		b.Fatal("load failed")
	}
}

// BenchmarkParseJSON is the A/B of jsonNodes against the YAML parser it
// stands in for on JSON: the same node tree from the same bytes.
func BenchmarkParseJSON(b *testing.B) {
	var v any
	if err := yaml.Unmarshal([]byte(syntheticAPI(400, false)), &v); err != nil {
		b.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("yaml", func(b *testing.B) {
		b.SetBytes(int64(len(j)))
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(j, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonNodes", func(b *testing.B) {
		b.SetBytes(int64(len(j)))
		for b.Loop() {
			if _, ok := jsonNodes(j); !ok {
				b.Fatal("jsonNodes declined")
			}
		}
	})
}
