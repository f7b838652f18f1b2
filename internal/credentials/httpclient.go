package credentials

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"golang.org/x/oauth2"
)

// RequestTimeout bounds one HTTP exchange with the server, connection and
// TLS handshake included, so an unreachable server never hangs a script.
const RequestTimeout = 30 * time.Second

// NewHTTPClient returns the HTTP client for a server. With caFile, the
// server's certificate must chain to a CA in that PEM file, and only there
// (like curl --cacert or kubectl's certificate-authority); without it the
// system roots apply. The error names the field "ca-file".
func NewHTTPClient(caFile string) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, domain.Invalid("ca-file", "cannot read %s: %v", caFile, unwrapPathError(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, domain.Invalid("ca-file", "%s holds no PEM certificate", caFile)
		}
		transport.TLSClientConfig.RootCAs = pool
	}
	return &http.Client{Transport: transport, Timeout: RequestTimeout}, nil
}

// unwrapPathError drops the path from an *os.PathError: the caller names it.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// WithHTTPClient returns ctx carrying client under oauth2.HTTPClient, which
// is how golang.org/x/oauth2 picks the client for token requests. A nil
// client leaves ctx as it is (http.DefaultClient is used).
func WithHTTPClient(ctx context.Context, client *http.Client) context.Context {
	if client == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, client)
}

// httpClientFrom returns the client ctx carries, or http.DefaultClient.
func httpClientFrom(ctx context.Context) *http.Client {
	if c, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && c != nil {
		return c
	}
	return http.DefaultClient
}
