package consumers

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/internal/errkind"
)

// Graph is who produces and who consumes each event of a store, at which versions.
type Graph struct {
	Registry string `json:"registry"`
	// Packages are every package of the store with its non-yanked versions, sorted by name.
	Packages []GraphPackage `json:"packages"`
	// Events are sorted by producer package and event name; an event only
	// consumed (its producer or event not in the store) has no versions.
	Events []GraphEvent `json:"events"`
	// Skipped lists package versions that could not be read.
	Skipped []contracts.SkippedPackage `json:"skipped,omitempty"`
}

// GraphPackage is one package of the store.
type GraphPackage struct {
	Name     string   `json:"name"`
	Versions []string `json:"versions"`
}

// GraphEvent is one event: its producer, the producer versions that have it, and its consumers.
type GraphEvent struct {
	Package  string   `json:"package"`
	Event    string   `json:"event"`
	Versions []string `json:"versions"`
	// Consumers are the highest non-yanked versions of the packages that declare they read it.
	Consumers []GraphConsumer `json:"consumers"`
}

// GraphConsumer is a package that reads an event.
type GraphConsumer struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Range   string `json:"range"`
	// Resolves is the highest producer version in Range that has the event ("" when none).
	Resolves string `json:"resolves,omitempty"`
}

// Graph reads every non-yanked version of every package of the store (each
// once) and returns who produces and consumes each event.
func (x *Index) Graph(ctx context.Context) (*Graph, error) {
	names, err := x.Store.Names(ctx)
	if err != nil {
		return nil, err
	}
	g := &Graph{Registry: x.Store.Ref(), Packages: []GraphPackage{}, Events: []GraphEvent{}}
	events := map[string]*GraphEvent{}
	key := func(p, e string) string { return p + "\x00" + e }
	get := func(p, e string) *GraphEvent {
		k := key(p, e)
		if events[k] == nil {
			events[k] = &GraphEvent{Package: p, Event: e, Versions: []string{}, Consumers: []GraphConsumer{}}
		}
		return events[k]
	}
	latest := map[string]*contracts.Contract{}
	for _, n := range names {
		vs, err := x.Store.List(ctx, n)
		if err != nil {
			return nil, err
		}
		gp := GraphPackage{Name: n, Versions: []string{}}
		for _, v := range vs {
			if v.Yanked {
				continue
			}
			c, err := x.Load(ctx, n, v.Version)
			if err != nil {
				if k := errkind.Of(err); k == errkind.Input || k == errkind.Finding {
					g.Skipped = append(g.Skipped, contracts.SkippedPackage{Name: n, Version: v.Version, Error: err.Error()})
					continue
				}
				return nil, err
			}
			gp.Versions = append(gp.Versions, v.Version)
			for _, e := range c.Events {
				ge := get(n, e.Name)
				ge.Versions = append(ge.Versions, v.Version)
			}
			latest[n] = c // versions ascend: the last one read is the highest
		}
		g.Packages = append(g.Packages, gp)
	}
	for _, n := range names {
		c := latest[n]
		if c == nil {
			continue
		}
		for _, d := range c.Consumes {
			ge := get(d.Package, d.Event)
			gc := GraphConsumer{Name: c.Name, Version: c.Version, Range: d.Version}
			for i := len(ge.Versions) - 1; i >= 0; i-- {
				if sv, err := semver.StrictNewVersion(ge.Versions[i]); err == nil && d.Accepts(sv) {
					gc.Resolves = ge.Versions[i]
					break
				}
			}
			ge.Consumers = append(ge.Consumers, gc)
		}
	}
	for _, ge := range events {
		sort.Slice(ge.Consumers, func(i, j int) bool { return ge.Consumers[i].Name < ge.Consumers[j].Name })
		g.Events = append(g.Events, *ge)
	}
	sort.Slice(g.Events, func(i, j int) bool {
		if g.Events[i].Package != g.Events[j].Package {
			return g.Events[i].Package < g.Events[j].Package
		}
		return g.Events[i].Event < g.Events[j].Event
	})
	return g, nil
}

// Formats are the graph formats, in help order.
var Formats = []string{"mermaid", "dot", "json", "html"}

