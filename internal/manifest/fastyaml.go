package manifest

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// fastParse parses the plain YAML that bulk files are made of — block
// mappings of `key: scalar` lines, nested by indentation, block lists of
// scalars, comments — into the node tree yaml.v3 would build for it, about
// ten times faster. Anything else (flow style, anchors, tags, multi-line or
// escaped scalars, non-ASCII text, values YAML might read as another type)
// returns ok=false and the document goes to yaml.v3. A differential test
// (fastyaml_test.go) checks that every document accepted here gives
// yaml.v3's tree.
//
// text is one document, starting at line firstLine of the input; it may
// begin with a bare `---` line.
func fastParse(text string, firstLine int) (*yaml.Node, bool) {
	p := fastParser{lines: make([]fastLine, 0, strings.Count(text, "\n")+1)}
	if !p.split(text, firstLine) || len(p.lines) == 0 || p.lines[0].indent != 0 {
		return nil, false
	}
	// A line gives a key and a value, or a key and the container that
	// follows it, or a list item; plus the document and its mapping.
	p.slab = make([]yaml.Node, 0, 2*len(p.lines)+2)
	doc := p.node(yaml.Node{Kind: yaml.DocumentNode, Column: 1})
	root, ok := p.mapping(0)
	if !ok || p.next != len(p.lines) {
		return nil, false
	}
	doc.Line, doc.Content = root.Line, []*yaml.Node{root}
	return doc, true
}

// node stores n in the slab and returns it.
func (p *fastParser) node(n yaml.Node) *yaml.Node {
	p.slab = append(p.slab, n)
	return &p.slab[len(p.slab)-1]
}

type fastLine struct {
	text   string // without the newline
	num    int    // line number in the input
	indent int    // leading spaces
}

type fastParser struct {
	lines []fastLine // content lines only: no blank or comment lines
	next  int
	slab  []yaml.Node
}

// split keeps the content lines; it refuses tabs, carriage returns and
// non-ASCII bytes anywhere, and any marker or directive but a leading `---`.
func (p *fastParser) split(text string, firstLine int) bool {
	num := firstLine
	for i := 0; len(text) > 0; i++ {
		line := text
		if nl := strings.IndexByte(text, '\n'); nl >= 0 {
			line, text = text[:nl], text[nl+1:]
		} else {
			text = ""
		}
		for j := 0; j < len(line); j++ {
			if c := line[j]; c < 0x20 || c >= 0x7f {
				return false
			}
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		content := line[indent:]
		switch {
		case content == "" || content[0] == '#':
		case i == 0 && line == "---":
		case indent == 0 && (strings.HasPrefix(line, "---") || strings.HasPrefix(line, "...") || line[0] == '%'):
			return false
		default:
			p.lines = append(p.lines, fastLine{text: line, num: num, indent: indent})
		}
		num++
	}
	return true
}

// mapping parses the block mapping whose keys sit at indent.
func (p *fastParser) mapping(indent int) (*yaml.Node, bool) {
	first := p.lines[p.next]
	m := p.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: first.num, Column: indent + 1})
	m.Content = make([]*yaml.Node, 0, 2*(len(p.lines)-p.next))
	for p.next < len(p.lines) && p.lines[p.next].indent == indent {
		l := p.lines[p.next]
		rest := l.text[indent:]
		keyLen := identLen(rest)
		if keyLen == 0 || keyLen >= len(rest) || rest[keyLen] != ':' {
			return nil, false
		}
		key := p.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: rest[:keyLen], Line: l.num, Column: indent + 1})
		after := rest[keyLen+1:]
		p.next++
		var value *yaml.Node
		if after == "" {
			var ok bool
			if value, ok = p.block(indent, l.num, indent+keyLen+2); !ok {
				return nil, false
			}
		} else {
			if after[0] != ' ' {
				return nil, false
			}
			col := indent + keyLen + 1
			for col < len(l.text) && l.text[col] == ' ' {
				col++
			}
			var ok bool
			if value, ok = p.scalar(l.text[col:], l.num, col+1); !ok {
				return nil, false
			}
		}
		m.Content = append(m.Content, key, value)
	}
	return m, true
}

// block parses what follows `key:` at the end of a line: a nested mapping,
// a list, or nothing (null).
func (p *fastParser) block(parentIndent, line, col int) (*yaml.Node, bool) {
	if p.next < len(p.lines) {
		n := p.lines[p.next]
		isItem := strings.HasPrefix(n.text[n.indent:], "- ")
		switch {
		case isItem && n.indent >= parentIndent:
			return p.sequence(n.indent)
		case n.indent > parentIndent:
			return p.mapping(n.indent)
		}
	}
	return p.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: line, Column: col}), true
}

