package jsonschema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	jsv "github.com/santhosh-tekuri/jsonschema/v6"
)

// JSON Schema patterns are ECMA-262 regular expressions; Go's regexp (RE2)
// reads a different dialect. ecmaToGo translates a pattern, read with
// ECMA-262's Unicode ("u" flag) semantics as JSON Schema recommends, into
// an RE2 pattern that matches exactly the same strings, and refuses what it
// cannot translate exactly, naming the feature:
//
//   - translated: \cX control escapes; \s and \S (ECMA-262's white space and
//     line terminators, where RE2's \s is ASCII only); "." (every character
//     but the four line terminators, where RE2's excludes only \n); \uXXXX,
//     surrogate pairs and \u{…}; \xHH; \0; [\b] (backspace); the empty class
//     [] and the any-character class [^]; "[" inside a class (RE2 would read
//     [:alpha:] as a POSIX class); \p{…} with General_Category and Script
//     names RE2 knows (long names included);
//   - refused: lookahead and lookbehind, backreferences (\1, \k<name>),
//     legacy octal escapes, pattern modifiers and RE2's own syntax ((?i),
//     \A, \z, \Q…\E), escapes ECMA-262 does not define (\a, \e), and Unicode
//     properties RE2 lacks (\p{Alphabetic}, Script_Extensions).
//
// \d, \w and \b are ASCII in both dialects, and ^ and $ mean the start and
// end of the input in both (no "m" flag in JSON Schema).
func ecmaToGo(p string) (string, error) {
	t := ecmaTranslator{src: p}
	if err := t.run(); err != nil {
		return "", err
	}
	return t.out.String(), nil
}

// ecmaFeatureError says which ECMA-262 feature a pattern uses that dsctl
// cannot translate to Go's regexp.
type ecmaFeatureError struct {
	feature string // "lookahead (?=…)"
	offset  int    // byte offset in the pattern
}

func (e *ecmaFeatureError) Error() string {
	return fmt.Sprintf("%s at offset %d is not supported (Go's regexp lacks it, and dsctl does not translate it)", e.feature, e.offset)
}

// ecmaSpace is ECMA-262's WhiteSpace and LineTerminator set (\s), as RE2
// class items.
const ecmaSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// ecmaNotSpace is its complement (\S), as RE2 class items: RE2 cannot
// negate a set inside a class.
const ecmaNotSpace = `\x00-\x08\x0e-\x1f\x{21}-\x{9f}\x{a1}-\x{167f}\x{1681}-\x{1fff}\x{200b}-\x{2027}\x{202a}-\x{202e}\x{2030}-\x{205e}\x{2060}-\x{2fff}\x{3001}-\x{fefe}\x{ff00}-\x{10ffff}`

// ecmaDot is "." without the s flag: anything but a line terminator.
const ecmaDot = `[^\n\r\x{2028}\x{2029}]`

type ecmaTranslator struct {
	src     string
	i       int
	out     strings.Builder
	inClass bool
}

func (t *ecmaTranslator) fail(at int, feature string) error {
	return &ecmaFeatureError{feature: feature, offset: at}
}

func (t *ecmaTranslator) peek(k int) byte {
	if t.i+k < len(t.src) {
		return t.src[t.i+k]
	}
	return 0
}

func (t *ecmaTranslator) run() error {
	for t.i < len(t.src) {
		c := t.src[t.i]
		switch {
		case c == '\\':
			if err := t.escape(); err != nil {
				return err
			}
			continue
		case t.inClass:
			switch c {
			case ']':
				t.inClass = false
				t.out.WriteByte(']')
			case '[':
				t.out.WriteString(`\[`)
			default:
				t.copyRune()
				continue
			}
		case c == '[':
			switch {
			case strings.HasPrefix(t.src[t.i:], "[]"):
				t.out.WriteString(`[^\x00-\x{10ffff}]`) // matches nothing
				t.i += 2
				continue
			case strings.HasPrefix(t.src[t.i:], "[^]"):
				t.out.WriteString(`[\x00-\x{10ffff}]`) // any character
				t.i += 3
				continue
			}
			t.inClass = true
			t.out.WriteByte('[')
			if t.peek(1) == '^' {
				t.out.WriteByte('^')
				t.i++
			}
		case c == '.':
			t.out.WriteString(ecmaDot)
		case c == '(':
			if err := t.group(); err != nil {
				return err
			}
			continue
		default:
			t.copyRune()
			continue
		}
		t.i++
	}
	return nil
}

func (t *ecmaTranslator) copyRune() {
	_, n := utf8.DecodeRuneInString(t.src[t.i:])
	t.out.WriteString(t.src[t.i : t.i+n])
	t.i += n
}

