package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// JSONToYAML re-encodes a JSON document as block-style YAML with the same
// field names and order: empty objects and arrays stay {} and [], strings
// are plain unless they would read back as another type (needsQuotes) or
// cannot be written plain, then quoted.
//
// The document is read with encoding/json's tokenizer into the yaml.Node
// tree the YAML parser would build from the same JSON text (JSON being
// YAML's flow style), without running the YAML parser over it.
func JSONToYAML(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	root, err := jsonNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("JSON to YAML: more than one JSON value")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// jsonNode reads the next JSON value from dec as a YAML node: objects and
// arrays in block style unless empty (flow: {} and []), strings tagged
// !!str and double-quoted only when needsQuotes says so, numbers, booleans
// and null as plain scalars (the YAML encoder leaves out a tag the plain
// text implies, so they carry none).
func jsonNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("JSON to YAML: %w", err)
	}
	switch v := tok.(type) {
	case json.Delim:
		n := &yaml.Node{Kind: yaml.MappingNode}
		if v == '[' {
			n.Kind = yaml.SequenceNode
		}
		for dec.More() {
			child, err := jsonNode(dec) // an object's key is a string token
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("JSON to YAML: %w", err)
		}
		if len(n.Content) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
		if needsQuotes(v) {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n, nil
	case json.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: string(v)}, nil
	case bool:
		if v {
			return &yaml.Node{Kind: yaml.ScalarNode, Value: "true"}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Value: "false"}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: "null"}, nil
	}
	return nil, fmt.Errorf("JSON to YAML: unexpected token %v", tok)
}
