// Package cmdline writes command lines for people to copy: the commands
// that hints and drift messages tell the user to run. It quotes words for a
// POSIX shell (bash, zsh, dash) so that a path with a space or a constraint
// like ^1 survives the paste.
package cmdline

import "strings"

// safe are the bytes no POSIX shell treats specially in an unquoted word.
const safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-"

// Quote returns s as one shell word: as it is when every byte is safe,
// otherwise in single quotes (a ' inside becomes '\”).
func Quote(s string) string {
	if s != "" && strings.Trim(s, safe) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}
