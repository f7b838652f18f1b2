package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/keyward/keyward/internal/domain"
)

// ErrorBody is the JSON of every API error:
// {"code","message","validationMessages"}. Message is the complete sentence
// the CLI prints (hint included); validationMessages maps each refused field
// to why, and is {} for errors that name no field.
type ErrorBody struct {
	Code    domain.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"validationMessages"`
}

// StatusOf maps an error code to its HTTP status: the one place that does.
func StatusOf(code domain.Code) int {
	switch code {
	case domain.CodeInvalid:
		return http.StatusBadRequest
	case domain.CodeUnauthenticated:
		return http.StatusUnauthorized
	case domain.CodeDenied:
		return http.StatusForbidden
	case domain.CodeNotFound:
		return http.StatusNotFound
	case domain.CodeConflict:
		return http.StatusConflict
	case domain.CodeLocked:
		return http.StatusLocked
	case domain.CodeRateLimited:
		return http.StatusTooManyRequests
	case domain.CodeBusy:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// bodyTooLarge is the refusal of a body over the cap.
func bodyTooLarge(limit int64) *domain.Error {
	return &domain.Error{Code: domain.CodeInvalid,
		Message: fmt.Sprintf("request body too large: the limit is %s", byteSize(limit)),
		Fields:  map[string]string{"body": "too large"}}
}

func byteSize(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// errorResponse turns err into its status and body. Errors keyward did not
// classify are internal: their text may hold anything, so it is logged and
// the caller sees only "internal error".
func (s *Server) errorResponse(r *http.Request, err error) (int, ErrorBody) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return http.StatusRequestEntityTooLarge, toBody(bodyTooLarge(tooLarge.Limit))
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code == domain.CodeInternal {
		s.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("method", r.Method), slog.String("path", redactSecrets(r.URL.Path)), slog.String("error", err.Error()))
		return http.StatusInternalServerError, ErrorBody{Code: domain.CodeInternal, Message: "internal error", Fields: map[string]string{}}
	}
	return StatusOf(de.Code), toBody(de)
}

// toBody is the answer body of de, with any secret the request carried
// (echoed by a message quoting a path or a value) redacted.
func toBody(de *domain.Error) ErrorBody {
	fields := make(map[string]string, len(de.Fields))
	for f, why := range de.Fields {
		fields[redactSecrets(f)] = redactSecrets(why)
	}
	return ErrorBody{Code: de.Code, Message: redactSecrets(de.Error()), Fields: fields}
}

// writeError answers an API request with err. A 401 (the service refused a
// secret, say) carries the plain Bearer challenge: the request's own token
// was fine. A 403 — the policies do not allow the token's service user the
// action — carries RFC 6750's insufficient_scope.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorResponse(r, err)
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="keyward"`)
	case http.StatusForbidden:
		w.Header().Set("WWW-Authenticate", `Bearer realm="keyward", error="insufficient_scope"`)
	}
	writeJSON(w, status, body)
}

// writeAuthError answers a request whose bearer token was refused, with
// the RFC 6750 challenge naming invalid_token (clients fetch a new token
// on it).
func (s *Server) writeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorResponse(r, err)
	w.Header().Set("WWW-Authenticate", bearerChallenge(r, body.Message))
	writeJSON(w, status, body)
}
