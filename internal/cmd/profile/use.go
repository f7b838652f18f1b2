package profile

import (
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/spf13/cobra"
)

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
