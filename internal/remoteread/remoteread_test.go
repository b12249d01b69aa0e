package remoteread

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestGetLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			w.Write([]byte(`{"type":"string"}`))
		case "/endless":
			// No Content-Length: stream until the reader stops.
			chunk := make([]byte, 1<<20)
			for range MaxSize/len(chunk) + 4 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/declared":
			w.Header().Set("Content-Length", "3000000000")
		case "/gone":
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	b, err := Get(context.Background(), srv.URL+"/small")
	if err != nil || string(b) != `{"type":"string"}` {
		t.Fatalf("small: %q, %v", b, err)
	}
	for _, p := range []string{"/endless", "/declared"} {
		_, err := Get(context.Background(), srv.URL+p)
		if !errors.Is(err, ErrLimit) || errkind.Of(err) != errkind.Input {
			t.Errorf("%s: err %v, want an input error wrapping ErrLimit", p, err)
		}
	}
	if _, err := Get(context.Background(), srv.URL+"/gone"); errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	if _, err := Get(context.Background(), "file:///etc/passwd"); errkind.Of(err) != errkind.Input {
		t.Errorf("file URL: %v", err)
	}
}

func TestFetcherTotal(t *testing.T) {
	body := strings.Repeat("x", MaxSize)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	}))
	defer srv.Close()
	var f Fetcher
	var err error
	n := 0
	for ; n < 10 && err == nil; n++ {
		_, err = f.Get(context.Background(), srv.URL+"/doc")
	}
	if !errors.Is(err, ErrLimit) || n != MaxTotal/MaxSize+1 {
		t.Fatalf("after %d reads: %v; want the read past %d bytes refused", n, err, MaxTotal)
	}
}

func TestGetTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Get(ctx, srv.URL)
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}
