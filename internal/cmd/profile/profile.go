// Package profile implements `keyward profile`: named places to work, a
// local database or a remote server, like kubectl contexts.
package profile

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdProfile returns `keyward profile` and its subcommands.
func NewCmdProfile(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile <command>",
		Short: "Manage profiles: named local databases or remote servers",
		Long: `A profile names a place to work: a local database and tenant, or a keyward
server, tenant and access key id. Profiles live in the config file
($XDG_CONFIG_HOME/keyward/config.yaml); secrets never do.
Settings resolve as: flag > KEYWARD_* environment > profile > default.`,
		Example: `  keyward profile add staging --db /srv/keyward/staging.db --tenant acme
  keyward profile use staging
  keyward profile list`,
	}
	cmd.AddCommand(newCmdAdd(f), newCmdList(f), newCmdUse(f), newCmdShow(f), newCmdRemove(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"add":    cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)), // replaces an existing one
		"list":   cobra.NoFileCompletions,
		"use":    cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
		"show":   cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
		"remove": cmdutil.CompleteArgs(cmdutil.CompleteProfiles(f)),
	})
	return cmd
}

// AddOptions are the inputs of `profile add`.
type AddOptions struct {
	Name    string
	Profile config.Profile
	Use     bool
}

func newCmdAdd(f *cmdutil.Factory) *cobra.Command {
	opts := &AddOptions{}
	cmd := &cobra.Command{
		Use:   "add <name>",
		Short: "Add or replace a profile",
		Example: `  keyward profile add local --db ~/keyward/dev.db --tenant default
  keyward profile add prod --server https://keyward.example.com:8443 --tenant acme --access-key-id kwk_...`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return addRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	// These shadow the global --db/--tenant/--server: here they describe the
	// profile being added, not where this command runs.
	fl.StringVar(&opts.Profile.DB, "db", "", "database file of a local profile")
	fl.StringVar(&opts.Profile.Tenant, "tenant", "", "tenant the profile acts in")
	fl.StringVar(&opts.Profile.Server, "server", "", "server URL of a remote profile")
	fl.StringVar(&opts.Profile.AccessKeyID, "access-key-id", "", "access key id a remote profile authenticates with")
	fl.StringVar(&opts.Profile.CAFile, "ca-file", "", "CA certificate file to trust for the server")
	fl.BoolVar(&opts.Use, "use", false, "make it the current profile")
	return cmd
}

func addRun(ctx context.Context, f *cmdutil.Factory, opts *AddOptions) error {
	_ = ctx
	if err := config.CheckProfileName(opts.Name); err != nil {
		return err
	}
	p := opts.Profile
	if p.DB != "" && p.Server != "" {
		return cmdutil.UsageErrorf("a profile is either local (--db) or remote (--server), not both")
	}
	if p.Server != "" && p.AccessKeyID == "" {
		return domain.Invalid("access-key-id", "is required for a remote profile")
	}
	if p.Tenant != "" {
		if err := domain.CheckSlug("tenant", p.Tenant); err != nil {
			return err
		}
	}
	s, err := f.Settings()
	if err != nil {
		return err
	}
	s.Config.Profiles[opts.Name] = &p
	if opts.Use || s.Config.CurrentProfile == "" {
		s.Config.CurrentProfile = opts.Name
	}
	if err := config.Save(s.ConfigPath, s.Config); err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		fmt.Fprintf(f.IOStreams.ErrOut, "Saved profile %s in %s.\n", opts.Name, s.ConfigPath)
	}
	return nil
}

type profileView struct {
	Name    string `json:"name"`
	Current bool   `json:"current"`
	config.Profile
}

func views(cfg *config.File) []profileView {
	out := []profileView{}
	for _, n := range cfg.ProfileNames() {
		out = append(out, profileView{Name: n, Current: n == cfg.CurrentProfile, Profile: *cfg.Profiles[n]})
	}
	return out
}

func where(p config.Profile) string {
	if p.Server != "" {
		return p.Server
	}
	if p.DB != "" {
		return p.DB
	}
	return config.DBPathDoc
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List profiles; the current one is marked",
		Example: "  keyward profile list -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			p, err := f.Printer()
			if err != nil {
				return err
			}
			vs := views(s.Config)
			t := output.Table{Headers: []string{"NAME", "CURRENT", "TENANT", "WHERE", "ACCESS KEY ID"}}
			for _, v := range vs {
				cur := ""
				if v.Current {
					cur = "*"
				}
				t.Rows = append(t.Rows, []string{v.Name, cur, v.Tenant, where(v.Profile), v.AccessKeyID})
			}
			return p.List(vs, t)
		},
	}
}

func lookup(s *cmdutil.Settings, name string) (*config.Profile, error) {
	p, ok := s.Config.Profiles[name]
	if !ok {
		return nil, domain.NotFound("profile %q not found in %s", name, s.ConfigPath).WithHint("see `keyward profile list`")
	}
	return p, nil
}

func newCmdUse(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "use <name>",
		Short:   "Make a profile the current one",
		Example: "  keyward profile use prod",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			if _, err := lookup(s, args[0]); err != nil {
				return err
			}
			s.Config.CurrentProfile = args[0]
			return config.Save(s.ConfigPath, s.Config)
		},
	}
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "show [<name>]",
		Short:   "Show a profile (default: the current one)",
		Example: "  keyward profile show prod -o json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			name := s.ProfileName
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" {
				return domain.NotFound("no current profile").WithHint("add one with `keyward profile add`")
			}
			p, err := lookup(s, name)
			if err != nil {
				return err
			}
			v := profileView{Name: name, Current: name == s.Config.CurrentProfile, Profile: *p}
			pr, err := f.Printer()
			if err != nil {
				return err
			}
			return pr.Object(v, name, [][2]string{
				{"name", name}, {"current", fmt.Sprint(v.Current)}, {"tenant", p.Tenant}, {"db", p.DB},
				{"server", p.Server}, {"accessKeyId", p.AccessKeyID}, {"caFile", p.CAFile},
			})
		},
	}
}

func newCmdRemove(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "remove <name>",
		Aliases: []string{"rm"},
		Short:   "Remove a profile",
		Example: "  keyward profile remove staging",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			if _, err := lookup(s, args[0]); err != nil {
				return err
			}
			delete(s.Config.Profiles, args[0])
			if s.Config.CurrentProfile == args[0] {
				s.Config.CurrentProfile = ""
			}
			return config.Save(s.ConfigPath, s.Config)
		},
	}
}
