package profile

import (
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

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
