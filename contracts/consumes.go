package contracts

import (
	"errors"
	"fmt"
	"io/fs"
	"math/big"

	"github.com/dsctl/dsctl/internal/fsx"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Consume is one entry of contract.yaml's consumes: an event of another
// package that this package's service reads, the producer versions it
// accepts, and its reader schema: only what it relies on.
type Consume struct {
	// Package is the producer's package name.
	Package string `yaml:"package" json:"package"`
	// Event is the producer's event name.
	Event string `yaml:"event" json:"event"`
	// Version is a semver range of the producer versions the consumer accepts ("^1").
	Version string `yaml:"version" json:"version"`
	// Schema is the reader schema, a file of this package.
	Schema string `yaml:"schema" json:"schema"`
	// Line and Column are where the entry starts in contract.yaml.
	Line   int `yaml:"-" json:"-"`
	Column int `yaml:"-" json:"-"`
}

// Constraint returns the parsed version range (validated by Parse).
func (c Consume) Constraint() *semver.Constraints {
	cs, err := semver.NewConstraint(c.Version)
	if err != nil {
		cs, _ = semver.NewConstraint("<0.0.0-0")
	}
	return cs
}

// Accepts reports whether the range contains v. A pre-release producer
// version is judged as its release ("1.2.0-rc.1" as "1.2.0"): semver ranges
// leave pre-releases out unless they name one, and a consumer of ^1 does
// read what 1.2.0-rc.1 sends.
func (c Consume) Accepts(v *semver.Version) bool {
	if v.Prerelease() != "" {
		if r, err := v.SetPrerelease(""); err == nil {
			v = &r
		}
	}
	return c.Constraint().Check(v)
}

// Consumed returns the consumes entries that name the package producer.
func (c *Contract) Consumed(producer string) []Consume {
	var out []Consume
	for _, x := range c.Consumes {
		if x.Package == producer {
			out = append(out, x)
		}
	}
	return out
}

func (c *Contract) validateConsumes(file string) error {
	seen := map[string]int{}
	for _, x := range c.Consumes {
		at := func(format string, args ...any) error {
			return errkind.InputAt(file, x.Line, x.Column, fmt.Errorf(format, args...))
		}
		switch {
		case x.Package == "":
			return at("consumes entry needs package (the producer's package name)")
		case !registry.ValidName(x.Package):
			return at("consumes: invalid package name %q: want lower case letters, digits, '.' and '-'", x.Package)
		case x.Event == "":
			return at("consumes %s: entry needs event", x.Package)
		case !eventNameRE.MatchString(x.Event):
			return at("consumes %s: event name %q: want an UpperCamelCase identifier such as OrderPlaced", x.Package, x.Event)
		case x.Version == "":
			return at("consumes %s %s: entry needs version, the producer versions it accepts (such as ^1)", x.Package, x.Event)
		case x.Schema == "":
			return at("consumes %s %s: entry needs schema, the reader schema (what the consumer relies on)", x.Package, x.Event)
		}
		if _, err := semver.NewConstraint(x.Version); err != nil {
			return at("consumes %s %s: invalid version range %q: %v", x.Package, x.Event, x.Version, err)
		}
		if err := checkRel(x.Schema); err != nil {
			return at("consumes %s %s: %w", x.Package, x.Event, err)
		}
		if x.Package == c.Name {
			return at("consumes %s %s: a package does not consume its own events", x.Package, x.Event)
		}
		key := x.Package + " " + x.Event
		if prev, dup := seen[key]; dup {
			return at("consumes %s %s already declared at line %d", x.Package, x.Event, prev)
		}
		seen[key] = x.Line
	}
	return nil
}

// lintConsumes checks each reader schema: the file exists, compiles, and
// accepts at least one instance.
func lintConsumes(c *Contract, schemas *Schemas, r *LintReport) {
	manifest := c.File(FileName)
	add := func(f Finding) {
		rule, _ := RuleByID(f.Rule)
		f.Severity = rule.Severity
		r.Findings = append(r.Findings, f)
	}
	for _, x := range c.Consumes {
		if _, err := fs.Stat(c.FS, x.Schema); err != nil {
			add(Finding{Rule: RuleFileMissing, File: manifest, Line: x.Line, Column: x.Column,
				Message: fmt.Sprintf("consumes %s %s: reader schema %s: %v", x.Package, x.Event, x.Schema, fsx.PathCause(err))})
			continue
		}
		sch, err := schemas.Compile(x.Schema)
		if err != nil {
			f := Finding{Rule: RuleSchemaInvalid, File: c.File(x.Schema), Message: err.Error()}
			var ke *errkind.Error
			if errors.As(err, &ke) && ke.Err != nil {
				f.Message = ke.Err.Error()
				if ke.File != "" {
					f.File, f.Line, f.Column = ke.File, ke.Line, ke.Column
				}
			}
			add(f)
			continue
		}
		if !Satisfiable(sch) {
			add(Finding{Rule: RuleReaderUnsatisfiable, File: c.File(x.Schema),
				Message: fmt.Sprintf("consumes %s %s: the reader schema accepts no instance at all, so every event would be rejected", x.Package, x.Event)})
		}
	}
}

// JSON types as bits, for Satisfiable.
const (
	tNull = 1 << iota
	tBool
	tNumber
	tString
	tArray
	tObject
	tAll = tNull | tBool | tNumber | tString | tArray | tObject
)

func typeBits(t *jsonschema.Types) int {
	if t == nil {
		return tAll
	}
	m := 0
	for _, s := range t.ToStrings() {
		switch s {
		case "null":
			m |= tNull
		case "boolean":
			m |= tBool
		case "number", "integer":
			m |= tNumber
		case "string":
			m |= tString
		case "array":
			m |= tArray
		case "object":
			m |= tObject
		}
	}
	return m
}

func valueBits(v any) int {
	switch v.(type) {
	case nil:
		return tNull
	case bool:
		return tBool
	case string:
		return tString
	case []any:
		return tArray
	case map[string]any:
		return tObject
	}
	return tNumber
}

// Satisfiable reports whether a compiled schema can accept some instance. It
// errs on the side of yes: it answers no only for contradictions it proves
// (a false schema, disjoint types, an enum none of whose values validate,
// bounds that cross, a required property no value satisfies, an allOf with
// such a member, an anyOf/oneOf whose members all are), so lint never
// rejects a reader schema that could match.
func Satisfiable(s *jsonschema.Schema) bool {
	return satTypes(s, map[*jsonschema.Schema]bool{}, 0) != 0
}

func satTypes(s *jsonschema.Schema, busy map[*jsonschema.Schema]bool, depth int) int {
	if s == nil {
		return tAll
	}
	if s.Bool != nil {
		if *s.Bool {
			return tAll
		}
		return 0
	}
	if busy[s] || depth > 64 {
		return tAll // a cycle or a deep schema: assume it can match
	}
	busy[s] = true
	defer delete(busy, s)
	sub := func(x *jsonschema.Schema) int { return satTypes(x, busy, depth+1) }

	m := typeBits(s.Types)
	if s.Ref != nil {
		m &= sub(s.Ref)
	}
	for _, x := range s.AllOf {
		m &= sub(x)
	}
	for _, group := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf} {
		if len(group) == 0 {
			continue
		}
		u := 0
		for _, x := range group {
			u |= sub(x)
		}
		m &= u
	}
	if s.Not != nil && s.Not.Bool != nil && *s.Not.Bool {
		return 0
	}
	if m&tNumber != 0 && !numberRangeOK(s) {
		m &^= tNumber
	}
	if m&tString != 0 && s.MinLength != nil && s.MaxLength != nil && *s.MinLength > *s.MaxLength {
		m &^= tString
	}
	if m&tArray != 0 && !arrayOK(s, sub) {
		m &^= tArray
	}
	if m&tObject != 0 && !objectOK(s, sub) {
		m &^= tObject
	}
	if m == 0 {
		return 0
	}
	// enum and const: satisfiable exactly when one of the listed values
	// validates against the whole schema.
	var values []any
	listed := false
	if s.Enum != nil {
		values, listed = s.Enum.Values, true
	}
	if s.Const != nil {
		values, listed = []any{*s.Const}, true
	}
	if listed {
		vm := 0
		for _, v := range values {
			if s.Validate(v) == nil {
				vm |= valueBits(v)
			}
		}
		m &= vm
	}
	return m
}

