// Package jsonschema is dsctl's JSON Schema compatibility engine for event
// schemas. It compiles two versions of a schema with
// github.com/santhosh-tekuri/jsonschema/v6, walks both compiled trees side by
// side and names every difference with a stable rule id (see Rules), a JSON
// pointer, a file:line:column in the source and an impact that depends on the
// compatibility mode, with Confluent Schema Registry's meaning: BACKWARD means
// every instance valid under OLD is valid under NEW.
//
// Engine implements compat.Engine; DiffFS is the lower-level entry point for
// callers that hold two file systems (a contract package folder before and
// after a change), and Compile with DiffCompiled compile a schema once to diff
// it against several earlier versions. Rules lists every change id.
//
// Every major change carries a witness (compat.Change.Witness): an instance
// one side accepts and the other rejects, found by generating candidates from
// both schemas and checking them with the validator. FindWitness is that
// search on its own, over two compiled schemas, with a count budget; it is
// deterministic.
package jsonschema
