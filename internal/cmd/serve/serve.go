// Package serve is `keyward serve`: the token endpoint and REST API over the
// local database, which the server holds for as long as it runs.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/cidr"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/server"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
	"github.com/spf13/cobra"
)

// DefaultAddr is where serve listens unless told otherwise: loopback only.
const DefaultAddr = "127.0.0.1:8443"

// HTTP server timeouts. ReadHeaderTimeout bounds slow-header attacks; the
// others bound a slow body, a slow reader and idle keep-alive connections.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	// shutdownTimeout bounds the wait for requests in flight at SIGTERM.
	shutdownTimeout = 10 * time.Second
)

// Options are the inputs of `keyward serve`.
type Options struct {
	Factory        *cmdutil.Factory
	DBPath         string
	Addr           string
	TLSCert        string
	TLSKey         string
	InsecureListen bool
	Issuer         string
	TrustedProxies []string
	// RateLimitIP and RateLimitKey are the token endpoint's limits in
	// requests per second per source address and per access key; 0
	// disables one.
	RateLimitIP  int
	RateLimitKey int
	// Signers is how many goroutines sign tokens; 0 means half the CPUs.
	Signers int
	// RotateSigningKey rotates the token signing key before serving.
	RotateSigningKey bool
	// ReadyFile, when set, receives the base URL once the server accepts
	// connections (scripts that start it on port 0, or wait for it).
	ReadyFile string
	// Listening, when set, is called with the base URL once the server
	// accepts connections (tests).
	Listening func(url string)
}