// Write renders the graph in format (one of Formats).
func (g *Graph) Write(w io.Writer, format string) error {
	switch format {
	case "mermaid":
		return g.mermaid(w)
	case "dot":
		return g.dot(w)
	case "json":
		b, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			return fmt.Errorf("encode graph: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "html":
		return g.html(w)
	}
	return fmt.Errorf("unknown graph format %q (want %s)", format, strings.Join(Formats, ", "))
}

// versionsText abbreviates a version list for an edge label.
func versionsText(vs []string) string {
	switch {
	case len(vs) == 0:
		return "not in the store"
	case len(vs) <= 3:
		return strings.Join(vs, ", ")
	}
	return fmt.Sprintf("%s … %s (%d versions)", vs[0], vs[len(vs)-1], len(vs))
}

func consumerText(c GraphConsumer) string {
	if c.Resolves == "" {
		return c.Range + " (no match)"
	}
	return c.Range + " → " + c.Resolves
}

// ids gives the graph's nodes stable identifiers: packages p0…, events e0…,
// in sorted order (names may hold '.' and '-', which the formats do not take).
type ids struct {
	pkg map[string]string
	ev  map[string]string
}

func (g *Graph) ids() ids {
	x := ids{pkg: map[string]string{}, ev: map[string]string{}}
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, p := range g.Packages {
		add(p.Name)
	}
	for _, e := range g.Events {
		add(e.Package)
		for _, c := range e.Consumers {
			add(c.Name)
		}
	}
	sort.Strings(names)
	for i, n := range names {
		x.pkg[n] = fmt.Sprintf("p%d", i)
	}
	for i, e := range g.Events {
		x.ev[e.Package+"/"+e.Event] = fmt.Sprintf("e%d", i)
	}
	return x
}

func (g *Graph) latestOf(name string) string {
	for _, p := range g.Packages {
		if p.Name == name && len(p.Versions) > 0 {
			return p.Versions[len(p.Versions)-1]
		}
	}
	return ""
}

// mermaidText escapes a label for a quoted Mermaid string.
var mermaidText = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "|", "#124;", "\n", " ")

func (g *Graph) mermaid(w io.Writer) error {
	var b bytes.Buffer
	x := g.ids()
	b.WriteString("flowchart LR\n")
	for _, n := range sortedKeys(x.pkg) {
		label := n
		if v := g.latestOf(n); v != "" {
			label += "<br/>" + v
		}
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", x.pkg[n], strings.ReplaceAll(mermaidText.Replace(label), "#lt;br/#gt;", "<br/>"))
	}
	for _, e := range g.Events {
		fmt.Fprintf(&b, "  %s([\"%s\"])\n", x.ev[e.Package+"/"+e.Event], mermaidText.Replace(e.Event))
	}
	for _, e := range g.Events {
		id := x.ev[e.Package+"/"+e.Event]
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", x.pkg[e.Package], mermaidText.Replace(versionsText(e.Versions)), id)
		for _, c := range e.Consumers {
			fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", id, mermaidText.Replace(consumerText(c)), x.pkg[c.Name])
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

var dotText = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ")

func (g *Graph) dot(w io.Writer) error {
	var b bytes.Buffer
	x := g.ids()
	b.WriteString("digraph contracts {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n")
	for _, n := range sortedKeys(x.pkg) {
		label := n
		if v := g.latestOf(n); v != "" {
			label += `\n` + v
		}
		fmt.Fprintf(&b, "  %s [label=\"%s\"];\n", x.pkg[n], strings.ReplaceAll(dotText.Replace(label), `\\n`, `\n`))
	}
	for _, e := range g.Events {
		fmt.Fprintf(&b, "  %s [label=\"%s\", shape=ellipse];\n", x.ev[e.Package+"/"+e.Event], dotText.Replace(e.Event))
	}
	for _, e := range g.Events {
		id := x.ev[e.Package+"/"+e.Event]
		fmt.Fprintf(&b, "  %s -> %s [label=\"%s\"];\n", x.pkg[e.Package], id, dotText.Replace(versionsText(e.Versions)))
		for _, c := range e.Consumers {
			fmt.Fprintf(&b, "  %s -> %s [label=\"%s\"];\n", id, x.pkg[c.Name], dotText.Replace(consumerText(c)))
		}
	}
	b.WriteString("}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

//go:embed graph.html
var graphHTML string

var graphTmpl = template.Must(template.New("graph").Parse(graphHTML))

// html writes one self-contained page: the graph as JSON and a script that
// draws it as SVG, no network.
func (g *Graph) html(w io.Writer) error {
	data, err := json.Marshal(g) // escapes <, > and & : safe inside <script>
	if err != nil {
		return fmt.Errorf("encode graph: %w", err)
	}
	var b bytes.Buffer
	if err := graphTmpl.Execute(&b, struct {
		Registry string
		Data     template.JS
	}{g.Registry, template.JS(data)}); err != nil {
		return fmt.Errorf("render graph page: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}
