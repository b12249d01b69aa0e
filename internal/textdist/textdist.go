// Package textdist measures how far apart two short strings are, for the
// "did you mean X?" suggestions dsctl makes when a name is misspelt (an
// unknown flag, a schema or operation a selection does not find). It is
// shared mechanics: it imports no domain package.
package textdist

// Levenshtein returns the edit distance between a and b: the fewest
// single-character insertions, deletions and substitutions that turn a into
// b. It compares runes (é is one character, as the user typed it) and is
// case-sensitive: callers fold case themselves where a suggestion should
// ignore it. It takes O(len(a)*len(b)) time and O(len(b)) memory.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
