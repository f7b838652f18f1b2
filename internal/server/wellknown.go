package server

import (
	"net/http"
)

// handleJWKS serves the public signing keys (RFC 7517), active first.
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeRawJSON(w, http.StatusOK, s.keys.JWKS())
}

// handleMetadata serves the RFC 8414 authorization server metadata.
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeRawJSON(w, http.StatusOK, s.metadata)
}

// handleHealthz answers 200 while the process serves HTTP at all.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, []byte("{\"status\":\"ok\"}\n"))
}

// handleReadyz answers 200 while the server takes requests: the database
// answers and shutdown has not begun; 503 otherwise.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.closing.Load() {
		writeRawJSON(w, http.StatusServiceUnavailable, []byte("{\"status\":\"shutting down\"}\n"))
		return
	}
	if _, err := s.svc.GetTenant(r.Context(), "system"); err != nil {
		writeRawJSON(w, http.StatusServiceUnavailable, []byte("{\"status\":\"database unavailable\"}\n"))
		return
	}
	writeRawJSON(w, http.StatusOK, []byte("{\"status\":\"ready\"}\n"))
}