// group handles "(" and the group syntaxes that follow it.
func (t *ecmaTranslator) group() error {
	rest := t.src[t.i:]
	switch {
	case !strings.HasPrefix(rest, "(?"):
		t.out.WriteByte('(')
		t.i++
	case strings.HasPrefix(rest, "(?:"):
		t.out.WriteString("(?:")
		t.i += 3
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"):
		return t.fail(t.i, "lookahead "+rest[:3]+"…)")
	case strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"):
		return t.fail(t.i, "lookbehind "+rest[:4]+"…)")
	case strings.HasPrefix(rest, "(?<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 || !validGroupName(rest[3:end]) {
			return t.fail(t.i, "a group name RE2 does not accept")
		}
		t.out.WriteString(rest[:end+1])
		t.i += end + 1
	default:
		return t.fail(t.i, "the group modifier "+rest[:min(len(rest), 3)]+"… (pattern modifiers and RE2's own group syntax)")
	}
	return nil
}

func validGroupName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// escape translates the escape at t.i (a backslash).
func (t *ecmaTranslator) escape() error {
	at := t.i
	if t.i+1 >= len(t.src) {
		return t.fail(at, "a trailing backslash")
	}
	c := t.src[t.i+1]
	t.i += 2
	switch c {
	case 'd', 'D', 'w', 'W', 'f', 'n', 'r', 't', 'v':
		t.out.WriteByte('\\')
		t.out.WriteByte(c)
	case 'b':
		if t.inClass {
			t.out.WriteString(`\x08`)
		} else {
			t.out.WriteString(`\b`)
		}
	case 'B':
		if t.inClass {
			return t.fail(at, `\B inside a character class`)
		}
		t.out.WriteString(`\B`)
	case 's', 'S':
		set := ecmaSpace
		if c == 'S' {
			set = ecmaNotSpace
		}
		if t.inClass {
			t.out.WriteString(set)
		} else {
			t.out.WriteString("[" + set + "]")
		}
	case 'c':
		x := t.peek(0)
		if !('a' <= x && x <= 'z' || 'A' <= x && x <= 'Z') {
			return t.fail(at, `\c not followed by a letter`)
		}
		t.i++
		fmt.Fprintf(&t.out, `\x{%x}`, x%32)
	case '0':
		if d := t.peek(0); '0' <= d && d <= '9' {
			return t.fail(at, "a legacy octal escape \\0"+string(d))
		}
		t.out.WriteString(`\x00`)
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return t.fail(at, "the backreference \\"+string(c))
	case 'k':
		return t.fail(at, `the named backreference \k<…>`)
	case 'x':
		h := t.src[t.i:min(len(t.src), t.i+2)]
		if len(h) != 2 || !isHex(h) {
			return t.fail(at, `\x not followed by two hex digits`)
		}
		t.i += 2
		fmt.Fprintf(&t.out, `\x{%s}`, h)
	case 'u':
		return t.unicodeEscape(at)
	case 'p', 'P':
		return t.property(at, c)
	default:
		switch {
		case c < utf8.RuneSelf && !isAlnum(c):
			// punctuation, space, control: the character itself in both
			t.out.WriteByte('\\')
			t.out.WriteByte(c)
		case c >= utf8.RuneSelf:
			// an identity escape of a non-ASCII character: the character
			t.i--
			r, n := utf8.DecodeRuneInString(t.src[t.i:])
			t.i += n
			t.out.WriteString(regexp.QuoteMeta(string(r)))
		default:
			return t.fail(at, "the escape \\"+string(c)+" (not an ECMA-262 escape with Unicode semantics)")
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return s != ""
}

// unicodeEscape translates \uXXXX (a surrogate pair joined) and \u{X…}.
func (t *ecmaTranslator) unicodeEscape(at int) error {
	if t.peek(0) == '{' {
		end := strings.IndexByte(t.src[t.i:], '}')
		if end < 0 || !isHex(t.src[t.i+1:t.i+end]) {
			return t.fail(at, `a malformed \u{…} escape`)
		}
		v, err := strconv.ParseUint(t.src[t.i+1:t.i+end], 16, 32)
		if err != nil || v > unicode.MaxRune || 0xD800 <= v && v <= 0xDFFF {
			return t.fail(at, `a \u{…} escape that is not a Unicode scalar value`)
		}
		t.i += end + 1
		fmt.Fprintf(&t.out, `\x{%x}`, v)
		return nil
	}
	read := func() (uint64, bool) {
		h := t.src[t.i:min(len(t.src), t.i+4)]
		if len(h) != 4 || !isHex(h) {
			return 0, false
		}
		v, _ := strconv.ParseUint(h, 16, 32)
		t.i += 4
		return v, true
	}
	v, ok := read()
	if !ok {
		return t.fail(at, `\u not followed by four hex digits`)
	}
	switch {
	case 0xD800 <= v && v <= 0xDBFF:
		if !strings.HasPrefix(t.src[t.i:], `\u`) {
			return t.fail(at, "a lone surrogate \\u"+t.src[at+2:at+6])
		}
		t.i += 2
		lo, ok := read()
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return t.fail(at, "a lone surrogate \\u"+t.src[at+2:at+6])
		}
		v = 0x10000 + (v-0xD800)<<10 + (lo - 0xDC00)
	case 0xDC00 <= v && v <= 0xDFFF:
		return t.fail(at, "a lone surrogate \\u"+t.src[at+2:at+6])
	}
	fmt.Fprintf(&t.out, `\x{%x}`, v)
	return nil
}

// generalCategories maps ECMA-262's long General_Category names to RE2's.
var generalCategories = map[string]string{
	"Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
	"Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo",
	"Mark": "M", "Combining_Mark": "M", "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me",
	"Number": "N", "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl", "Other_Number": "No",
	"Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
	"Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
	"Final_Punctuation": "Pf", "Other_Punctuation": "Po",
	"Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So",
	"Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl", "Paragraph_Separator": "Zp",
	"Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs",
	"Private_Use": "Co", "Unassigned": "Cn",
}

// property translates \p{…} and \P{…}.
func (t *ecmaTranslator) property(at int, c byte) error {
	if t.peek(0) != '{' {
		return t.fail(at, "\\"+string(c)+" without {…}")
	}
	end := strings.IndexByte(t.src[t.i:], '}')
	if end < 0 {
		return t.fail(at, "an unterminated \\"+string(c)+"{…}")
	}
	body := t.src[t.i+1 : t.i+end]
	t.i += end + 1
	name, value, hasValue := strings.Cut(body, "=")
	goName := ""
	switch {
	case !hasValue:
		switch {
		case generalCategories[name] != "":
			goName = generalCategories[name]
		case unicode.Categories[name] != nil && name != "LC":
			goName = name
		case name == "Any":
			return t.writeProperty(c, `\x00-\x{10ffff}`)
		case name == "ASCII":
			return t.writeProperty(c, `\x00-\x7f`)
		}
	case name == "General_Category" || name == "gc":
		if g := generalCategories[value]; g != "" {
			goName = g
		} else if unicode.Categories[value] != nil {
			goName = value
		}
	case name == "Script" || name == "sc":
		if unicode.Scripts[value] != nil {
			goName = value
		}
	}
	if goName == "LC" {
		// Cased_Letter: RE2 has no LC; it is Lu, Ll and Lt
		return t.writeProperty(c, `\p{Lu}\p{Ll}\p{Lt}`)
	}
	if goName == "" {
		return t.fail(at, "the Unicode property \\"+string(c)+"{"+body+"}, which Go's regexp does not have")
	}
	t.out.WriteString(`\` + string(c) + "{" + goName + "}")
	return nil
}

// writeProperty writes a property given as RE2 class items.
func (t *ecmaTranslator) writeProperty(c byte, items string) error {
	switch {
	case c == 'p' && t.inClass:
		t.out.WriteString(items)
	case c == 'p':
		t.out.WriteString("[" + items + "]")
	case t.inClass:
		return t.fail(t.i, `a negated property \P{…} of several ranges inside a character class`)
	default:
		t.out.WriteString("[^" + items + "]")
	}
	return nil
}

// ecmaRegexp is a compiled JSON Schema pattern: String is the pattern as
// written (for messages and comparisons); goSyntax the RE2 translation.
type ecmaRegexp struct {
	src string
	re  *regexp.Regexp
}

func (r *ecmaRegexp) String() string            { return r.src }
func (r *ecmaRegexp) MatchString(s string) bool { return r.re.MatchString(s) }

// compileECMA is the regexp engine of every compiler the engine runs
// (jsv.RegexpEngine): patterns, patternProperties and format "regex".
func compileECMA(p string) (jsv.Regexp, error) {
	g, err := ecmaToGo(p)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(g)
	if err != nil {
		return nil, fmt.Errorf("after translation to Go's syntax, Go's regexp refuses it: %w", err)
	}
	return &ecmaRegexp{src: p, re: re}, nil
}

// goSyntax returns a compiled pattern in RE2 syntax (for regexp/syntax).
func goSyntax(re jsv.Regexp) string {
	if e, ok := re.(*ecmaRegexp); ok {
		return e.re.String()
	}
	return re.String()
}
