// Package asyncapi is dsctl's AsyncAPI compatibility engine. It reads
// AsyncAPI 2.6 and 3.0 documents (JSON or YAML, with $refs to files beside
// them, a line and column for every node), validates them against the
// official AsyncAPI JSON Schemas (vendored from @asyncapi/specs), reads them
// into channels, operations and the messages each operation sends or
// receives (in 2.6 an application's subscribe operation is one where it
// sends), and compares two versions: channels and addresses, channel
// parameters, operations, the messages of each operation, contentType,
// correlationId and the Kafka binding's key.
//
// Payloads and headers go through the JSON Schema engine (compat/jsonschema)
// in the direction their messages flow: FORWARD for a message the
// application sends (consumers on the old schema read new messages),
// BACKWARD for one it receives (the new code reads what old producers send),
// FULL for one it does both with, unless the options name a mode. Payloads in
// other schema formats (Avro, Protobuf, RAML) are not judged: a change to one
// is major.
package asyncapi
