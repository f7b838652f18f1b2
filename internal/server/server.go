package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/token"
)

// DefaultMaxBodyBytes is the request body cap: larger bodies get 413.
const DefaultMaxBodyBytes = 1 << 20

// DefaultFlushInterval is how often batched last-used times and denied
// audit events are written.
const DefaultFlushInterval = time.Second

// Config configures a Server.
type Config struct {
	// Service is the local service the API calls. Required. The server
	// assumes every write to its database goes through this Service (serve
	// holds the file lock), which is how its in-memory state stays current.
	Service *service.Service
	// Issuer is the tokens' iss and the base of the metadata URLs: an
	// absolute http(s) URL. Required.
	Issuer string
	// Audience is the tokens' aud; empty means Issuer.
	Audience string
	// Now is the clock; nil means time.Now. Inject the service's clock.
	Now func() time.Time
	// Logger receives one line per request and internal errors; never a
	// secret, token or Authorization header. Nil discards.
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// FlushInterval is how often batches are written; 0 means
	// DefaultFlushInterval.
	FlushInterval time.Duration
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// RateLimitIP caps token requests per second from one source address
	// (an IPv6 /64), with bursts of as many; 0 disables the limit. serve
	// defaults it to DefaultRateLimitIP.
	RateLimitIP int
	// RateLimitKey caps authenticated token requests per second for one
	// access key, with bursts of as many; 0 disables the limit. serve
	// defaults it to DefaultRateLimitKey.
	RateLimitKey int
	// Signers is how many goroutines sign tokens, first come first served;
	// 0 means token.DefaultSigners.
	Signers int
}

// Server serves keyward's HTTP API. Build it with New, serve Handler, and
// Close it after the HTTP server has shut down to flush its batches.
type Server struct {
	svc            *service.Service
	now            func() time.Time
	log            *slog.Logger
	maxBody        int64
	trustedProxies []netip.Prefix

	keys     *token.KeySet
	issuer   *token.Issuer
	verifier *token.Verifier
	hasher   *secret.Hasher
	metadata []byte

	creds        credentialCache
	reads        readCache
	revoked      revokedTokens
	keyUse       keyUseBatch
	deniedEvents deniedBatch
	ipLimits     *limiterSet // nil: no limit
	keyLimits    *limiterSet // nil: no limit
	lockouts     lockouts
	// signingEpoch counts signing key reloads: a token kept for tokenReuse
	// from an earlier epoch is not handed out again.
	signingEpoch atomic.Uint64

	handler   http.Handler
	closing   atomic.Bool
	stopFlush chan struct{}
	flushDone chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New loads the signing keys (creating the first on a fresh database) and
// the revoked tokens that have not expired, and returns a Server ready to
// serve.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("server: no service")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	md, err := token.NewMetadata(cfg.Issuer, "")
	if err != nil {
		return nil, err
	}
	mdJSON, err := json.Marshal(md)
	if err != nil {
		return nil, err
	}
	signing, err := cfg.Service.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := token.NewKeySet(signing...)
	if err != nil {
		return nil, err
	}
	issuer, err := token.NewIssuer(token.IssuerConfig{Keys: keys, Issuer: cfg.Issuer, Audience: cfg.Audience, Clock: cfg.Now, Signers: cfg.Signers})
	if err != nil {
		return nil, err
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Keys: keys, Issuer: cfg.Issuer, Audience: cfg.Audience, Clock: cfg.Now})
	if err != nil {
		issuer.Close()
		return nil, err
	}
	hasher, err := cfg.Service.SecretHasher()
	if err != nil {
		issuer.Close()
		return nil, err
	}
	s := &Server{
		svc: cfg.Service, now: cfg.Now, log: cfg.Logger, maxBody: cfg.MaxBodyBytes,
		trustedProxies: cfg.TrustedProxies,
		keys:           keys, issuer: issuer, verifier: verifier, hasher: hasher,
		metadata:  append(mdJSON, '\n'),
		creds:     credentialCache{svc: cfg.Service},
		ipLimits:  newLimiterSet(cfg.RateLimitIP),
		keyLimits: newLimiterSet(cfg.RateLimitKey),
		stopFlush: make(chan struct{}), flushDone: make(chan struct{}),
	}
	if err := s.loadRevokedTokens(ctx); err != nil {
		issuer.Close()
		return nil, err
	}
	s.handler = s.withRequestLog(s.routes())
	go s.flushLoop(cfg.FlushInterval, s.stopFlush, s.flushDone)
	return s, nil
}

// Handler returns the HTTP handler of every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// SetNotReady makes /readyz answer 503 (call it when shutdown begins, so a
// balancer stops sending requests).
func (s *Server) SetNotReady() { s.closing.Store(true) }

// Close stops the background flusher and writes the pending batches
// (last-used times, denied-request audit events). Call it after the HTTP
// server has stopped handling requests. It does not close the Service.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		close(s.stopFlush)
		<-s.flushDone
		s.issuer.Close()
		s.closeErr = s.flush(context.Background())
	})
	return s.closeErr
}

// Flush writes the pending batches now (tests; serve flushes on a timer).
func (s *Server) Flush(ctx context.Context) error { return s.flush(ctx) }
