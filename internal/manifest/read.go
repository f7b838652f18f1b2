// Package manifest is keyward's declarative file format: objects with a
// `kind:` (Tenant, ServiceUser, …) and the camelCase fields of their
// backend.Spec, as a YAML stream of documents separated by `---`, or a
// document holding a list of them; JSON is read as the YAML it is. It reads
// such input into specs, every problem reported with its position and
// field, and writes specs back (export).
//
// `apiVersion` is optional; when given it must be "keyward/v1", the only
// version so far, and export writes it so that files say what they are.
// Objects are flat — no metadata block. A namespaced object without
// `tenant` takes the command's tenant.
//
// Reading streams: the input is split into documents at `---` lines, each
// parsed on its own (by a fast path for plain `key: value` documents, else
// by yaml.v3), so memory does not grow with the input.
package manifest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"

	"github.com/keyward/keyward/internal/backend"
	"go.yaml.in/yaml/v3"
)

// APIVersion is the only `apiVersion` keyward reads and the one it writes.
const APIVersion = "keyward/v1"

// Source is an input to read.
type Source struct {
	// Name is how problems name the input: a path, or "<stdin>".
	Name string
	R    io.Reader
}

// Decoded is one object read from the input. Spec is nil when the object
// could not be decoded at all (no or unknown kind); Problems lists what is
// wrong with it (none: it is valid on its own).
type Decoded struct {
	Spec     backend.Spec
	Pos      Position
	Problems []Problem
	// Node is the object's mapping, to place later problems on a field's line.
	Node *yaml.Node
}

// ReadOptions tune Read.
type ReadOptions struct {
	// DefaultTenant is the tenant of namespaced objects that give none.
	DefaultTenant string
	// BatchSize is the number of objects per batch sent (default 256).
	BatchSize int
	// Progress, when set, is called with the bytes read so far.
	Progress func(bytesRead int64)
}

// Read reads src and sends its objects, in input order and in batches, to
// out; it closes out when done. Problems of syntax and of single objects
// travel with the objects; the error is for failing to read at all.
func Read(ctx context.Context, src Source, opts ReadOptions, out chan<- []Decoded) error {
	defer close(out)
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	r := &docReader{src: src, opts: opts, out: out, ctx: ctx}
	return r.run()
}

// ReadAll reads all of src (tests, small inputs).
func ReadAll(ctx context.Context, src Source, opts ReadOptions) ([]Decoded, error) {
	ch := make(chan []Decoded, 4)
	errc := make(chan error, 1)
	go func() { errc <- Read(ctx, src, opts, ch) }()
	var all []Decoded
	for batch := range ch {
		all = append(all, batch...)
	}
	return all, <-errc
}

type docReader struct {
	src  Source
	opts ReadOptions
	out  chan<- []Decoded
	ctx  context.Context

	batch      []Decoded
	doc        bytes.Buffer // the current document's lines
	docStart   int          // its first line
	hasContent bool
	docIndex   int
	bytesRead  int64
}

func (r *docReader) run() error {
	br := bufio.NewReaderSize(r.src.R, 256<<10)
	var long []byte // a line longer than the buffer
	lineNum := 0
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line, long = append(long, line...), nil
		}
		if len(line) > 0 {
			lineNum++
			r.bytesRead += int64(len(line))
			if err := r.addLine(line, lineNum); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := r.endDocument(); err != nil {
		return err
	}
	return r.send()
}

// addLine adds one input line: a `---` line or a directive after content
// starts the next document.
func (r *docReader) addLine(line []byte, num int) error {
	startsDoc := isMarker(line, "---") || (line[0] == '%' && r.hasContent)
	if startsDoc {
		if err := r.endDocument(); err != nil {
			return err
		}
	}
	if r.doc.Len() == 0 {
		r.docStart = num
	}
	r.doc.Write(line)
	if !r.hasContent && isContent(line) {
		r.hasContent = true
	}
	return nil
}

// endDocument parses the current document, if it has content.
func (r *docReader) endDocument() error {
	defer func() { r.doc.Reset(); r.hasContent = false }()
	if !r.hasContent {
		return nil
	}
	r.docIndex++
	r.parse(r.doc.Bytes(), r.docStart)
	if len(r.batch) >= r.opts.BatchSize {
		return r.send()
	}
	return nil
}

func (r *docReader) send() error {
	if len(r.batch) == 0 {
		return nil
	}
	if r.opts.Progress != nil {
		r.opts.Progress(r.bytesRead)
	}
	select {
	case r.out <- r.batch:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	r.batch = make([]Decoded, 0, r.opts.BatchSize)
	return nil
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse turns one document into objects.
func (r *docReader) parse(text []byte, firstLine int) {
	doc, ok := fastParse(string(text), firstLine)
	if !ok {
		var n yaml.Node
		if err := yaml.Unmarshal(text, &n); err != nil {
			p := Problem{Source: r.src.Name, Pos: Position{Document: r.docIndex, Line: firstLine}, Message: err.Error()}
			if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
				line, _ := strconv.Atoi(m[1])
				p.Pos.Line, p.Message = firstLine-1+line, "invalid YAML: "+m[2]
			}
			r.batch = append(r.batch, Decoded{Pos: p.Pos, Problems: []Problem{p}})
			return
		}
		shiftLines(&n, firstLine-1)
		doc = &n
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	switch root.Kind {
	case yaml.MappingNode:
		r.batch = append(r.batch, decodeObject(r.src.Name, root, Position{Document: r.docIndex, Line: root.Line}, r.opts.DefaultTenant))
	case yaml.SequenceNode:
		for i, item := range root.Content {
			pos := Position{Document: r.docIndex, Item: i + 1, Line: item.Line}
			if item.Kind != yaml.MappingNode {
				r.batch = append(r.batch, Decoded{Pos: pos, Problems: []Problem{{Source: r.src.Name, Pos: pos, Message: "expected an object with a kind"}}})
				continue
			}
			r.batch = append(r.batch, decodeObject(r.src.Name, item, pos, r.opts.DefaultTenant))
		}
	default:
		pos := Position{Document: r.docIndex, Line: root.Line}
		r.batch = append(r.batch, Decoded{Pos: pos, Problems: []Problem{{Source: r.src.Name, Pos: pos,
			Message: "expected an object with a kind, or a list of them"}}})
	}
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// isMarker reports whether line is the marker m ("---") followed by
// nothing or white space.
func isMarker(line []byte, m string) bool {
	if !bytes.HasPrefix(line, []byte(m)) {
		return false
	}
	rest := line[len(m):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

// isContent reports whether a line holds more than white space, a comment,
// a bare marker or a directive.
func isContent(line []byte) bool {
	t := bytes.TrimSpace(line)
	switch {
	case len(t) == 0, t[0] == '#', line[0] == '%':
		return false
	case isMarker(line, "---"), isMarker(line, "..."):
		rest := bytes.TrimSpace(line[3:])
		return len(rest) > 0 && rest[0] != '#'
	}
	return true
}
