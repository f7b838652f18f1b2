package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// parserJSONToYAML is JSONToYAML as it was before it read JSON with
// encoding/json: the JSON text through the YAML parser into a node tree,
// restyled, and the exact quoting check on every string. JSONToYAML must
// write the same bytes.
func parserJSONToYAML(raw []byte) ([]byte, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return nil, err
	}
	var restyle func(n *yaml.Node)
	restyle = func(n *yaml.Node) {
		if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) > 0 {
			n.Style = 0
		}
		if n.Kind == yaml.ScalarNode && n.Style == yaml.DoubleQuotedStyle {
			n.Style = 0
			if n.Tag == "!!str" && exactNeedsQuotes(n.Value) {
				n.Style = yaml.DoubleQuotedStyle
			}
		}
		for _, c := range n.Content {
			restyle(c)
		}
	}
	restyle(&node)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// quotingCases are the strings TestNeedsQuotes decides, plus values that
// are long, multi-line or need escapes in JSON. Not NEL (U+0085): see
// TestJSONToYAMLReadsBack.
func quotingCases() []string {
	out := []string{
		"line\nbreak, \"quotes\", tab\t, unicode é 東京 \u2028", "a\nb\n", "\n", "trailing\n\n", "  indented\nlines",
		"<html>&amp;</html>", "back\\slash", "ctrl\x01char", strings.Repeat("long words ", 20), strings.Repeat("x", 300),
	}
	return append(out, "true", "yes", "No", "on", "null", "~", "", " ", " x", "x ", "1e3", "0x1F", "-1.5e-7",
		".inf", "2026-11-23", "2026-11-23T12:00:00Z", ":", "a: b", "- x", "-", "---", "#x", "*a", "&a", "!t", "%x", "@x",
		"`x", "'x", "\"x", "{", "[", "[]", "{}", "|", ">", "?", ",", "<<", "a\rb", "a\u2028b", "a\ufeffb",
		"\u00a0x", "svc-00000", "Service user 00000", "svc-00000@example.com", "é", "😀", "•••••x2y3z")
}

// TestJSONToYAMLMatchesParser pins JSONToYAML to the YAML parser's reading
// of the same JSON, byte for byte: scalars of every kind and tricky
// strings as values, keys and list items; empty and nested collections;
// keyward's own documents.
func TestJSONToYAMLMatchesParser(t *testing.T) {
	var tricky []json.RawMessage
	var obj strings.Builder
	obj.WriteString("{")
	for i, s := range quotingCases() {
		q, _ := json.Marshal(s)
		tricky = append(tricky, q)
		if i > 0 {
			obj.WriteString(",")
		}
		obj.Write(q)
		obj.WriteString(":")
		obj.Write(q)
	}
	obj.WriteString("}")
	docs := map[string]any{
		"strings as items":         tricky,
		"strings as keys, values":  json.RawMessage(obj.String()),
		"scalars":                  json.RawMessage(`[0, -0, 1, -1, 1.5, 1e+06, 1.5e-07, 123456789012345678901234567890, 1E400, true, false, null, "", "0"]`),
		"collections":              json.RawMessage(`{"a": {}, "b": [], "c": [[], {}, [[]], [{}], {"d": {"e": []}}], "f": [1, [2, [3]]], "": {"": ""}}`),
		"top-level string":         "yes",
		"top-level number":         42,
		"top-level null":           nil,
		"top-level empty list":     []int{},
		"top-level empty object":   map[string]int{},
		"service users":            userList(50),
		"service user":             userList(1)[0],
		"list of one service user": userList(1),
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			raw, err := MarshalJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			want, err := parserJSONToYAML(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := JSONToYAML(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("JSONToYAML:\n%s\nthrough the YAML parser:\n%s", got, want)
			}
		})
	}
}

// TestJSONToYAMLRefusesBadJSON: a truncated document or two documents are
// errors, not half a YAML document.
func TestJSONToYAMLRefusesBadJSON(t *testing.T) {
	for _, raw := range []string{``, `{"a": `, `[1, 2`, `{} {}`, `{"a" 1}`} {
		if got, err := JSONToYAML([]byte(raw)); err == nil {
			t.Errorf("JSONToYAML(%q) = %q, want an error", raw, got)
		}
	}
}

// TestJSONToYAMLReadsBack: every string reads back from the YAML as the
// same string. A NEL (U+0085), which encoding/json writes unescaped, is
// where JSONToYAML differs from the YAML parser's reading of the JSON: the
// parser took it for a line break inside the quoted string and folded it
// into a space, so the YAML said "a b" where the JSON said "a\u0085b";
// JSONToYAML writes "a\Nb".
func TestJSONToYAMLReadsBack(t *testing.T) {
	in := append(quotingCases(), "a\u0085b", "\u0085", "x\u0085\u0085y")
	raw, err := MarshalJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := JSONToYAML(raw)
	if err != nil {
		t.Fatal(err)
	}
	var back []string
	if err := yaml.Unmarshal(out, &back); err != nil {
		t.Fatalf("YAML does not parse: %v\n%s", err, out)
	}
	if len(back) != len(in) {
		t.Fatalf("%d strings read back, want %d", len(back), len(in))
	}
	for i := range in {
		if back[i] != in[i] {
			t.Errorf("%q reads back as %q", in[i], back[i])
		}
	}
	if !bytes.Contains(out, []byte(`- "a\Nb"`+"\n")) {
		t.Errorf("NEL not written as \\N:\n%s", out)
	}
}
