package backend

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// decodeStrictJSON decodes raw (one JSON value) into v like json.Unmarshal,
// but refuses a member that v's type has no field for, at any depth: a
// typo must not be silently ignored. The refusal is invalid input naming
// the member by its JSON path ("cidrAlowList", "settings.tokenTtll",
// "statements[0].efect"), suggesting the field meant; object names what
// is being decoded in the message ("ServiceUser acme/ci-bot", "change").
// Other errors are encoding/json's.
func decodeStrictJSON(raw []byte, v any, object string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil || !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return err
	}
	name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
	path, fields, prefix, found := findUnknownField(raw, reflect.TypeOf(v), "")
	if !found { // not where the types say: name it without its path
		path, fields, prefix = name, nil, ""
	} else {
		name = path[len(prefix):]
	}
	why := UnknownFieldMessage(name, fields, prefix, object)
	if fields == nil {
		why = "unknown field"
	}
	e := domain.Invalid(path, "%s", why)
	e.Message = object + ": " + e.Message
	return e
}

var jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// findUnknownField walks raw along t as encoding/json decodes it and
// returns the path of the first object member t has no field for (matched
// ignoring case, as encoding/json does), with the fields of the struct it
// is in and that struct's path prefix.
func findUnknownField(raw []byte, t reflect.Type, prefix string) (path string, fields []FieldInfo, structPrefix string, found bool) {
	for t.Kind() == reflect.Pointer {
		if t.Implements(jsonUnmarshalerType) {
			return "", nil, "", false
		}
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		return "", nil, "", false
	}
	switch t.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		keys, err := objectKeys(raw)
		if err != nil || json.Unmarshal(raw, &members) != nil {
			return "", nil, "", false
		}
		fields := FieldsOf(t)
		for _, key := range keys {
			f, ok := fieldFolded(fields, key)
			if !ok {
				return prefix + key, fields, prefix, true
			}
			if p, fs, sp, ok := findUnknownField(members[key], t.Field(f.Index).Type, prefix+key+"."); ok {
				return p, fs, sp, true
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "", nil, "", false
		}
		base := strings.TrimSuffix(prefix, ".")
		for i, item := range items {
			if p, fs, sp, ok := findUnknownField(item, t.Elem(), base+"["+strconv.Itoa(i)+"]."); ok {
				return p, fs, sp, true
			}
		}
	}
	return "", nil, "", false
}

// objectKeys returns the member names of the JSON object raw, in order
// (nil for anything else).
func objectKeys(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// fieldFolded finds the field named name, ignoring case as encoding/json
// matches members to fields.
func fieldFolded(fields []FieldInfo, name string) (FieldInfo, bool) {
	for _, f := range fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return FieldInfo{}, false
}
