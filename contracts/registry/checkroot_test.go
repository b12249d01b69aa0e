package registry

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsctl/dsctl/internal/errkind"
)

func TestOpenRefusesWhatIsNotAStore(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	file := filepath.Join(dir, "file")
	store := filepath.Join(dir, "store")
	os.MkdirAll(empty, 0o755)
	os.WriteFile(file, []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(store, "orders"), 0o755)
	os.WriteFile(filepath.Join(store, "orders", "index.json"), []byte("{}"), 0o644)
	for ref, want := range map[string]string{
		empty:                           "no contract is published in it",
		file:                            "it is a file",
		LayoutScheme + empty:            "no contract is published in it",
		filepath.Join(store, "orders"):  "the OCI layout of one contract",
		store:                           "",
		filepath.Join(dir, "not-there"): "", // nothing published yet: an empty store
	} {
		_, err := Open(ref, Options{})
		if want == "" {
			if err != nil {
				t.Errorf("Open(%s) = %v", ref, err)
			}
			continue
		}
		if errkind.Of(err) != errkind.Input || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ref) {
			t.Errorf("Open(%s) = %v, want an input error naming it: %s", ref, err, want)
		}
		// A command that creates the store (publish) opens it.
		if _, err := Open(ref, Options{Create: true}); err != nil && want != "it is a file" {
			t.Errorf("Open(%s, Create) = %v", ref, err)
		}
	}
}

// The hint under a folder that is not a store names the publish that makes
// one there, with the reference shell-quoted so that it pastes as one word.
func TestCheckLayoutRootHintQuotesRef(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for ref, want := range map[string]string{
		"my store":                 "dsctl contract publish --registry 'my store'",
		"oci-layout:it's here":     `dsctl contract publish --registry 'oci-layout:it'\''s here'`,
		"plain":                    "dsctl contract publish --registry plain",
		"$(touch pwned)":           "dsctl contract publish --registry '$(touch pwned)'",
		"oci-layout:a b;echo oops": "dsctl contract publish --registry 'oci-layout:a b;echo oops'",
	} {
		root := strings.TrimPrefix(ref, LayoutScheme)
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		err := CheckLayoutRoot(ref, root)
		var e *errkind.Error
		if !errors.As(err, &e) {
			t.Fatalf("CheckLayoutRoot(%q) = %v, want an *errkind.Error", ref, err)
		}
		if !strings.HasSuffix(e.Hint, ": "+want) {
			t.Errorf("CheckLayoutRoot(%q) hint = %q, want it to end with %q", ref, e.Hint, want)
		}
	}
}
