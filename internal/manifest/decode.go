package manifest

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"go.yaml.in/yaml/v3"
)

// decodeObject decodes one object mapping into the spec of its kind, strictly:
// every unknown or repeated field and every value of the wrong type is a
// problem on its line, then the spec validates itself.
func decodeObject(source string, n *yaml.Node, pos Position, defaultTenant string) Decoded {
	d := &objectDecoder{source: source, pos: pos}
	out := Decoded{Pos: pos, Node: n}
	kindName, ok := d.header(n)
	if !ok {
		out.Problems = d.problems
		return out
	}
	kind, known := backend.LookupKind(kindName)
	if !known {
		d.problemAt(FieldLine(n, "kind"), "kind", "unknown kind %q;%s known kinds: %s", kindName, suggestKind(kindName), strings.Join(kindNames(), ", "))
		out.Problems = d.problems
		return out
	}
	spec := kind.New()
	d.object = kind.Name
	d.decodeStruct(n, reflect.ValueOf(spec).Elem(), "")
	if kind.Namespaced {
		setDefaultTenant(spec, defaultTenant)
	}
	out.Spec = spec
	d.object = spec.Ref().String()
	for i := range d.problems {
		d.problems[i].Object = d.object
	}
	// Validate even after decoding problems, so that every bad field is
	// reported at once; a field already reported is not reported again.
	d.addValidation(n, spec.Validate())
	sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Pos.Line < d.problems[j].Pos.Line })
	out.Problems = d.problems
	return out
}

// FieldProblems turns a validation error about the object at n (a spec's
// Validate or Merge) into problems on the lines of the fields it names.
func FieldProblems(source string, n *yaml.Node, pos Position, object string, err error) []Problem {
	d := &objectDecoder{source: source, pos: pos, object: object}
	d.addValidation(n, err)
	return d.problems
}

type objectDecoder struct {
	source   string
	pos      Position
	object   string
	problems []Problem
}

func (d *objectDecoder) problemAt(line int, field, format string, args ...any) {
	pos := d.pos
	if line > 0 {
		pos.Line = line
	}
	d.problems = append(d.problems, Problem{Source: d.source, Pos: pos, Object: d.object, Field: field, Message: fmt.Sprintf(format, args...)})
}

// header reads kind and apiVersion.
func (d *objectDecoder) header(n *yaml.Node) (kind string, ok bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "kind":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || v.Value == "" {
				d.problemAt(k.Line, "kind", "must be the name of a kind: %s", strings.Join(kindNames(), ", "))
				return "", false
			}
			kind = v.Value
		case "apiVersion":
			if v.Kind != yaml.ScalarNode || v.Value != APIVersion {
				d.problemAt(k.Line, "apiVersion", "must be %q (or left out)", APIVersion)
			}
		}
	}
	if kind == "" {
		d.problemAt(0, "kind", "missing; every object needs one of: %s", strings.Join(kindNames(), ", "))
		return "", false
	}
	return kind, true
}

// decodeStruct sets the fields of dst from mapping n; at the top level
// (prefix "") kind and apiVersion are read by header.
func (d *objectDecoder) decodeStruct(n *yaml.Node, dst reflect.Value, prefix string) {
	fields := backend.FieldsOf(dst.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if first := firstKeyLine(n, i); first > 0 {
			d.problemAt(k.Line, prefix+name, "given twice (first on line %d)", first)
			continue
		}
		if prefix == "" && (name == "kind" || name == "apiVersion") {
			continue
		}
		fi, ok := lookupField(fields, name)
		if !ok {
			d.problemAt(k.Line, prefix+name, "%s", backend.UnknownFieldMessage(name, fields, prefix, d.object, "kind", "apiVersion"))
			continue
		}
		d.decodeValue(v, dst.Field(fi.Index), prefix+name, fi.Nullable)
	}
}

// decodeValue sets dst from the YAML value v.
func (d *objectDecoder) decodeValue(v *yaml.Node, dst reflect.Value, field string, nullable bool) {
	isNull := v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
	if dst.Kind() == reflect.Pointer {
		if isNull && !nullable {
			d.problemAt(v.Line, field, "must not be null (leave the field out to keep the current value)")
			return
		}
		dst.Set(reflect.New(dst.Type().Elem()))
		dst = dst.Elem()
	}
	switch dst.Kind() {
	case reflect.String:
		switch {
		case isNull && nullable:
			dst.SetString("")
		case isNull:
			d.problemAt(v.Line, field, "must not be null")
		case v.Kind != yaml.ScalarNode:
			d.problemAt(v.Line, field, "must be a string, not %s", describe(v))
		default:
			dst.SetString(v.Value)
		}
	case reflect.Bool:
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
			d.problemAt(v.Line, field, "must be true or false, not %s", describe(v))
			return
		}
		dst.SetBool(strings.EqualFold(v.Value, "true"))
	case reflect.Int:
		var i int
		if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&i) != nil {
			d.problemAt(v.Line, field, "must be a whole number, not %s", describe(v))
			return
		}
		dst.SetInt(int64(i))
	case reflect.Slice:
		if isNull {
			dst.Set(reflect.MakeSlice(dst.Type(), 0, 0))
			return
		}
		if v.Kind != yaml.SequenceNode {
			d.problemAt(v.Line, field, "must be a list, not %s", describe(v))
			return
		}
		elem := dst.Type().Elem()
		out := reflect.MakeSlice(dst.Type(), 0, len(v.Content))
		for i, item := range v.Content {
			itemField := fmt.Sprintf("%s[%d]", field, i)
			// A refused item stays as a zero value, so that the items after
			// it keep their indexes in later problems.
			if elem.Kind() == reflect.Struct {
				obj := reflect.New(elem).Elem()
				if item.Kind != yaml.MappingNode {
					d.problemAt(item.Line, itemField, "must be an object, not %s", describe(item))
				} else {
					d.decodeStruct(item, obj, itemField+".")
				}
				out = reflect.Append(out, obj)
				continue
			}
			if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
				d.problemAt(item.Line, itemField, "must be a string, not %s", describe(item))
				out = reflect.Append(out, reflect.Zero(elem))
				continue
			}
			out = reflect.Append(out, reflect.ValueOf(item.Value).Convert(elem))
		}
		dst.Set(out)
	case reflect.Struct:
		if isNull {
			return
		}
		if v.Kind != yaml.MappingNode {
			d.problemAt(v.Line, field, "must be an object, not %s", describe(v))
			return
		}
		d.decodeStruct(v, dst, field+".")
	default:
		d.problemAt(v.Line, field, "cannot be read (internal: %s)", dst.Kind())
	}
}

