package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
)

// CredentialStore returns where remote profiles' credentials are looked up:
// the environment, the OS keyring, and the --insecure-storage file when it
// exists. (Reading an existing file is always allowed; only writing a new one
// needs --insecure-storage.) The keyring is not touched until a value is
// read or written.
func (f *Factory) CredentialStore() (*credstore.Resolver, error) {
	r := &credstore.Resolver{Keyring: f.Keyring}
	if r.Keyring == nil {
		r.Keyring = credstore.NewKeyring()
	}
	file, err := f.InsecureFile()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(file.Path()); err == nil {
		r.File = file
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("insecure credential file: %w", err)
	}
	return r, nil
}

// InsecureFile returns the --insecure-storage file store
// ($XDG_STATE_HOME/keyward/credentials.json); nothing is created until a
// value is written.
func (f *Factory) InsecureFile() (*credstore.File, error) {
	path, err := credstore.DefaultFilePath()
	if err != nil {
		return nil, err
	}
	return credstore.NewFile(path), nil
}

// RemoteTarget returns the server and identity of the resolved settings:
// the current remote profile, or --server (KEYWARD_SERVER) alone, whose
// credentials then come from the environment only. The CA file trusted for
// the server is --ca-file or else the profile's ca-file. Without a server it is an invalid-input error.
func (f *Factory) RemoteTarget() (credentials.Target, error) {
	s, err := f.Settings()
	if err != nil {
		return credentials.Target{}, err
	}
	if s.Server == "" {
		what := "no remote profile or --server"
		if s.ProfileName != "" {
			what = fmt.Sprintf("profile %q is local", s.ProfileName)
		}
		return credentials.Target{}, (&domain.Error{Code: domain.CodeInvalid,
			Message: what + "; this command needs a keyward server"}).
			WithHint("add one with `keyward profile add NAME --server URL --tenant T --access-key-id KEY`, or pass --server URL")
	}
	t := credentials.Target{Server: s.Server, CAFile: s.CAFile}
	if s.Profile != nil && s.Profile.IsRemote() {
		t.Profile = s.ProfileName
		t.AccessKeyID = s.Profile.AccessKeyID
	}
	return t, nil
}

// TokenSource returns the one token source of this process for the remote
// target (see RemoteTarget): KEYWARD_TOKEN, KEYWARD_ACCESS_KEY_ID +
// KEYWARD_SECRET, or the profile's secret in the keyring or insecure file,
// with the token cached beside it and refreshed before it expires. Token
// commands and the remote backend share it, so a process exchanges at most
// once. Warnings (a token that could not be cached) go to stderr.
func (f *Factory) TokenSource(ctx context.Context) (*credentials.Source, error) {
	if f.tokenSource != nil {
		return f.tokenSource, nil
	}
	target, err := f.RemoteTarget()
	if err != nil {
		return nil, err
	}
	store, err := f.CredentialStore()
	if err != nil {
		return nil, err
	}
	src, err := credentials.New(ctx, credentials.Config{
		Target: target,
		Store:  store,
		Now:    f.Now,
		Warn:   func(line string) { fmt.Fprintln(f.IOStreams.ErrOut, line) },
	})
	if err != nil {
		return nil, err
	}
	f.tokenSource = src
	return src, nil
}
