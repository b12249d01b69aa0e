// Package arch holds no code of its own: its test enforces the import
// direction that docs/architecture.md describes, so the layering stays true
// as the project grows.
package arch
