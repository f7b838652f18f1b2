// Package profile implements `keyward profile`: named places to work, a
// local database or a remote server, like kubectl contexts. A remote
// profile's secret and cached token live in the OS keyring (or, by explicit
// choice, the --insecure-storage file), never in the config file.
package profile

import (
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

// NewCmdProfile returns `keyward profile` and its subcommands.
func NewCmdProfile(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile <command>",
		Short: "Manage profiles: named local databases or remote servers",
		Long: `A profile names a place to work: a local database and tenant, or a keyward
server, tenant and access key id. Profiles live in the config file
($XDG_CONFIG_HOME/keyward/config.yaml); secrets never do: ` + "`profile login`" + ` keeps a
remote profile's secret in the OS keyring (service keyward, account NAME) and
its cached token beside it (account NAME:token).
Settings resolve as: flag > KEYWARD_* environment > profile > default.
KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID with KEYWARD_SECRET, override the
stored credentials of any remote profile.`,
		Example: `  keyward profile add staging --db /srv/keyward/staging.db --tenant acme
  keyward profile add prod --server https://keyward.example.com:8443 --tenant acme --access-key-id kwk_...
  keyward profile login prod
  keyward profile use prod
  keyward profile list`,
	}
	cmd.AddCommand(newCmdAdd(f), newCmdList(f), newCmdUse(f), newCmdShow(f), newCmdRemove(f), newCmdLogin(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"add":    cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)), // replaces an existing one
		"list":   cobra.NoFileCompletions,
		"use":    cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
		"show":   cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
		"remove": cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
		"login":  cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
	})
	return cmd
}

// view is a profile as list and show print it.
type view struct {
	Name    string `json:"name"`
	Current bool   `json:"current"`
	config.Profile
}

func views(cfg *config.File) []view {
	out := []view{}
	for _, n := range cfg.ProfileNames() {
		out = append(out, view{Name: n, Current: n == cfg.CurrentProfile, Profile: *cfg.Profiles[n]})
	}
	return out
}

// where is the database or server a profile points at.
func where(p config.Profile) string {
	if p.Server != "" {
		return p.Server
	}
	if p.DB != "" {
		return p.DB
	}
	return config.DBPathDoc
}

func lookup(s *cmdutil.Settings, name string) (*config.Profile, error) {
	p, ok := s.Config.Profiles[name]
	if !ok {
		return nil, domain.NotFound("profile %q not found in %s", name, s.ConfigPath).WithHint("see `keyward profile list`")
	}
	return p, nil
}

// nameOrCurrent returns args[0], or the current profile when no name is given.
func nameOrCurrent(s *cmdutil.Settings, args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	if s.ProfileName == "" {
		return "", domain.NotFound("no current profile").WithHint("add one with `keyward profile add`")
	}
	return s.ProfileName, nil
}
