// Package examples holds the example system that the README walks through and
// the end-to-end tests use: the orders contract package (events and the
// orders-api OpenAPI spec), the billing and shipping consumers, a web folder of
// static assets, and next versions of the contract under changes/. Its tests
// keep these files valid: the schemas compile, the example events validate,
// the specs load, dsctl.yaml decodes, and every asset a page names exists.
package examples
