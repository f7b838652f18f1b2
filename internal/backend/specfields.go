package backend

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// SpecField is one declared field of a spec, in struct order: its JSON name
// and value — nil (null), a string, bool or int, a []string, the
// []SpecField of a nested object such as a tenant's settings, or the
// [][]SpecField of a list of objects such as a policy's statements.
type SpecField struct {
	Name  string
	Value any
}

// FieldChange is one field a plan changes, by JSON path ("email",
// "settings.tokenTtl", "statements[1].actions"), with its current and
// declared values (nil: none). An item added to or removed from a list of
// objects is one change whose other side is nil; its value is the item as
// its Go struct (a domain.PolicyStatement), which JSON shows as an object.
type FieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// SpecFields returns the declared fields of s (nil pointers are skipped;
// the identity fields are included, directives are not). A string field
// tagged `spec:"nullable"` reads "" as nil: `email: null` in a file means
// no e-mail.
func SpecFields(s Spec) []SpecField { return structFields(reflect.ValueOf(s)) }

// DiffSpecs lists the fields declared in to whose values differ from
// those in from; identity fields and directives are not compared. With from
// a spec of the same type with nothing declared, it lists every declared
// field of to.
func DiffSpecs(from, to Spec) []FieldChange {
	var out []FieldChange
	diffStruct(reflect.ValueOf(from), reflect.ValueOf(to), "", &out)
	return out
}

// DeclaredPaths returns the JSON paths of the leaf fields s declares
// ("displayName", "settings.tokenTtl").
func DeclaredPaths(s Spec) map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, fs []SpecField)
	walk = func(prefix string, fs []SpecField) {
		for _, f := range fs {
			if nested, ok := f.Value.([]SpecField); ok {
				walk(prefix+f.Name+".", nested)
				continue
			}
			out[prefix+f.Name] = true
		}
	}
	walk("", SpecFields(s))
	return out
}

// FieldInfo is what the struct tags of a spec say about one field. The
// `spec` tag holds comma-separated options: nullable, identity, directive.
type FieldInfo struct {
	// Index is the field's index in its struct.
	Index int
	// Name is the JSON name, the file format's field name.
	Name string
	// Nullable string fields read "" as null (option nullable).
	Nullable bool
	// Identity fields name the object and are never diffed: id and tenant,
	// and those with the option identity (a policy's name, a key's user).
	Identity bool
	// Directives (option directive) are read from a file but are not part
	// of the object's state: they say how to make it (an access key's
	// `expires: 90d` lifetime, its `secretFile`), so they are never
	// compared, exported or shown in a diff.
	Directive bool
}

var fieldCache sync.Map // reflect.Type → []FieldInfo

// FieldsOf returns the fields of a spec struct type (or of a struct nested
// in one), in order.
func FieldsOf(t reflect.Type) []FieldInfo {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]FieldInfo)
	}
	var out []FieldInfo
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		opts := map[string]bool{}
		for _, o := range strings.Split(sf.Tag.Get("spec"), ",") {
			opts[o] = true
		}
		out = append(out, FieldInfo{
			Index: i, Name: name,
			Nullable:  opts["nullable"],
			Identity:  name == "id" || name == "tenant" || opts["identity"],
			Directive: opts["directive"],
		})
	}
	fieldCache.Store(t, out)
	return out
}

func structValue(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, v.Kind() == reflect.Struct
}

func structFields(v reflect.Value) []SpecField {
	v, ok := structValue(v)
	if !ok {
		return nil
	}
	var out []SpecField
	for _, fi := range FieldsOf(v.Type()) {
		if fi.Directive {
			continue
		}
		if val, declared := fieldValue(v.Field(fi.Index), fi); declared {
			out = append(out, SpecField{Name: fi.Name, Value: val})
		}
	}
	return out
}

