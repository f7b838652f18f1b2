package backend

import (
	"reflect"
	"strings"
	"sync"
)

// SpecField is one declared field of a spec, in struct order: its JSON name
// and value — nil (null), a string, bool or int, a []string, or the
// []SpecField of a nested object such as a tenant's settings.
type SpecField struct {
	Name  string
	Value any
}

// FieldChange is one field a plan changes, by JSON path ("email",
// "settings.tokenTtl"), with its current and declared values (nil: none).
type FieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// SpecFields returns the declared fields of s (nil pointers are skipped;
// the identity fields id and tenant are included). A string field tagged
// `spec:"nullable"` reads "" as nil: `email: null` in a file means no e-mail.
func SpecFields(s Spec) []SpecField { return structFields(reflect.ValueOf(s)) }

// DiffSpecs lists the fields declared in to whose values differ from
// those in from; identity fields are not compared. With from a spec of the
// same type with nothing declared, it lists every declared field of to.
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

// FieldInfo is what the struct tags of a spec say about one field.
type FieldInfo struct {
	// Index is the field's index in its struct.
	Index int
	// Name is the JSON name, the file format's field name.
	Name string
	// Nullable string fields read "" as null (tag `spec:"nullable"`).
	Nullable bool
	// Identity fields (id, tenant) name the object and are never diffed.
	Identity bool
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
		out = append(out, FieldInfo{
			Index: i, Name: name,
			Nullable: sf.Tag.Get("spec") == "nullable",
			Identity: name == "id" || name == "tenant",
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
		if fi.Identity {
			continue
		}
		toF := to.Field(fi.Index)
		newVal, declared := fieldValue(toF, fi)
		if !declared {
			continue
		}
		var oldVal any
		hadOld := false
		if hasFrom {
			oldVal, hadOld = fieldValue(from.Field(fi.Index), fi)
		}
		if _, isStruct := newVal.([]SpecField); isStruct {
			var fromF reflect.Value
			if hasFrom {
				fromF = from.Field(fi.Index)
			}
			diffStruct(fromF, toF, prefix+fi.Name+".", out)
			continue
		}
		if !hadOld || !reflect.DeepEqual(oldVal, newVal) {
			if !hadOld {
				oldVal = nil
			}
			*out = append(*out, FieldChange{Field: prefix + fi.Name, From: oldVal, To: newVal})
		}
	}
}