// NewCmdServe returns `keyward serve`.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the token endpoint and the REST API over the local database",
		Long: `Serve keyward over HTTP(S): POST /oauth/token exchanges an access key id and
secret for a bearer token (OAuth 2.0 client_credentials), and the REST API
under /v1/tenants/{tenant}/... does what the CLI does, for callers whose
token's service user the permission policies allow.

serve holds the database for as long as it runs: local commands on the same
file exit 6; use a remote profile (--server, KEYWARD_SERVER) instead. Create
the first Administrator locally before starting it (see docs/bootstrap.md).

It listens on loopback unless told otherwise, and refuses a non-loopback
address without TLS (--tls-cert, --tls-key) unless --insecure-listen is given.
SIGTERM or SIGINT stops it gracefully: requests in flight finish, batched
last-used times and audit events are written, and it exits 0.

The token endpoint limits abuse (see docs/security.md): --rate-limit-ip and
--rate-limit-key cap requests per second (429 with Retry-After), and 5 wrong
secrets for one access key from one address within 15 minutes lock that
pair out for 15 minutes. Behind a reverse proxy, pass its addresses with
--trusted-proxy so the client address comes from X-Forwarded-For.`,
		Example: `  keyward serve
  keyward serve --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --issuer https://keyward.example.com:8443
  keyward serve --trusted-proxy 10.0.0.0/8 --rate-limit-ip 50 --rotate-signing-key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			opts.DBPath = s.DB
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", DefaultAddr, "address to listen on (host:port)")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "TLS private key file (PEM); with --tls-cert")
	fl.BoolVar(&opts.InsecureListen, "insecure-listen", false, "allow plain HTTP on a non-loopback address")
	fl.StringVar(&opts.Issuer, "issuer", "", "issuer URL of the tokens (iss, and aud by default); default from --addr")
	fl.StringSliceVar(&opts.TrustedProxies, "trusted-proxy", nil, "CIDRs of reverse proxies whose X-Forwarded-For is believed (repeatable)")
	fl.IntVar(&opts.RateLimitIP, "rate-limit-ip", server.DefaultRateLimitIP, "token requests per second from one source address (IPv6: one /64); 0 disables")
	fl.IntVar(&opts.RateLimitKey, "rate-limit-key", server.DefaultRateLimitKey, "authenticated token requests per second for one access key; 0 disables")
	fl.IntVar(&opts.Signers, "signers", 0, "goroutines that sign tokens, in arrival order (default: half the CPUs, at least 1)")
	fl.BoolVar(&opts.RotateSigningKey, "rotate-signing-key", false, "rotate the token signing key before serving (the old key verifies until its tokens expire)")
	fl.StringVar(&opts.ReadyFile, "ready-file", "", "write the server's URL to this file once it accepts connections")
	return cmd
}

// Run serves until ctx is cancelled (SIGTERM/SIGINT), then shuts down
// gracefully and returns nil.
func Run(ctx context.Context, opts *Options) error {
	listen, err := checkListen(opts)
	if err != nil {
		return err
	}
	proxies, err := cidr.ParseList("trusted-proxy", opts.TrustedProxies)
	if err != nil {
		return err
	}
	if opts.RateLimitIP < 0 {
		return domain.Invalid("rate-limit-ip", "must be 0 (no limit) or a positive number of requests per second")
	}
	if opts.RateLimitKey < 0 {
		return domain.Invalid("rate-limit-key", "must be 0 (no limit) or a positive number of requests per second")
	}
	if opts.Signers < 0 {
		return domain.Invalid("signers", "must be 0 (half the CPUs) or a positive number of goroutines")
	}
	f := opts.Factory
	db, err := boltstore.Open(opts.DBPath, boltstore.Options{Timeout: f.LockTimeout})
	if err != nil {
		return err
	}
	svc := service.New(db, service.Options{Now: f.Now, Actor: cmdutil.LocalActor()})
	defer svc.Close()

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	defer ln.Close()
	base := baseURL(listen, ln.Addr())
	issuer := opts.Issuer
	if issuer == "" {
		issuer = base
	}

	logOut := newBufferedLog(f.IOStreams.ErrOut)
	defer logOut.Close()
	logger := slog.New(slog.NewJSONHandler(logOut, nil))

	if opts.RotateSigningKey {
		rotation, err := svc.RotateSigningKey(ctx)
		if err != nil {
			return err
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "signing key rotated", slog.String("kid", rotation.KID),
			slog.Any("retired", rotation.Retired), slog.Any("removed", rotation.Removed))
	}

	srv, err := server.New(ctx, server.Config{
		Service: svc, Issuer: issuer, Now: f.Now, Logger: logger, TrustedProxies: proxies,
		RateLimitIP: opts.RateLimitIP, RateLimitKey: opts.RateLimitKey, Signers: opts.Signers,
	})
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if listen.tls {
		httpSrv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	served := make(chan error, 1)
	go func() {
		if listen.tls {
			served <- httpSrv.ServeTLS(ln, opts.TLSCert, opts.TLSKey)
		} else {
			served <- httpSrv.Serve(ln)
		}
	}()
	logger.LogAttrs(ctx, slog.LevelInfo, "listening", slog.String("url", base), slog.String("issuer", issuer),
		slog.String("db", opts.DBPath), slog.Bool("tls", listen.tls))
	if opts.ReadyFile != "" {
		if err := writeReadyFile(opts.ReadyFile, base); err != nil {
			logger.LogAttrs(ctx, slog.LevelError, "ready file", slog.String("error", err.Error()))
		}
	}
	if opts.Listening != nil {
		opts.Listening(base)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	srv.SetNotReady()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	shutdownErr := httpSrv.Shutdown(shutdownCtx)
	flushErr := srv.Close()
	logger.LogAttrs(context.WithoutCancel(ctx), slog.LevelInfo, "stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return errors.Join(shutdownErr, flushErr)
}

// listenPlan is what checkListen decided about --addr.
type listenPlan struct {
	host string
	tls  bool
}

// checkListen validates --addr and the TLS flags: TLS needs both files, and
// a non-loopback address needs TLS or --insecure-listen.
func checkListen(opts *Options) (listenPlan, error) {
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil || port == "" {
		return listenPlan{}, domain.Invalid("addr", "%q is not host:port (e.g. %s)", opts.Addr, DefaultAddr)
	}
	plan := listenPlan{host: host, tls: opts.TLSCert != "" || opts.TLSKey != ""}
	if plan.tls && (opts.TLSCert == "" || opts.TLSKey == "") {
		return plan, cmdutil.UsageErrorf("--tls-cert and --tls-key go together")
	}
	if !plan.tls && !opts.InsecureListen && !isLoopback(host) {
		return plan, &domain.Error{Code: domain.CodeInvalid,
			Message: fmt.Sprintf("refusing to serve plain HTTP on non-loopback address %s", opts.Addr),
			Hint:    "pass --tls-cert and --tls-key, or --insecure-listen if a TLS proxy in front of keyward terminates TLS"}
	}
	return plan, nil
}

// isLoopback reports whether host names only the loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// baseURL is the server's URL from the listening address: the host as given
// in --addr (a name stays a name), the bound port (for port 0), and the host
// name for an unspecified address (0.0.0.0, ::).
func baseURL(plan listenPlan, bound net.Addr) string {
	scheme := "http"
	if plan.tls {
		scheme = "https"
	}
	_, port, _ := net.SplitHostPort(bound.String())
	host := plan.host
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host, _ = os.Hostname()
		if host == "" {
			host = "localhost"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// writeReadyFile writes url and a newline to path atomically (a temporary
// file renamed), so a reader never sees half of it.
func writeReadyFile(path, url string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(url+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
