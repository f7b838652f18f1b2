package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// queryBool reads an optional true/false query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		return false, domain.Invalid(name, "must be true or false, not %q", raw)
	}
	return v, nil
}

// queryInt reads an optional integer query parameter (0 when absent).
func queryInt(r *http.Request, name string) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		return 0, domain.Invalid(name, "must be an integer, not %q", raw)
	}
	return v, nil
}

// queryTime reads an optional RFC 3339 time query parameter (zero when absent).
func queryTime(r *http.Request, name string) (time.Time, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, domain.Invalid(name, "must be an RFC 3339 time, not %q", raw)
	}
	return t, nil
}