func numberRangeOK(s *jsonschema.Schema) bool {
	lo, loEx := s.Minimum, false
	if s.ExclusiveMinimum != nil && (lo == nil || s.ExclusiveMinimum.Cmp(lo) >= 0) {
		lo, loEx = s.ExclusiveMinimum, true
	}
	hi, hiEx := s.Maximum, false
	if s.ExclusiveMaximum != nil && (hi == nil || s.ExclusiveMaximum.Cmp(hi) <= 0) {
		hi, hiEx = s.ExclusiveMaximum, true
	}
	if lo == nil || hi == nil {
		return true
	}
	switch c := lo.Cmp(hi); {
	case c > 0:
		return false
	case c == 0:
		if loEx || hiEx {
			return false
		}
		if s.MultipleOf != nil && s.MultipleOf.Sign() != 0 {
			q := new(big.Rat).Quo(lo, s.MultipleOf)
			return q.IsInt()
		}
	}
	return true
}

func arrayOK(s *jsonschema.Schema, sub func(*jsonschema.Schema) int) bool {
	minItems := 0
	if s.MinItems != nil {
		minItems = *s.MinItems
	}
	if s.MaxItems != nil && minItems > *s.MaxItems {
		return false
	}
	for i, p := range s.PrefixItems {
		if i < minItems && sub(p) == 0 {
			return false
		}
	}
	if minItems > len(s.PrefixItems) && s.Items2020 != nil && sub(s.Items2020) == 0 {
		return false
	}
	if it, ok := s.Items.(*jsonschema.Schema); ok && minItems > 0 && sub(it) == 0 {
		return false
	}
	if s.Contains != nil && sub(s.Contains) == 0 && (s.MinContains == nil || *s.MinContains > 0) {
		return false
	}
	return true
}

func objectOK(s *jsonschema.Schema, sub func(*jsonschema.Schema) int) bool {
	if s.MinProperties != nil && s.MaxProperties != nil && *s.MinProperties > *s.MaxProperties {
		return false
	}
	req := map[string]bool{}
	for _, n := range s.Required {
		req[n] = true
	}
	if s.MaxProperties != nil && len(req) > *s.MaxProperties {
		return false
	}
	for n := range req {
		if p, ok := s.Properties[n]; ok {
			if sub(p) == 0 {
				return false
			}
			continue
		}
		if len(s.PatternProperties) > 0 {
			continue // a pattern may govern it: do not judge
		}
		if ap, ok := s.AdditionalProperties.(bool); ok && !ap {
			return false
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && sub(ap) == 0 {
			return false
		}
	}
	return true
}

// Add appends findings of the rules in Rules (their severity filled in) and
// sorts and counts the report again; checks outside this package (the
// consumes checks against a store) report through it.
func (r *LintReport) Add(fs ...Finding) {
	for _, f := range fs {
		rule, _ := RuleByID(f.Rule)
		f.Severity = rule.Severity
		r.Findings = append(r.Findings, f)
	}
	r.finish()
}
