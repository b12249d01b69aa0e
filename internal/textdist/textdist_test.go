package textdist

import "testing"

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"out", "out", 0},
		{"otu", "out", 2},        // a swap is two edits
		{"ouptut", "output", 2},  // likewise, in the middle
		{"outt", "out", 1},       // one deletion
		{"ot", "out", 1},         // one insertion
		{"oot", "out", 1},        // one substitution
		{"kitten", "sitting", 3}, // the textbook case
		{"flaw", "lawn", 2},
		{"Pet", "pet", 1},   // case counts
		{"café", "cafe", 1}, // runes, not bytes: é is one character
		{"Straße", "Strasse", 2},
		{"keep", "registry", 7},
	} {
		if got := Levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Levenshtein(tc.b, tc.a); got != tc.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}
