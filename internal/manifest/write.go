package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"go.yaml.in/yaml/v3"
)

// Format is the syntax Writer writes.
type Format int

// Formats.
const (
	// YAML is a stream of documents separated by `---`.
	YAML Format = iota
	// JSON is one array of objects.
	JSON
)

// Writer writes specs as objects of the file format — apiVersion, kind,
// then every field of the spec in order (a nullable field's "" as null) —
// so that what it writes reads back as the same specs.
type Writer struct {
	w      *bufio.Writer
	format Format
	n      int
}

// NewWriter returns a Writer to w; Close finishes the output.
func NewWriter(w io.Writer, format Format) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), format: format}
}

// Write writes one object.
func (w *Writer) Write(spec backend.Spec) error {
	fields := append([]backend.SpecField{{Name: "apiVersion", Value: APIVersion}, {Name: "kind", Value: spec.Ref().Kind}}, backend.SpecFields(spec)...)
	w.n++
	if w.format == YAML {
		return w.writeYAML(yamlMapping(fields))
	}
	if w.n == 1 {
		w.w.WriteString("[\n  ")
	} else {
		w.w.WriteString(",\n  ")
	}
	var buf bytes.Buffer
	writeJSONObject(&buf, fields, "  ")
	_, err := w.w.Write(buf.Bytes())
	return err
}

// writeYAML writes one document of the stream, after a `---` line from the
// second on. Each document has an encoder of its own: one yaml.Encoder
// for the whole stream would keep memory for every document written.
func (w *Writer) writeYAML(doc *yaml.Node) error {
	if w.n > 1 {
		w.w.WriteString("---\n")
	}
	enc := yaml.NewEncoder(w.w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// Close ends the output (the JSON array) and flushes it.
func (w *Writer) Close() error {
	switch {
	case w.format == YAML: // each document is complete
	case w.n == 0:
		w.w.WriteString("[]\n")
	default:
		w.w.WriteString("\n]\n")
	}
	return w.w.Flush()
}

// yaml11Bool are the words YAML 1.1 reads as booleans; yaml.v3 writes them
// plain, since YAML 1.2 reads them as strings.
var yaml11Bool = map[string]bool{}

func init() {
	for _, w := range strings.Fields("y Y yes Yes YES n N no No NO on On ON off Off OFF") {
		yaml11Bool[w] = true
	}
}

func yamlMapping(fields []backend.SpecField) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fields {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Name}, yamlValue(f.Value))
	}
	if len(m.Content) == 0 {
		m.Style = yaml.FlowStyle
	}
	return m
}

func yamlValue(v any) *yaml.Node {
	switch v := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case string:
		return yamlString(v)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case []string:
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range v {
			s.Content = append(s.Content, yamlString(item))
		}
		if len(v) == 0 {
			s.Style = yaml.FlowStyle
		}
		return s
	case []backend.SpecField:
		return yamlMapping(v)
	case [][]backend.SpecField:
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range v {
			s.Content = append(s.Content, yamlMapping(item))
		}
		if len(v) == 0 {
			s.Style = yaml.FlowStyle
		}
		return s
	}
	panic(fmt.Sprintf("manifest: cannot write a field value of type %T", v))
}

// yamlString is a string scalar; the words YAML 1.1 reads as booleans are
// quoted, in lists too (groups: ["yes"]), so they stay strings for YAML 1.1
// readers.
func yamlString(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if yaml11Bool[v] {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// writeJSONObject writes fields as an indented JSON object, keys in order.
func writeJSONObject(buf *bytes.Buffer, fields []backend.SpecField, indent string) {
	if len(fields) == 0 {
		buf.WriteString("{}")
		return
	}
	buf.WriteString("{\n")
	for i, f := range fields {
		buf.WriteString(indent + "  ")
		writeJSONValue(buf, f.Name, indent)
		buf.WriteString(": ")
		if nested, ok := f.Value.([]backend.SpecField); ok {
			writeJSONObject(buf, nested, indent+"  ")
		} else if items, ok := f.Value.([][]backend.SpecField); ok {
			writeJSONList(buf, items, indent+"  ")
		} else {
			writeJSONValue(buf, f.Value, indent)
		}
		if i < len(fields)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString(indent + "}")
}

func writeJSONValue(buf *bytes.Buffer, v any, indent string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if list, ok := v.([]string); ok && len(list) > 0 {
		enc.SetIndent(indent+"  ", "  ")
	}
	enc.Encode(v)               //nolint:errcheck // strings, bools, ints and lists of strings always encode
	buf.Truncate(buf.Len() - 1) // Encode's newline
}

// writeJSONList writes a list of objects, indented, keys in order.
func writeJSONList(buf *bytes.Buffer, items [][]backend.SpecField, indent string) {
	if len(items) == 0 {
		buf.WriteString("[]")
		return
	}
	buf.WriteString("[\n")
	for i, item := range items {
		buf.WriteString(indent + "  ")
		writeJSONObject(buf, item, indent+"  ")
		if i < len(items)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString(indent + "]")
}
