package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		raw = []byte(`{"code":"internal","message":"internal error","validationMessages":{}}`)
	}
	writeRawJSON(w, status, append(raw, '\n'))
}

// writeRawJSON answers with raw, which is JSON already.
func writeRawJSON(w http.ResponseWriter, status int, raw []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

var jsonContentType = []string{"application/json"}

// decodeJSON reads the request body into v. Unknown members are refused
// (a typo must not be silently ignored) and so is anything after the one
// JSON value. An empty body decodes as {}. Errors are invalid input naming
// the field, or the body's size error when it is over the cap.
func decodeJSON(r *http.Request, v any) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError, or the connection failed
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if dec.More() {
		return domain.Invalid("body", "must hold one JSON object")
	}
	return nil
}

// bodyError turns a JSON decoding error into invalid input naming the field.
func bodyError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return domain.Invalid(typeErr.Field, "must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &typeErr):
		return domain.Invalid("body", "must be %s, not %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return domain.Invalid("body", "is not valid JSON (at byte %d)", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.Invalid(field, "unknown field")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid("body", "is not valid JSON (it ends too early)")
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de // a field's own UnmarshalText refused the value
	}
	return domain.Invalid("body", "is not valid JSON: %v", err)
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	}
	return fmt.Sprintf("a %s", kind)
}
