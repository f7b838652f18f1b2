package manifest

import (
	"fmt"
	"strings"
)

// Position locates an object in its input.
type Position struct {
	// Document is the 1-based index of the YAML document in the stream
	// (documents with no content are not counted).
	Document int `json:"document"`
	// Item is the 1-based index in a document that is a list of objects;
	// 0 when the document is one object.
	Item int `json:"item,omitempty"`
	// Line is the 1-based line of the object (or, in a Problem, of the field).
	Line int `json:"line"`
}

// String reads "document 3" or "document 1, item 4".
func (p Position) String() string {
	if p.Item > 0 {
		return fmt.Sprintf("document %d, item %d", p.Document, p.Item)
	}
	return fmt.Sprintf("document %d", p.Document)
}

// Problem is one reason an input was refused: its position, the object
// (when known), the field (JSON path, when one is to blame) and why.
type Problem struct {
	Source  string   `json:"source"`
	Pos     Position `json:"position"`
	Object  string   `json:"object,omitempty"`
	Field   string   `json:"field,omitempty"`
	Message string   `json:"message"`
}

// String is one line, compiler style:
// `users.yaml:14: document 3: ServiceUser acme/ci-bot: email: "x" is not a valid e-mail address`.
//
// A problem of no position (an object the file does not declare, such as
// one --prune would delete) reads `users.yaml: Policy acme/old: ...`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Pos.Document == 0 {
		fmt.Fprintf(&b, "%s: ", p.Source)
	} else {
		fmt.Fprintf(&b, "%s:%d: %s: ", p.Source, p.Pos.Line, p.Pos)
	}
	if p.Object != "" {
		b.WriteString(p.Object + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Key is the problem's name in an error's validationMessages:
// "users.yaml:14 document 3 email".
func (p Problem) Key() string {
	k := fmt.Sprintf("%s:%d %s", p.Source, p.Pos.Line, p.Pos)
	if p.Pos.Document == 0 {
		k = p.Source + " " + p.Object
	}
	if p.Field != "" {
		k += " " + p.Field
	}
	return k
}
