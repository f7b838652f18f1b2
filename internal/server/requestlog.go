package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/secret"
)

// loggedResponse records what the request log prints about a response, and
// what the handlers learnt about the caller. Only identifiers are recorded:
// never a header, a body, a secret or a token.
type loggedResponse struct {
	http.ResponseWriter
	status int
	bytes  int
	keyID  string // access key id, when well-formed
	actor  string // authenticated service user
}

func (lr *loggedResponse) WriteHeader(status int) {
	if lr.status == 0 {
		lr.status = status
	}
	lr.ResponseWriter.WriteHeader(status)
}

func (lr *loggedResponse) Write(b []byte) (int, error) {
	if lr.status == 0 {
		lr.status = http.StatusOK
	}
	n, err := lr.ResponseWriter.Write(b)
	lr.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (lr *loggedResponse) Unwrap() http.ResponseWriter { return lr.ResponseWriter }

// setKeyID records the access key a request named, if it is well-formed: a
// client that swapped id and secret must not get its secret logged.
func (lr *loggedResponse) setKeyID(id string) {
	if secret.ValidKeyID(id) {
		lr.keyID = id
	}
}

// responseLog returns the log record of w, or a throwaway one when w was
// not wrapped (handlers called directly in tests).
func responseLog(w http.ResponseWriter) *loggedResponse {
	if lr, ok := w.(*loggedResponse); ok {
		return lr
	}
	return &loggedResponse{ResponseWriter: w}
}

// maxLoggedPath bounds the path printed per request.
const maxLoggedPath = 256

// withRequestLog caps the request body and logs one line per request:
// method, path (secrets redacted; no query: a careless client could put
// anything there), status, size, duration, client address and the
// key and actor when known.
func (s *Server) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lr := &loggedResponse{ResponseWriter: w}
		if r.ContentLength > s.maxBody {
			s.writeError(lr, r, &http.MaxBytesError{Limit: s.maxBody})
		} else {
			r.Body = http.MaxBytesReader(lr, r.Body, s.maxBody)
			next.ServeHTTP(lr, r)
		}
		path := redactSecrets(r.URL.Path)
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath] + "..."
		}
		attrs := [...]slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", path),
			slog.Int("status", lr.status),
			slog.Int("bytes", lr.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("ip", s.clientIP(r).String()),
			slog.String("key", lr.keyID),
			slog.String("actor", lr.actor),
		}
		n := len(attrs)
		if lr.actor == "" {
			n--
			if lr.keyID == "" {
				n--
			}
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs[:n]...)
	})
}
