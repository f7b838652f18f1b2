package token

import (
	"context"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// ShowOptions are the inputs of `token show`.
type ShowOptions struct {
	Factory *cmdutil.Factory
}

func newCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{Factory: f}
	return &cobra.Command{
		Use:   "show",
		Short: "Print the current token alone, refreshed when about to expire",
		Long: `Print the token remote commands send, and nothing else, for use in other
tools: KEYWARD_TOKEN, or the cached token while it is fresh, or a new one
exchanged (and cached) when it is about to expire. With -o json:
{"accessToken", "tokenType", "expiresAt"}.`,
		Example: `  curl -H "Authorization: Bearer $(keyward token show)" https://keyward.example.com:8443/v1/tenants/acme/serviceusers
  keyward -p prod token show -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	f := opts.Factory
	src, err := f.TokenSource(ctx)
	if err != nil {
		return err
	}
	tok, err := src.Token()
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if p.Opts.Format == output.FormatTable {
		_, err = fmt.Fprintln(f.IOStreams.Out, tok.AccessToken)
		return err
	}
	var exp *time.Time
	if !tok.Expiry.IsZero() {
		e := tok.Expiry.UTC()
		exp = &e
	}
	return p.Data(struct {
		AccessToken string     `json:"accessToken"`
		TokenType   string     `json:"tokenType"`
		ExpiresAt   *time.Time `json:"expiresAt"`
	}{tok.AccessToken, "Bearer", exp})
}
