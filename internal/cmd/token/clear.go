package token

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// ClearOptions are the inputs of `token clear`.
type ClearOptions struct {
	Factory *cmdutil.Factory
}

func newCmdClear(f *cmdutil.Factory, runF func(context.Context, *ClearOptions) error) *cobra.Command {
	opts := &ClearOptions{Factory: f}
	return &cobra.Command{
		Use:   "clear",
		Short: "Remove the profile's cached token (the secret stays)",
		Long: `Remove the profile's cached token from the OS keyring and the insecure file.
The token stays valid at the server until it expires (see ` + "`keyward token revoke`" + `);
the next command exchanges the access key for a new one. Succeeds when
nothing was cached.`,
		Example: "  keyward -p prod token clear",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return clearRun(cmd.Context(), opts)
		},
	}
}

func clearRun(ctx context.Context, opts *ClearOptions) error {
	f := opts.Factory
	src, err := f.TokenSource(ctx)
	if err != nil {
		return err
	}
	cleared, err := src.Clear()
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		if cleared {
			fmt.Fprintln(f.IOStreams.ErrOut, "Removed the cached token.")
		} else {
			fmt.Fprintln(f.IOStreams.ErrOut, "No token was cached; nothing changed.")
		}
	}
	return nil
}
