// Package version implements `keyward version`.
package version

import (
	"io"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/version"
	"github.com/spf13/cobra"
)

// NewCmdVersion returns `keyward version`; it never opens a database or
// reads the config file.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print keyward's version, commit and build date",
		Long: `Print the version, the git commit and the build date of this keyward, and the
Go version and platform it was built with. Release builds carry these from the
release; ` + "`go install`" + ` builds read them from Go's build information.

With -o json or -o yaml the fields are: version, commit, date (RFC 3339),
goVersion and platform (os/arch). Unknown values are empty strings.
` + "`keyward --version`" + ` prints the same text as ` + "`keyward version`" + `.`,
		Example: `  keyward version
  keyward version -o json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := version.Get()
			p, err := f.Printer()
			if err != nil {
				return err
			}
			if p.Opts.Format != output.FormatTable {
				return p.Data(info)
			}
			_, err = io.WriteString(f.IOStreams.Out, info.Text())
			return err
		},
	}
}
