package cmdutil

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/version"
)

// RemoteBackend is the default Factory.NewRemote: the HTTP client of the
// server s names, authenticated by the environment's credentials
// (KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET), with the
// profile's access-key-id and ca-file when it has them.
func RemoteBackend(ctx context.Context, f *Factory, s *Settings) (backend.Backend, error) {
	creds, err := (&credstore.Resolver{}).Resolve(s.ProfileName)
	if err != nil {
		return nil, err
	}
	opts := client.Options{
		Server: s.Server, Token: creds.Token, AccessKeyID: creds.AccessKeyID, Secret: creds.Secret,
		UserAgent: "keyward/" + version.Get().Version,
	}
	if opts.AccessKeyID == "" && s.Profile != nil {
		opts.AccessKeyID = s.Profile.AccessKeyID
	}
	if s.Profile != nil && s.Profile.CAFile != "" {
		if opts.HTTPClient, err = httpClientWithCA(s.Profile.CAFile); err != nil {
			return nil, err
		}
	}
	return client.New(opts)
}

// httpClientWithCA trusts the PEM certificates in caFile (and nothing else).
func httpClientWithCA(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read ca-file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, domain.Invalid("ca-file", "%s holds no PEM certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: client.DefaultTimeout}, nil
}
