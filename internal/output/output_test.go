package output

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

type sample struct {
	B string         `json:"b"`
	A map[string]int `json:"a"`
	H string         `json:"h"`
}

func (s sample) WriteText(w io.Writer, st Style) error {
	_, err := io.WriteString(w, st.Red("text:"+s.B)+"\n")
	return err
}

func TestFormatters(t *testing.T) {
	v := sample{B: "x", A: map[string]int{"z": 1, "a": 2}, H: "<&>"}
	var buf bytes.Buffer
	f, _ := ForFormat(JSON, Style{})
	if err := f.Write(&buf, v); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"b\": \"x\",\n  \"a\": {\n    \"a\": 2,\n    \"z\": 1\n  },\n  \"h\": \"<&>\"\n}\n"
	if buf.String() != want {
		t.Errorf("json:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	f, _ = ForFormat(Text, Style{Color: true})
	f.Write(&buf, v)
	if buf.String() != "\x1b[31mtext:x\x1b[0m\n" {
		t.Errorf("text with colour: %q", buf.String())
	}
	buf.Reset()
	f, _ = ForFormat(Text, Style{})
	f.Write(&buf, v)
	if buf.String() != "text:x\n" {
		t.Errorf("text: %q", buf.String())
	}
	if _, err := ForFormat("yaml", Style{}); err == nil {
		t.Error("yaml accepted")
	}
}

func TestStreamsNotTTY(t *testing.T) {
	var out, errb bytes.Buffer
	s := NewStreams(strings.NewReader(""), &out, &errb, false)
	if s.OutTTY || s.ErrTTY || s.Color {
		t.Fatal("buffers detected as terminals")
	}
	p := s.NewProgress(100, "x", false)
	p.Add(50)
	p.Finish()
	if out.Len() != 0 || errb.Len() != 0 {
		t.Fatalf("progress drew off a terminal: %q %q", out.String(), errb.String())
	}
	s.Quiet = true
	s.Infof("hidden")
	s.Warnf("shown %d", 1)
	if errb.String() != "warning: shown 1\n" {
		t.Fatalf("stderr %q", errb.String())
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain é 文字\ttab":         "plain é 文字\ttab",
		"a\x1b]0;t\x07b":          `a\x1b]0;t\x07b`,
		"line\nerror: fake":       `line\nerror: fake`,
		"cr\rover":                `cr\rover`,
		"c1\u009b31m bidi\u202ex": `c1\u009b31m bidi\u202ex`,
		"del\x7f":                 `del\u007f`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeWriter(t *testing.T) {
	var b bytes.Buffer
	w := SafeWriter(&b)
	st := Style{Color: true}
	in := st.Red("error:") + " a\x1b]8;;http://evil\x07link\x1b[8mhidden\x1b[30;40m\r\nnext\tline\n"
	n, err := io.WriteString(w, in)
	if err != nil || n != len(in) {
		t.Fatalf("wrote %d of %d: %v", n, len(in), err)
	}
	want := "\x1b[31merror:\x1b[0m a\\x1b]8;;http://evil\\x07link\\x1b[8mhidden\\x1b[30;40m\\r\nnext\tline\n"
	if b.String() != want {
		t.Fatalf("got  %q\nwant %q", b.String(), want)
	}
}

// TestSafeWriterKeepsJSON: what encoding/json leaves raw (DEL, C1 controls,
// bidi overrides) is escaped as \uXXXX, so -o json stays valid JSON with the
// same values.
func TestSafeWriterKeepsJSON(t *testing.T) {
	in := map[string]string{"name": "a\x7fb\u009bc\u202ed\x1b"}
	data, _ := json.Marshal(in)
	var b bytes.Buffer
	SafeWriter(&b).Write(data)
	var out map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || out["name"] != in["name"] {
		t.Fatalf("%s: %v, %q", b.String(), err, out["name"])
	}
}
