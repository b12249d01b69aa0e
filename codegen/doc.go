// Package codegen gives each consuming service its own copy of the DTOs of
// an API it calls: it loads an OpenAPI spec (3.0 or 3.1) once, computes the
// closure of the schemas a service's operations, tags and root schemas reach,
// builds a spec with only those schemas and no paths, and renders Go types
// with oapi-codegen (as a library, models only). The output is gofmt'd,
// deterministic, headed by the spec's path and digest (never a tool
// version), and type-checked with go/types before anyone writes it.
//
// It also renders Go types for a contract package's event schemas
// (GenerateEvents) and compares generated code with what is on disk
// (UnifiedDiff) for drift checks.
//
// The package never writes to stdout or exits; callers write the returned
// code (atomically) and print the returned reports.
package codegen
