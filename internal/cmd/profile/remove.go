package profile

import (
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

func newCmdRemove(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "remove <name>",
		Aliases: []string{"rm"},
		Short:   "Remove a profile and its stored secret and token",
		Long: `Remove a profile from the config file. For a remote profile, its secret
(account NAME) and cached token (account NAME:token) are deleted from the OS
keyring and from the insecure file too. Tokens already issued stay valid until
they expire; revoke one first with ` + "`keyward token revoke`" + ` if it may have leaked.`,
		Example: "  keyward profile remove staging",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return removeRun(f, args[0])
		},
	}
}

func removeRun(f *cmdutil.Factory, name string) error {
	s, err := f.Settings()
	if err != nil {
		return err
	}
	p, err := lookup(s, name)
	if err != nil {
		return err
	}
	delete(s.Config.Profiles, name)
	if s.Config.CurrentProfile == name {
		s.Config.CurrentProfile = ""
	}
	if err := config.Save(s.ConfigPath, s.Config); err != nil {
		return err
	}
	if !p.IsRemote() {
		return nil
	}
	deleted, err := deleteCredentials(f, name)
	if err != nil {
		return &domain.Error{Code: domain.CodeOf(err),
			Message: fmt.Sprintf("removed profile %s from the config, but its stored credentials remain: %v", name, err)}
	}
	if f.IOStreams.IsStdoutTTY() && deleted > 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, "Removed profile %s and its stored credentials.\n", name)
	}
	return nil
}

// deleteCredentials deletes a profile's secret and token from every store
// and says how many were there.
func deleteCredentials(f *cmdutil.Factory, name string) (int, error) {
	store, err := f.CredentialStore()
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, account := range []string{credstore.SecretAccount(name), credstore.TokenAccount(name)} {
		ok, err := store.Forget(account)
		if err != nil {
			return deleted, err
		}
		if ok {
			deleted++
		}
	}
	return deleted, nil
}