// fieldValue returns the plain value of a field and whether it is declared.
func fieldValue(f reflect.Value, fi FieldInfo) (any, bool) {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return nil, false
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.Struct:
		return structFields(f), true
	case reflect.String:
		if fi.Nullable && f.String() == "" {
			return nil, true
		}
		return f.String(), true
	case reflect.Bool:
		return f.Bool(), true
	case reflect.Int, reflect.Int64, reflect.Int32:
		return int(f.Int()), true
	case reflect.Slice:
		if f.IsNil() {
			return nil, false
		}
		if f.Type().Elem().Kind() == reflect.Struct {
			items := make([][]SpecField, f.Len())
			for i := range items {
				items[i] = structFields(f.Index(i))
			}
			return items, true
		}
		out := make([]string, f.Len())
		for i := range out {
			out[i] = f.Index(i).String()
		}
		return out, true
	}
	return f.Interface(), true
}

func diffStruct(from, to reflect.Value, prefix string, out *[]FieldChange) {
	to, ok := structValue(to)
	if !ok {
		return
	}
	from, hasFrom := structValue(from)
	for _, fi := range FieldsOf(to.Type()) {
		if fi.Identity || fi.Directive {
			continue
		}
		toF := to.Field(fi.Index)
		toV, declared := declaredValue(toF)
		if !declared {
			continue
		}
		var fromF, fromV reflect.Value
		hadOld := false
		if hasFrom {
			fromF = from.Field(fi.Index)
			fromV, hadOld = declaredValue(fromF)
		}
		switch {
		case toV.Kind() == reflect.Struct:
			diffStruct(fromF, toF, prefix+fi.Name+".", out)
			continue
		case hadOld && toV.Kind() == reflect.Slice && toV.Type().Elem().Kind() == reflect.Struct:
			diffList(fromV, toV, prefix+fi.Name, out)
			continue
		case hadOld && sameValue(fromV, toV, fi):
			continue
		}
		newVal, _ := fieldValue(toF, fi)
		if _, isList := newVal.([][]SpecField); isList {
			newVal = toV.Interface() // the items as JSON shows them
		}
		var oldVal any
		if hadOld {
			oldVal, _ = fieldValue(fromF, fi)
		}
		*out = append(*out, FieldChange{Field: prefix + fi.Name, From: oldVal, To: newVal})
	}
}

// declaredValue is the value of a spec field, through its pointer, and
// whether it is declared (not a nil pointer or a nil list).
func declaredValue(f reflect.Value) (reflect.Value, bool) {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return f, false
		}
		f = f.Elem()
	}
	if f.Kind() == reflect.Slice && f.IsNil() {
		return f, false
	}
	return f, true
}

// sameValue reports whether two declared values of a field are equal, as
// their plain values (fieldValue) would compare, without building them:
// a plan compares every field of every object.
func sameValue(a, b reflect.Value, fi FieldInfo) bool {
	switch a.Kind() {
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return a.Int() == b.Int()
	case reflect.Slice:
		if a.Type().Elem().Kind() != reflect.String {
			break
		}
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if a.Index(i).String() != b.Index(i).String() {
				return false
			}
		}
		return true
	}
	va, _ := fieldValue(a, fi)
	vb, _ := fieldValue(b, fi)
	return reflect.DeepEqual(va, vb)
}

// diffList compares two lists of objects item by item: the fields of an
// item present in both ("statements[0].actions"), or a whole item added
// or removed ("statements[2]", from or to nil).
func diffList(from, to reflect.Value, path string, out *[]FieldChange) {
	for i := 0; i < max(from.Len(), to.Len()); i++ {
		itemPath := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case i >= from.Len():
			*out = append(*out, FieldChange{Field: itemPath, From: nil, To: to.Index(i).Interface()})
		case i >= to.Len():
			*out = append(*out, FieldChange{Field: itemPath, From: from.Index(i).Interface(), To: nil})
		default:
			diffStruct(from.Index(i), to.Index(i), itemPath+".", out)
		}
	}
}
