package cmdutil

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/version"
)

// RemoteBackend is the default Factory.NewRemote: the HTTP client of the
// server the settings name (a remote profile, or --server / KEYWARD_SERVER),
// authenticated by f.TokenSource — KEYWARD_TOKEN, KEYWARD_ACCESS_KEY_ID and
// KEYWARD_SECRET, or the profile's secret in the keyring with its cached
// token — and trusting the CA file of the settings (--ca-file or
// the profile's ca-file) when there is one.
func RemoteBackend(ctx context.Context, f *Factory, s *Settings) (backend.Backend, error) {
	target, err := f.RemoteTarget()
	if err != nil {
		return nil, err
	}
	hc, err := credentials.NewHTTPClient(target.CAFile)
	if err != nil {
		return nil, err
	}
	tokens, err := f.TokenSource(ctx)
	if err != nil {
		return nil, err
	}
	return client.New(client.Options{
		Server: target.Server, Tokens: tokens, HTTPClient: hc,
		UserAgent: "keyward/" + version.Get().Version,
	})
}
