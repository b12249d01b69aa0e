// Package hashasset renames static assets by content hash so that rolling
// deploys keep serving the right bytes: every file is copied to
// name-<hex>.ext (sha256 of its final bytes), the references between files
// (CSS url() and @import, HTML src/href/srcset/poster/meta, JavaScript module
// imports, source maps) are rewritten in dependency order, leaves first, and
// a deterministic manifest maps each logical path to its hashed path.
//
// Output folders hold several builds side by side: older versions stay on
// disk and are listed under "previous" in the manifest until a retention rule
// (keep the newest N versions, or anything younger than an age) prunes them.
//
// The package is a library: it never prints, takes a context, and reports
// bad input with errkind input errors and verify mismatches as values.
package hashasset
