package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Instance is one event instance to validate: its name (a file, or "-") and bytes.
type Instance struct {
	Name string
	Data []byte
}

// InstanceResult is the verdict on one instance.
type InstanceResult struct {
	File  string `json:"file"`
	Valid bool   `json:"valid"`
	// CloudEvent is true when the instance was a CloudEvents envelope (its data was validated).
	CloudEvent bool        `json:"cloudEvent,omitempty"`
	Violations []Violation `json:"violations"`
}

// ValidateReport is the result of validating instances of one event.
type ValidateReport struct {
	Contract string           `json:"contract"`
	Event    string           `json:"event"`
	Results  []InstanceResult `json:"results"`
	Valid    bool             `json:"valid"`
}

// ValidateInstances validates each instance against the schema of event in
// c. An instance is either the event itself (raw JSON) or a CloudEvents
// envelope (a JSON object with "specversion" and "type"): then its "type"
// must name the event (EVENT or ending in ".EVENT"), its "dataschema", when
// present, must be the schema's $id or end with the schema's path, and its
// "data" is what is validated. Violations are findings, not errors; an
// unknown event or a schema that does not compile is an error.
func ValidateInstances(c *Contract, event string, insts []Instance) (*ValidateReport, error) {
	schemas, err := c.Schemas()
	if err != nil {
		return nil, err
	}
	sch, e, err := schemas.Event(event)
	if err != nil {
		return nil, err
	}
	schemaID := ""
	if sch != nil {
		schemaID = schemaIDOf(c, e.Schema)
	}
	r := &ValidateReport{Contract: label(c), Event: event, Valid: true, Results: []InstanceResult{}}
	for _, in := range insts {
		res := validateOne(sch, e, schemaID, in)
		if !res.Valid {
			r.Valid = false
		}
		r.Results = append(r.Results, res)
	}
	return r, nil
}

func schemaIDOf(c *Contract, p string) string {
	data, err := readFile(c, p)
	if err != nil {
		return ""
	}
	var top struct {
		ID string `json:"$id"`
	}
	_ = json.Unmarshal(data, &top)
	return top.ID
}

func validateOne(sch *jsonschema.Schema, e *Event, schemaID string, in Instance) InstanceResult {
	res := InstanceResult{File: in.Name, Violations: []Violation{}}
	if err := checkJSON(in.Name, in.Data); err != nil {
		se := err.(*jsonSyntaxError)
		res.Violations = append(res.Violations, Violation{Message: "not valid JSON: " + se.msg, Line: se.line, Column: se.col})
		return res
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(in.Data))
	if err != nil {
		res.Violations = append(res.Violations, Violation{Message: fmt.Sprintf("not valid JSON: %v", err)})
		return res
	}
	defer func() {
		// Each violation at the line of the offending value in the file.
		for i := range res.Violations {
			if res.Violations[i].Line == 0 {
				res.Violations[i].Line = jsonLine(in.Data, res.Violations[i].Pointer)
			}
		}
	}()
	prefix := ""
	if env, ok := inst.(map[string]any); ok && isCloudEvent(env) {
		res.CloudEvent = true
		prefix = "/data"
		typ, isString := env["type"].(string)
		if !isString {
			res.Violations = append(res.Violations, Violation{Pointer: "/type", Message: fmt.Sprintf("CloudEvents type must be a string naming the event (%s or a name ending in .%s)", e.Name, e.Name)})
		} else if typ != e.Name && !strings.HasSuffix(typ, "."+e.Name) {
			res.Violations = append(res.Violations, Violation{Pointer: "/type", Message: fmt.Sprintf("CloudEvents type %q is not event %s (want %s or a name ending in .%s)", typ, e.Name, e.Name, e.Name)})
		}
		if ds, ok := env["dataschema"]; ok {
			s, _ := ds.(string)
			if s == "" || !(s == schemaID || strings.HasSuffix(s, "/"+e.Schema) || s == e.Schema) {
				res.Violations = append(res.Violations, Violation{Pointer: "/dataschema", Message: fmt.Sprintf("dataschema %q is not the schema of %s (%s)", s, e.Name, firstNonEmpty(schemaID, e.Schema))})
			}
		}
		if ct, ok := env["datacontenttype"].(string); ok && ct != "application/json" && !strings.HasSuffix(ct, "+json") {
			res.Violations = append(res.Violations, Violation{Pointer: "/datacontenttype", Message: fmt.Sprintf("datacontenttype %q is not JSON", ct)})
		}
		data, has := env["data"]
		if !has {
			msg := "CloudEvents envelope has no data"
			if _, b64 := env["data_base64"]; b64 {
				msg = "data_base64 is not supported; send the event as JSON data"
			}
			res.Violations = append(res.Violations, Violation{Pointer: "/data", Message: msg})
			return res
		}
		inst = data
	}
	for _, v := range Validate(sch, inst) {
		v.Pointer = prefix + v.Pointer
		res.Violations = append(res.Violations, v)
	}
	res.Valid = len(res.Violations) == 0
	return res
}

// isCloudEvent: an object with a string specversion and a type is an
// envelope (a type that is not a string is then reported, rather than the
// envelope being judged as the event itself).
func isCloudEvent(m map[string]any) bool {
	_, sv := m["specversion"].(string)
	_, ty := m["type"]
	return sv && ty
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
