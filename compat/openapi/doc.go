// Package openapi is dsctl's OpenAPI compatibility engine. It loads two
// versions of an OpenAPI 3.0 or 3.1 document with kin-openapi (origins on, so
// every change has a file:line:column in YAML and JSON alike), diffs them with
// oasdiff used as a library, runs every oasdiff rule at INFO level, maps each
// rule id to a semver impact (a table generated from oasdiff's rule metadata
// plus explicit overrides), and reports each change once where it is made,
// with the operations it affects listed.
package openapi

//go:generate go run ./internal/gen -out rules_gen.go
