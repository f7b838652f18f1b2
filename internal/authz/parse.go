package authz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keyward/keyward/internal/domain"
	"go.yaml.in/yaml/v3"
)

// ParseDocument reads a policy document written in YAML or JSON. It checks
// the document's shape only — known fields, lists of strings, no repeated
// fields — and reports every problem at once as a *domain.Error of code
// invalid whose fields are paths such as "statements[1].actions[0]". Field
// names are case-sensitive. It does not check the values; call Validate
// (Compile does).
func ParseDocument(data []byte) (Document, error) {
	var (
		root *node
		err  error
	)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return Document{}, domain.Invalid("document", "is empty; expected description and statements")
	case trimmed[0] == '{':
		// JSON, unless it is a YAML flow mapping ({effect: allow}): YAML
		// cannot read all JSON (the escape \/), JSON no YAML.
		root, err = parseJSON(trimmed)
		if err != nil {
			if y, yerr := parseYAML(data); yerr == nil {
				root, err = y, nil
			}
		}
	default:
		root, err = parseYAML(data)
	}
	if err != nil {
		return Document{}, domain.Invalid("document", "%s", err)
	}
	return decodeDocument(root)
}

// nodeKind is the shape of a parsed value.
type nodeKind int

const (
	kindNull nodeKind = iota
	kindString
	kindOther // a number, boolean or timestamp
	kindList
	kindMap
)

// node is a parsed YAML or JSON value, reduced to what a policy document
// needs, so both syntaxes share one decoder with one set of messages.
type node struct {
	kind  nodeKind
	text  string // a scalar's text
	keys  []string
	items []*node // list items, or map values in the order of keys
}

// maxDepth bounds nesting: a policy document is three levels deep, so
// anything deeper is a shape error anyway, reported without descending.
const maxDepth = 8

func parseYAML(data []byte) (*node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("is empty; expected description and statements")
		}
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: ") + yamlHint(err, data))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("holds more than one YAML document")
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return fromYAML(doc.Content[0], 0)
	}
	return &node{kind: kindNull}, nil
}

// yamlHint suggests the fix for the YAML mistakes policy authors make most.
func yamlHint(err error, data []byte) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "did not find expected alphabetic or numeric character"),
		strings.Contains(msg, "unknown anchor"):
		return ` (in YAML a pattern starting with '*' must be quoted: "*", "*:read")`
	case strings.Contains(msg, "cannot start any token") && bytes.ContainsRune(data, '\t'):
		return " (YAML indentation must use spaces, not tabs)"
	}
	return ""
}

func fromYAML(y *yaml.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return &node{kind: kindOther}, nil
	}
	switch y.Kind {
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: YAML aliases are not supported in policy documents", y.Line)
	case yaml.ScalarNode:
		switch y.ShortTag() {
		case "!!str":
			return &node{kind: kindString, text: y.Value}, nil
		case "!!null":
			return &node{kind: kindNull}, nil
		}
		return &node{kind: kindOther, text: y.Value}, nil
	case yaml.SequenceNode:
		n := &node{kind: kindList}
		for _, c := range y.Content {
			item, err := fromYAML(c, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, item)
		}
		return n, nil
	case yaml.MappingNode:
		n := &node{kind: kindMap}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a field name must be a string", k.Line)
			}
			v, err := fromYAML(y.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.Value)
			n.items = append(n.items, v)
		}
		return n, nil
	}
	return &node{kind: kindNull}, nil
}

// parseJSON reads one JSON value token by token, keeping field order and
// duplicate fields, which decoding into a map would lose.
func parseJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := fromJSON(dec, 0)
	if err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("has data after the JSON object")
	}
	return n, nil
}

func fromJSON(dec *json.Decoder, depth int) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case string:
		return &node{kind: kindString, text: t}, nil
	case nil:
		return &node{kind: kindNull}, nil
	case json.Delim:
		if depth > maxDepth {
			return nil, errors.New("is nested too deeply")
		}
		n := &node{kind: kindList}
		if t == '{' {
			n.kind = kindMap
		}
		for dec.More() {
			if n.kind == kindMap {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			item, err := fromJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, item)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	}
	return &node{kind: kindOther, text: fmt.Sprint(tok)}, nil
}

func jsonError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("is not valid JSON: unexpected end of input")
	}
	return fmt.Errorf("is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// describe names a node's kind for messages.
func (n *node) describe() string {
	switch n.kind {
	case kindString:
		return "a string"
	case kindList:
		return "a list"
	case kindMap:
		return "a mapping"
	case kindNull:
		return "null"
	}
	return fmt.Sprintf("%q", n.text)
}
