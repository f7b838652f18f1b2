package profile

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/secret"
	"github.com/spf13/cobra"
)

// AddOptions are the inputs of `profile add`.
type AddOptions struct {
	Factory *cmdutil.Factory
	Name    string
	Profile config.Profile
	Use     bool
}

func newCmdAdd(f *cmdutil.Factory) *cobra.Command {
	opts := &AddOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "add <name>",
		Short: "Add or replace a profile",
		Long: `Add a profile, or replace the one of that name.

A local profile names a database file (--db). A remote profile names a
keyward server (--server), the tenant to act in and the access key id to
authenticate with; log in with ` + "`keyward profile login NAME`" + ` to store the key's
secret in the OS keyring. --ca-file names a PEM file of the CA certificates
to trust for the server instead of the system's.

Replacing a remote profile with another server drops its cached token; with
another access key (or as a local profile) it also deletes the stored secret,
which belonged to the old key.`,
		Example: `  keyward profile add local --db ~/keyward/dev.db --tenant default
  keyward profile add prod --server https://keyward.example.com:8443 --tenant acme --access-key-id kwk_...
  keyward profile add lab --server https://10.0.0.5:8443 --access-key-id kwk_... --ca-file lab-ca.pem --use`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return addRun(opts)
		},
	}
	fl := cmd.Flags()
	// These shadow the global --db/--tenant/--server: here they describe the
	// profile being added, not where this command runs.
	fl.StringVar(&opts.Profile.DB, "db", "", "database file of a local profile")
	fl.StringVar(&opts.Profile.Tenant, "tenant", "", "tenant the profile acts in")
	fl.StringVar(&opts.Profile.Server, "server", "", "server URL of a remote profile")
	fl.StringVar(&opts.Profile.AccessKeyID, "access-key-id", "", "access key id a remote profile authenticates with")
	fl.StringVar(&opts.Profile.CAFile, "ca-file", "", "PEM file of the CA certificates to trust for the server")
	fl.BoolVar(&opts.Use, "use", false, "make it the current profile")
	return cmd
}

func addRun(opts *AddOptions) error {
	f := opts.Factory
	if err := config.CheckProfileName(opts.Name); err != nil {
		return err
	}
	p := opts.Profile
	if err := checkProfile(&p); err != nil {
		return err
	}
	s, err := f.Settings()
	if err != nil {
		return err
	}
	old := s.Config.Profiles[opts.Name]
	s.Config.Profiles[opts.Name] = &p
	if opts.Use || s.Config.CurrentProfile == "" {
		s.Config.CurrentProfile = opts.Name
	}
	if err := config.Save(s.ConfigPath, s.Config); err != nil {
		return err
	}
	errOut := f.IOStreams.ErrOut
	if credentials.IsPlainHTTP(p.Server) {
		fmt.Fprintf(errOut, "warning: %s is plain HTTP: the secret and tokens cross the network unencrypted; use https\n", p.Server)
	}
	if old != nil && old.IsRemote() {
		dropStaleCredentials(f, opts.Name, old, &p)
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(errOut, "Saved profile %s in %s.\n", opts.Name, s.ConfigPath)
		if p.IsRemote() {
			fmt.Fprintf(errOut, "Log in with: keyward profile login %s\n", opts.Name)
		}
	}
	return nil
}

// checkProfile validates a profile from flags and makes its CA file path
// absolute, so the profile works from any directory.
func checkProfile(p *config.Profile) error {
	if p.DB != "" && p.Server != "" {
		return cmdutil.UsageErrorf("a profile is either local (--db) or remote (--server), not both")
	}
	if p.Tenant != "" {
		if err := domain.CheckSlug("tenant", p.Tenant); err != nil {
			return err
		}
	}
	if !p.IsRemote() {
		if p.AccessKeyID != "" {
			return domain.Invalid("access-key-id", "only a remote profile (--server) has one")
		}
		if p.CAFile != "" {
			return domain.Invalid("ca-file", "only a remote profile (--server) has one")
		}
		return nil
	}
	if err := credentials.CheckServerURL("server", p.Server); err != nil {
		return err
	}
	p.Server = strings.TrimRight(p.Server, "/")
	switch {
	case p.AccessKeyID == "":
		return domain.Invalid("access-key-id", "is required for a remote profile")
	case strings.HasPrefix(p.AccessKeyID, secret.SecretPrefix):
		// Never echo it: it is the secret itself.
		return domain.Invalid("access-key-id", "this is a secret, not an access key id").
			WithHint("secrets never go in flags; give it to `keyward profile login` on a prompt or with --secret-stdin")
	case !secret.ValidKeyID(p.AccessKeyID):
		return domain.Invalid("access-key-id", "%q is not an access key id (kwk_ and 20 characters a-z, 2-7)", p.AccessKeyID)
	}
	if p.CAFile != "" {
		abs, err := filepath.Abs(p.CAFile)
		if err != nil {
			return domain.Invalid("ca-file", "%v", err)
		}
		if _, err := credentials.NewHTTPClient(abs); err != nil {
			return err
		}
		p.CAFile = abs
	}
	return nil
}

// dropStaleCredentials deletes what a replaced remote profile stored that no
// longer fits: its cached token when the server or the key changed, and its
// secret when the key changed (the secret belonged to the old key). Failures
// are warnings: the profile is saved either way.
func dropStaleCredentials(f *cmdutil.Factory, name string, old, p *config.Profile) {
	keyChanged := !p.IsRemote() || old.AccessKeyID != p.AccessKeyID
	if !keyChanged && old.Server == p.Server {
		return
	}
	store, err := f.CredentialStore()
	if err != nil {
		fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+err.Error())
		return
	}
	accounts := []string{credstore.TokenAccount(name)}
	if keyChanged {
		accounts = append(accounts, credstore.SecretAccount(name))
	}
	for _, account := range accounts {
		deleted, err := store.Forget(account)
		switch {
		case err != nil:
			fmt.Fprintf(f.IOStreams.ErrOut, "warning: could not delete the old credential %q: %v\n", account, err)
		case deleted && account == credstore.SecretAccount(name):
			fmt.Fprintf(f.IOStreams.ErrOut, "Deleted the stored secret of access key %s; log in again with the new key.\n", old.AccessKeyID)
		}
	}
}