// firstKeyLine returns the line of an earlier key of mapping n equal to the
// key at index i, or 0 (objects have few fields: no map needed).
func firstKeyLine(n *yaml.Node, i int) int {
	for j := 0; j < i; j += 2 {
		if n.Content[j].Value == n.Content[i].Value {
			return n.Content[j].Line
		}
	}
	return 0
}

// addValidation places the fields of a validation error on their lines.
func (d *objectDecoder) addValidation(n *yaml.Node, err error) {
	if err == nil {
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		d.problemAt(0, "", "%s", err.Error())
		return
	}
	reported := make(map[string]bool, len(d.problems))
	for _, p := range d.problems {
		reported[p.Field] = true
	}
	fields := make([]string, 0, len(de.Fields))
	for f := range de.Fields {
		if !reportedWithin(reported, f) {
			fields = append(fields, f)
		}
	}
	sort.Slice(fields, func(i, j int) bool {
		li, lj := FieldLine(n, fields[i]), FieldLine(n, fields[j])
		return li < lj || li == lj && fields[i] < fields[j]
	})
	for _, f := range fields {
		d.problemAt(FieldLine(n, f), f, "%s", de.Fields[f])
	}
}

// reportedWithin reports whether field, or a field or list item holding
// it ("statements[0]" for "statements[0].effect"), has a problem already.
func reportedWithin(reported map[string]bool, field string) bool {
	for {
		if reported[field] {
			return true
		}
		i := strings.LastIndexAny(field, ".[")
		if i <= 0 {
			return false
		}
		field = field[:i]
	}
}

// FieldLine returns the line of a field path ("settings.tokenTtl",
// "statements[1].actions[0]") in mapping n: of its key, or of the list item
// an index names; as deep as the path is found, 0 when its first name is
// not there.
func FieldLine(n *yaml.Node, path string) int {
	if n == nil {
		return 0
	}
	segment, rest, nested := strings.Cut(path, ".")
	name, indexes := splitIndexes(segment)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != name {
			continue
		}
		line, v := n.Content[i].Line, n.Content[i+1]
		for _, idx := range indexes {
			if v.Kind != yaml.SequenceNode || idx >= len(v.Content) {
				return line
			}
			v = v.Content[idx]
			line = v.Line
		}
		if nested {
			if l := FieldLine(v, rest); l > 0 {
				return l
			}
		}
		return line
	}
	return 0
}

// splitIndexes splits "actions[1]" into "actions" and [1].
func splitIndexes(segment string) (string, []int) {
	var indexes []int
	for strings.HasSuffix(segment, "]") {
		open := strings.LastIndexByte(segment, '[')
		if open < 0 {
			break
		}
		i, err := strconv.Atoi(segment[open+1 : len(segment)-1])
		if err != nil || i < 0 {
			break
		}
		indexes = append([]int{i}, indexes...)
		segment = segment[:open]
	}
	return segment, indexes
}

func lookupField(fields []backend.FieldInfo, name string) (backend.FieldInfo, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return backend.FieldInfo{}, false
}

func describe(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if v.ShortTag() == "!!null" {
		return "null"
	}
	return fmt.Sprintf("%q", v.Value)
}

// suggestKind is " did you mean "X"?" for a kind name spelt nearly right
// ("serviceuser", "AccesKey"), else "".
func suggestKind(name string) string {
	if k, ok := backend.ClosestName(name, kindNames()); ok {
		return fmt.Sprintf(" did you mean %q?", k)
	}
	return ""
}

func kindNames() []string {
	var out []string
	for _, k := range backend.Kinds() {
		out = append(out, k.Name)
	}
	return out
}

// setDefaultTenant fills the `tenant` field of a namespaced spec left empty.
func setDefaultTenant(spec backend.Spec, tenant string) {
	v := reflect.ValueOf(spec).Elem()
	for _, f := range backend.FieldsOf(v.Type()) {
		if f.Name == "tenant" {
			if fv := v.Field(f.Index); fv.Kind() == reflect.String && fv.String() == "" {
				fv.SetString(tenant)
			}
			return
		}
	}
}
