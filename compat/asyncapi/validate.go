package asyncapi

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dsctl/dsctl/compat/source"
	"github.com/dsctl/dsctl/internal/errkind"
	jsv "github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The official AsyncAPI JSON Schemas, from the npm package @asyncapi/specs
// (Apache-2.0; see schemas/LICENSE and schemas/NOTICE).
//
//go:embed schemas/2.6.0.json schemas/3.0.0.json
var specFS embed.FS

// Versions lists the AsyncAPI versions dsctl reads.
var Versions = []string{"2.6.0", "3.0.0"}

type compiledSpec struct {
	once sync.Once
	sch  *jsv.Schema
	err  error
}

var specs = map[string]*compiledSpec{"2.6.0": {}, "3.0.0": {}}

// specSchema returns the compiled official schema of an AsyncAPI version.
func specSchema(version string) (*jsv.Schema, error) {
	cs, ok := specs[version]
	if !ok {
		return nil, fmt.Errorf("no schema for AsyncAPI %s", version)
	}
	cs.once.Do(func() {
		data, err := specFS.ReadFile("schemas/" + version + ".json")
		if err != nil {
			cs.err = err
			return
		}
		doc, err := jsv.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			cs.err = fmt.Errorf("parse the AsyncAPI %s schema: %w", version, err)
			return
		}
		c := jsv.NewCompiler()
		url := "https://dsctl.dev/asyncapi/" + version + ".json"
		if err := c.AddResource(url, doc); err != nil {
			cs.err = fmt.Errorf("load the AsyncAPI %s schema: %w", version, err)
			return
		}
		cs.sch, cs.err = c.Compile(url)
		if cs.err != nil {
			cs.err = fmt.Errorf("compile the AsyncAPI %s schema: %w", version, cs.err)
		}
	})
	return cs.sch, cs.err
}

// validate checks the root document against the official schema of its
// version and returns an input error at the line of the first violation.
func validate(f *file, version string) error {
	sch, err := specSchema(version)
	if err != nil {
		return err
	}
	err = sch.Validate(f.value)
	if err == nil {
		return nil
	}
	var ve *jsv.ValidationError
	if !errors.As(err, &ve) {
		return errkind.InputAt(f.display, 0, 0, fmt.Errorf("not a valid AsyncAPI %s document: %w", version, err))
	}
	leaf := deepest(ve)
	ptr := ""
	for _, t := range leaf.InstanceLocation {
		ptr += "/" + source.EscapeToken(t)
	}
	p := f.position(ptr)
	at := "#" + ptr
	if ptr == "" {
		at = "the root"
	}
	msg := strings.Join(strings.Fields(leaf.ErrorKind.LocalizedString(printer)), " ")
	return errkind.InputAt(f.display, p.line, p.col, fmt.Errorf("not a valid AsyncAPI %s document: at %s: %s", version, at, msg))
}

// deepest returns the cause that points deepest into the document: with
// AsyncAPI's oneOf between an object and a $ref, the deepest is the one that
// names what is wrong.
func deepest(ve *jsv.ValidationError) *jsv.ValidationError {
	best := ve
	var walk func(e *jsv.ValidationError)
	walk = func(e *jsv.ValidationError) {
		if len(e.Causes) == 0 {
			if len(e.InstanceLocation) > len(best.InstanceLocation) || len(best.Causes) > 0 {
				best = e
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return best
}

var printer = message.NewPrinter(language.English)
