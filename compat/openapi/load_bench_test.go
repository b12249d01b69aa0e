package openapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/url"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"
)

// syntheticDoc is the synthetic API in one syntax.
type syntheticDoc struct {
	name string
	data []byte
}

// syntheticDocs is the 400-operation synthetic API as YAML and as JSON.
func syntheticDocs(b *testing.B) []syntheticDoc {
	y := []byte(syntheticAPI(400, false))
	var v any
	if err := yaml.Unmarshal(y, &v); err != nil {
		b.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return []syntheticDoc{{"yaml", y}, {"json", j}}
}

// BenchmarkLoad is the A/B of the fast load (fastload.go, jsonnodes.go)
// against kin-openapi's own load with origins, which it stands in for, on
// the 400-operation synthetic API in YAML and in JSON: one document, and
// two at once as compat check loads them (kin-openapi decodes one at a
// time under its package lock; the fast load does not take it).
func BenchmarkLoad(b *testing.B) {
	location := &url.URL{Path: "openapi.yaml"}
	for _, doc := range syntheticDocs(b) {
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

// BenchmarkLoadPeak is the A/B of the entry-at-a-time decode (detachSections)
// against decoding the whole node tree at once, and of the entry-at-a-time
// parse of a YAML document (loadEntries) against both: the peak of live heap
// during one fast load of the synthetic API, in YAML and in JSON, reported as
// peak-live-MB. The collector runs at GOGC 10 during the load so that the
// heap in use follows what is live, sampled every 100 µs.
func BenchmarkLoadPeak(b *testing.B) {
	location := &url.URL{Path: "openapi.yaml"}
	for _, doc := range syntheticDocs(b) {
		for _, mode := range []string{"whole", "sections", "entries"} {
			if mode == "entries" && doc.name == "json" {
				continue
			}
			b.Run(doc.name+"/"+mode, func(b *testing.B) {
				defer func(whole, entries bool) { decodeWhole, parseEntries = whole, entries }(decodeWhole, parseEntries)
				decodeWhole, parseEntries = mode == "whole", mode == "entries"
				defer debug.SetGCPercent(debug.SetGCPercent(10))
				var peak uint64
				for b.Loop() {
					peak += peakLive(func() {
						if _, ok := fastLoad(context.Background(), doc.data, location); !ok {
							b.Fatal("fastLoad declined")
						}
					})
				}
				b.ReportMetric(float64(peak)/float64(b.N)/(1<<20), "peak-live-MB")
			})
		}
	}
}

// peakLive runs f and returns the most heap in use by objects while it ran,
// above what was in use before it.
func peakLive(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var most uint64
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			most = max(most, read())
			select {
			case <-stop:
				done <- most
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	most := <-done
	if most < base {
		return 0
	}
	return most - base
}
