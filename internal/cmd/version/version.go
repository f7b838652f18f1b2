// Package version implements `keyward version`.
package version

import (
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/version"
	"github.com/spf13/cobra"
)

// NewCmdVersion returns `keyward version`; it never opens a database.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print keyward's version, commit and build date",
		Example: "  keyward version\n  keyward version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := version.Get()
			p, err := f.Printer()
			if err != nil {
				return err
			}
			if p.Opts.Format != output.FormatTable {
				return p.Data(info)
			}
			_, err = fmt.Fprintf(f.IOStreams.Out, "keyward %s\ncommit: %s\nbuilt:  %s\ngo:     %s %s\n",
				info.Version, orUnknown(info.Commit), orUnknown(info.Date), info.GoVersion, info.Platform)
			return err
		},
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
