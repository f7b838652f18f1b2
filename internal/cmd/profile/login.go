package profile

import (
	"context"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// LoginOptions are the inputs of `profile login`.
type LoginOptions struct {
	Factory *cmdutil.Factory
	// Name is the profile; empty means the current one.
	Name            string
	SecretStdin     bool
	InsecureStorage bool
}

// loginResult is what `profile login -o json` prints: where the secret went,
// never the secret or the token.
type loginResult struct {
	Profile        string    `json:"profile"`
	Server         string    `json:"server"`
	AccessKeyID    string    `json:"accessKeyId"`
	StoredIn       string    `json:"storedIn"`
	StoredInFile   *string   `json:"storedInFile"`
	TokenExpiresAt time.Time `json:"tokenExpiresAt"`
}

func newCmdLogin(f *cmdutil.Factory) *cobra.Command {
	opts := &LoginOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "login [<name>]",
		Short: "Store a remote profile's secret in the OS keyring after checking it",
		Long: `Read the secret of the profile's access key, check it by getting a token
from the server, and store it in the OS keyring (service keyward, account
NAME), with the token cached beside it (account NAME:token). Nothing is
stored when the server refuses the secret. The secret is never written to
the config file and never taken from a flag: it is read with a no-echo
prompt on a terminal, or as one line from stdin with --secret-stdin.

Without an OS keyring (a headless machine, no D-Bus session), either set
KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET, in the
environment of each command, or store the secret unencrypted with
--insecure-storage in a 0600 file under $XDG_STATE_HOME/keyward/.`,
		Example: `  keyward profile login prod
  keyward profile login prod --secret-stdin < prod.secret
  keyward profile login ci --secret-stdin --insecure-storage <<<"$SECRET"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.SecretStdin, "secret-stdin", false, "read the secret from stdin (one line) instead of a prompt")
	fl.BoolVar(&opts.InsecureStorage, "insecure-storage", false, "store the secret unencrypted in a 0600 file under $XDG_STATE_HOME/keyward/ instead of the OS keyring")
	return cmd
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	f := opts.Factory
	s, err := f.Settings()
	if err != nil {
		return err
	}
	var args []string
	if opts.Name != "" {
		args = []string{opts.Name}
	}
	name, err := nameOrCurrent(s, args)
	if err != nil {
		return err
	}
	p, err := lookup(s, name)
	if err != nil {
		return err
	}
	if !p.IsRemote() {
		return domain.Invalid("profile", "%q is a local profile; only remote profiles (--server) log in", name)
	}
	io := f.IOStreams
	if !opts.SecretStdin && !io.CanPrompt() {
		return cmdutil.UsageErrorf("no terminal to prompt for the secret; pass it on stdin with --secret-stdin")
	}
	prompt := ""
	if io.CanPrompt() {
		prompt = fmt.Sprintf("Secret of access key %s (input hidden): ", p.AccessKeyID)
	}
	sec, err := io.ReadSecret(prompt)
	if err != nil {
		return domain.Invalid("secret", "%v", err)
	}
	if sec == "" {
		return domain.Invalid("secret", "is empty")
	}

	store, err := f.CredentialStore()
	if err != nil {
		return err
	}
	if store.File, err = f.InsecureFile(); err != nil {
		return err
	}
	res, err := credentials.Login(ctx, credentials.Config{
		Target: credentials.Target{Profile: name, Server: p.Server, AccessKeyID: p.AccessKeyID, CAFile: p.CAFile},
		Store:  store,
		Now:    f.Now,
	}, sec, opts.InsecureStorage)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(io.ErrOut, w)
	}
	out := loginResult{Profile: name, Server: p.Server, AccessKeyID: p.AccessKeyID,
		StoredIn: string(res.StoredIn.Kind), TokenExpiresAt: res.Token.Expiry.UTC()}
	if res.StoredIn.Kind == credstore.SourceInsecureFile {
		out.StoredInFile = &res.StoredIn.Path
	}
	pr, err := f.Printer()
	if err != nil {
		return err
	}
	if pr.Opts.Format != output.FormatTable {
		return pr.Data(out)
	}
	if io.IsStdoutTTY() {
		where := "the OS keyring"
		if out.StoredInFile != nil {
			where = *out.StoredInFile
		}
		fmt.Fprintf(io.ErrOut, "Logged in to %s with access key %s; the secret is stored in %s.\n", p.Server, p.AccessKeyID, where)
	}
	return nil
}