// sequence parses `- scalar` items at indent.
func (p *fastParser) sequence(indent int) (*yaml.Node, bool) {
	first := p.lines[p.next]
	s := p.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: first.num, Column: indent + 1})
	for p.next < len(p.lines) {
		l := p.lines[p.next]
		if l.indent != indent || !strings.HasPrefix(l.text[indent:], "- ") {
			break
		}
		col := indent + 2
		for col < len(l.text) && l.text[col] == ' ' {
			col++
		}
		item, ok := p.scalar(l.text[col:], l.num, col+1)
		if !ok || item.Tag == "!!null" {
			return nil, false
		}
		s.Content = append(s.Content, item)
		p.next++
	}
	if p.next < len(p.lines) && p.lines[p.next].indent > indent {
		return nil, false
	}
	return s, true
}

// identLen returns the length of the identifier s starts with
// ([A-Za-z][A-Za-z0-9_]*, at most 128 characters; YAML limits implicit keys).
func identLen(s string) int {
	i := 0
	for ; i < len(s) && i <= 128; i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
			break
		}
	}
	return i
}

// scalar parses a one-line scalar value and an optional trailing comment.
func (p *fastParser) scalar(s string, line, col int) (*yaml.Node, bool) {
	if s == "" {
		return nil, false
	}
	n := p.node(yaml.Node{Kind: yaml.ScalarNode, Line: line, Column: col})
	var rest string
	switch s[0] {
	case '"':
		end := strings.IndexByte(s[1:], '"')
		if end < 0 || strings.IndexByte(s[1:end+1], '\\') >= 0 {
			return nil, false
		}
		n.Tag, n.Style, n.Value, rest = "!!str", yaml.DoubleQuotedStyle, s[1:end+1], s[end+2:]
	case '\'':
		var b strings.Builder
		i := 1
		for ; ; i++ {
			if i >= len(s) {
				return nil, false
			}
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				break
			}
			b.WriteByte(s[i])
		}
		n.Tag, n.Style, n.Value, rest = "!!str", yaml.SingleQuotedStyle, b.String(), s[i+1:]
	default:
		value := s
		if c := strings.Index(s, " #"); c >= 0 {
			value = s[:c]
		}
		value = strings.TrimRight(value, " ")
		tag, ok := plainTag(value)
		if !ok {
			return nil, false
		}
		n.Tag, n.Value = tag, value
		return n, true
	}
	// After a quoted scalar: nothing, white space, or white space and a comment.
	if trimmed := strings.TrimLeft(rest, " "); rest != "" && (trimmed == rest || trimmed != "" && trimmed[0] != '#') {
		return nil, false
	}
	return n, true
}

// isDuration reports whether v is a keyward duration such as 90d, 1d12h,
// 15m or 500ms: digits and unit letters, which YAML reads as a string.
func isDuration(v string) bool {
	for len(v) > 0 {
		digits := 0
		for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
			digits++
		}
		if digits == 0 || digits > 9 {
			return false
		}
		v = v[digits:]
		switch {
		case strings.HasPrefix(v, "ms"):
			v = v[2:]
		case v != "" && strings.IndexByte("dhms", v[0]) >= 0:
			v = v[1:]
		default:
			return false
		}
	}
	return true
}

// plainTag resolves a plain scalar the way YAML does for the values it
// accepts: null, true/false, decimal integers and ordinary text. Anything
// YAML might read otherwise (floats, dates, octal, yes/no, indicators,
// flow characters, `: `) is refused.
func plainTag(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	switch v {
	case "~", "null", "Null", "NULL":
		return "!!null", true
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "<<":
		return "", false
	}
	switch c := v[0]; {
	case c >= '0' && c <= '9':
		if isDuration(v) {
			return "!!str", true
		}
		if len(v) > 1 && v[0] == '0' {
			return "", false
		}
		for i := 1; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return "", false
			}
		}
		if len(v) > 18 {
			return "", false
		}
		return "!!int", true
	case strings.IndexByte("-?:,[]{}#&*!|>'\"%@`+.= ", c) >= 0:
		return "", false
	}
	if strings.ContainsAny(v, ",[]{}#") || strings.Contains(v, ": ") || v[len(v)-1] == ':' {
		return "", false
	}
	return "!!str", true
}
