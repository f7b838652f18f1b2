package authz

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// Decoding a parsed YAML or JSON tree onto Document: the document's schema,
// and one message per shape error, named by its path.

// decodeDocument maps the parsed tree onto Document, collecting every shape
// error with its path.
func decodeDocument(root *node) (Document, error) {
	var v domain.Validation
	var doc Document
	if root.kind != kindMap {
		return Document{}, domain.Invalid("document", "must be a mapping with description and statements, not %s", root.describe())
	}
	fields(root, "", []string{"description", "statements"}, &v, func(key string, val *node) {
		switch key {
		case "description":
			doc.Description = decodeString(val, "description", &v)
		case "statements":
			if val.kind == kindNull {
				return
			}
			if val.kind != kindList {
				v.Add("statements", "must be a list of statements, not %s", val.describe())
				return
			}
			doc.Statements = make([]Statement, len(val.items))
			for i, item := range val.items {
				doc.Statements[i] = decodeStatement(item, fmt.Sprintf("statements[%d]", i), &v)
			}
		}
	})
	if err := v.Err(); err != nil {
		return Document{}, err
	}
	return doc, nil
}

func decodeStatement(n *node, path string, v *domain.Validation) Statement {
	var s Statement
	if n.kind != kindMap {
		v.Add(path, "must be a mapping with effect, actions and resources, not %s", n.describe())
		return s
	}
	fields(n, path+".", []string{"effect", "actions", "resources"}, v, func(key string, val *node) {
		switch key {
		case "effect":
			s.Effect = Effect(decodeString(val, path+".effect", v))
		case "actions":
			s.Actions = decodeStrings(val, path+".actions", v)
		case "resources":
			s.Resources = decodeStrings(val, path+".resources", v)
		}
	})
	return s
}

// fields calls each for every known field of mapping n, and reports unknown
// and repeated fields.
func fields(n *node, prefix string, known []string, v *domain.Validation, each func(key string, val *node)) {
	seen := map[string]bool{}
	for i, key := range n.keys {
		if seen[key] {
			v.Add(prefix+key, "appears more than once")
			continue
		}
		seen[key] = true
		if !isOneOf(key, known) {
			v.Add(prefix+key, "%s", unknownField(key, known))
			continue
		}
		each(key, n.items[i])
	}
}

func unknownField(key string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return fmt.Sprintf("unknown field; did you mean %q? (field names are lowercase)", k)
		}
	}
	return "unknown field; known fields: " + strings.Join(known, ", ")
}

func isOneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

func decodeString(n *node, path string, v *domain.Validation) string {
	switch n.kind {
	case kindString:
		return n.text
	case kindNull:
		return ""
	}
	v.Add(path, "must be a string, not %s", n.describe())
	return ""
}

func decodeStrings(n *node, path string, v *domain.Validation) []string {
	switch n.kind {
	case kindNull:
		return nil
	case kindString:
		v.Add(path, "must be a list of strings, not a single string (write [%q])", n.text)
		return nil
	case kindList:
	default:
		v.Add(path, "must be a list of strings, not %s", n.describe())
		return nil
	}
	out := make([]string, 0, len(n.items))
	for i, item := range n.items {
		if item.kind != kindString {
			v.Add(fmt.Sprintf("%s[%d]", path, i), "must be a string, not %s", item.describe())
			continue
		}
		out = append(out, item.text)
	}
	return out
}
