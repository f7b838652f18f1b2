// Package credentialstest provides a minimal OAuth 2.0 authorization server
// for tests of keyward's client side: the client_credentials grant of RFC
// 6749 §4.4 (client_secret_basic and client_secret_post) issuing real
// keyward JWTs (internal/token), and token revocation per RFC 7009. It is the
// contract internal/credentials is written against, small enough to read in
// one sitting; end-to-end tests use the real server (internal/server).
package credentialstest

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/token"
)

// Server is a token server with one access key.
type Server struct {
	// URL is the server's base URL.
	URL string
	// KeyID and Secret are the one access key the server accepts.
	KeyID, Secret string
	// CAFile is, for a TLS server, a PEM file of its certificate; empty
	// otherwise.
	CAFile string

	httpServer *httptest.Server
	issuer     *token.Issuer
	now        func() time.Time

	mu          sync.Mutex
	ttl         time.Duration
	issued      int
	revoked     map[string]bool
	revokeAuth  []string
	rateLimited int
	lastAuth    string
}

// Options configure NewServer.
type Options struct {
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// TTL is the token lifetime; zero means one hour.
	TTL time.Duration
	// TLS serves HTTPS with a self-signed certificate (see Server.CAFile).
	TLS bool
}

// NewServer starts a token server on 127.0.0.1; it stops when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a token server on 127.0.0.1 without a testing.TB (for
// testscript commands); the caller closes it.
func Start(opts Options) (*Server, error) {
	keyID, err := secret.NewKeyID()
	if err != nil {
		return nil, err
	}
	sec, err := secret.NewSecret()
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TTL == 0 {
		opts.TTL = time.Hour
	}
	s := &Server{KeyID: keyID, Secret: sec, now: opts.Now, ttl: opts.TTL, revoked: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+token.TokenPath, s.handleToken)
	mux.HandleFunc("POST "+token.RevokePath, s.handleRevoke)
	if opts.TLS {
		s.httpServer = httptest.NewTLSServer(mux)
		dir, err := os.MkdirTemp("", "credentialstest")
		if err != nil {
			s.httpServer.Close()
			return nil, err
		}
		s.CAFile = filepath.Join(dir, "ca.pem")
		cert := s.httpServer.TLS.Certificates[0].Certificate[0]
		if err := os.WriteFile(s.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}), 0o600); err != nil {
			s.httpServer.Close()
			return nil, err
		}
	} else {
		s.httpServer = httptest.NewServer(mux)
	}
	s.URL = s.httpServer.URL
	signing, err := token.NewSigningKey(opts.Now())
	if err != nil {
		return nil, err
	}
	keys, err := token.NewKeySet(signing)
	if err != nil {
		return nil, err
	}
	if s.issuer, err = token.NewIssuer(token.IssuerConfig{Keys: keys, Issuer: s.URL, Clock: opts.Now}); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the server and removes its CA file.
func (s *Server) Close() {
	s.httpServer.Close()
	if s.issuer != nil {
		s.issuer.Close()
	}
	if s.CAFile != "" {
		_ = os.RemoveAll(filepath.Dir(s.CAFile))
	}
}

// Issued returns how many tokens the server has issued.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Revoked reports whether raw was revoked, and how the revocation request
// authenticated ("basic:<key id>" or "none").
func (s *Server) Revoked(raw string) (bool, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[raw], append([]string(nil), s.revokeAuth...)
}

// LastAuth returns how the last token request authenticated: "basic" or "post".
func (s *Server) LastAuth() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAuth
}

// SetTTL changes the lifetime of the tokens issued from now on.
func (s *Server) SetTTL(d time.Duration) {
	s.mu.Lock()
	s.ttl = d
	s.mu.Unlock()
}

// RateLimit makes the next token requests answer 429 with Retry-After
// seconds; 0 lifts the limit.
func (s *Server) RateLimit(retryAfter int) {
	s.mu.Lock()
	s.rateLimited = retryAfter
	s.mu.Unlock()
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.ParseForm() != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form")
		return
	}
	s.mu.Lock()
	limited, ttl := s.rateLimited, s.ttl
	s.mu.Unlock()
	if limited > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(limited))
		oauthError(w, http.StatusTooManyRequests, "rate_limited", "too many requests")
		return
	}
	id, sec, how := clientCredentials(r)
	if id != s.KeyID || sec != s.Secret {
		w.Header().Set("WWW-Authenticate", `Basic realm="keyward"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "invalid client credentials")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	raw, claims, err := s.issuer.Issue(token.Request{Subject: "ci-bot", ClientID: id, Tenant: "default", TTL: ttl})
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	s.mu.Lock()
	s.issued++
	s.lastAuth = how
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": raw, "token_type": "Bearer",
		"expires_in": int64(claims.ExpiresAt.Sub(s.now()) / time.Second),
	})
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("token") == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "token is missing")
		return
	}
	auth := "none"
	if id, sec, how := clientCredentials(r); how != "" {
		if id != s.KeyID || sec != s.Secret {
			w.Header().Set("WWW-Authenticate", `Basic realm="keyward"`)
			oauthError(w, http.StatusUnauthorized, "invalid_client", "invalid client credentials")
			return
		}
		auth = how + ":" + id
	}
	s.mu.Lock()
	s.revoked[r.PostForm.Get("token")] = true
	s.revokeAuth = append(s.revokeAuth, auth)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// clientCredentials reads HTTP Basic (each part form-encoded, RFC 6749
// §2.3.1) or the form fields.
func clientCredentials(r *http.Request) (id, sec, how string) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, enc, _ := strings.Cut(h, " ")
		raw, err := base64.StdEncoding.DecodeString(enc)
		if !strings.EqualFold(scheme, "Basic") || err != nil {
			return "", "", "basic"
		}
		id, sec, _ = strings.Cut(string(raw), ":")
		id, _ = url.QueryUnescape(id)
		sec, _ = url.QueryUnescape(sec)
		return id, sec, "basic"
	}
	if r.PostForm.Get("client_id") != "" {
		return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), "post"
	}
	return "", "", ""
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
