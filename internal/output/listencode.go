package output

import (
	"bytes"
	"encoding"
	"encoding/json"
	"io"
	"reflect"
)

// WriteJSON writes data to w exactly as MarshalJSON encodes it, byte for
// byte, but a non-empty slice one element at a time: a list of thousands of
// objects is never held in memory as one document (encoding/json would
// build the compact document, then its indented copy, each in a buffer
// grown by doubling). An element that fails to encode stops the output
// part-way; keyward's result types always encode.
func WriteJSON(w io.Writer, data any) error {
	v := reflect.ValueOf(data)
	if !streamable(v) {
		raw, err := MarshalJSON(data)
		if err != nil {
			return err
		}
		_, err = w.Write(raw)
		return err
	}
	// What json.Encoder with SetIndent("", "  ") writes for a slice:
	// "[\n  " elem ",\n  " elem ... "\n]\n", each element indented one
	// level deeper — which is the element encoded with prefix "  ".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if _, err := io.WriteString(w, "[\n  "); err != nil {
		return err
	}
	for i := range v.Len() {
		if i > 0 {
			if _, err := io.WriteString(w, ",\n  "); err != nil {
				return err
			}
		}
		buf.Reset()
		// The element's address, as encoding/json sees a slice element
		// (addressable: a MarshalJSON on the pointer applies).
		if err := enc.Encode(v.Index(i).Addr().Interface()); err != nil {
			return err
		}
		if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// WriteYAML writes data to w exactly as JSONToYAML(MarshalJSON(data))
// converts it, byte for byte, but a non-empty slice one element at a time:
// a block sequence is its items one after the other, and each item is
// converted as a sequence of one. The whole list of thousands is never a
// YAML node tree in memory.
func WriteYAML(w io.Writer, data any) error {
	v := reflect.ValueOf(data)
	if !streamable(v) {
		return writeYAMLDocument(w, data)
	}
	for i := range v.Len() {
		// A one-element slice over the same array: the element stays
		// addressable, as in the whole list.
		if err := writeYAMLDocument(w, v.Slice(i, i+1).Interface()); err != nil {
			return err
		}
	}
	return nil
}

// writeYAMLDocument writes data as one YAML document (JSONToYAML).
func writeYAMLDocument(w io.Writer, data any) error {
	raw, err := MarshalJSON(data)
	if err != nil {
		return err
	}
	if raw, err = JSONToYAML(raw); err != nil {
		return err
	}
	_, err = w.Write(raw)
	return err
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// streamable reports whether v is a slice that encoding/json writes as an
// array of its elements: non-nil, non-empty (those print null and []),
// not bytes (base64) and without a marshaler of its own.
func streamable(v reflect.Value) bool {
	if v.Kind() != reflect.Slice || v.IsNil() || v.Len() == 0 {
		return false
	}
	t := v.Type()
	if t.Elem().Kind() == reflect.Uint8 || t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) {
		return false
	}
	return true
}
