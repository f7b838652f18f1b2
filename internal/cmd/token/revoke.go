package token

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/output"
	tokens "github.com/keyward/keyward/internal/token"
	"github.com/spf13/cobra"
)

// RevokeOptions are the inputs of `token revoke`.
type RevokeOptions struct {
	Factory *cmdutil.Factory
	// Token is the token argument, "-" for stdin, or empty for the current one.
	Token string
}

func newCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{Factory: f}
	return &cobra.Command{
		Use:   "revoke [<token> | -]",
		Short: "Revoke a token at the server (RFC 7009) and remove it from the cache",
		Long: `Ask the server to revoke a token (RFC 7009), authenticating with the
profile's access key. Without an argument it revokes the current token
(KEYWARD_TOKEN or the cached one) and removes it from the cache; "-" reads a
token from stdin. The server stops accepting the token on the next request;
the next command gets a new one. Asks for confirmation on a terminal;
elsewhere it needs --yes.`,
		Example: `  keyward token revoke
  keyward -p prod token revoke --yes
  keyward token revoke - --yes < leaked.jwt`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Token = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	f := opts.Factory
	src, err := f.TokenSource(ctx)
	if err != nil {
		return err
	}
	raw := ""
	if opts.Token != "" {
		if raw, err = readTokenArg(f, opts.Token); err != nil {
			return err
		}
	}
	what := "revoke the current token of " + src.Target().Server
	if p := src.Target().Profile; p != "" {
		what = fmt.Sprintf("revoke the current token of profile %q", p)
	}
	if raw != "" {
		what = "revoke the given token"
	}
	if err := cmdutil.Confirm(f, what); err != nil {
		return err
	}
	res, err := src.Revoke(raw)
	if err != nil {
		return err
	}
	jti := ""
	if d, err := tokens.Decode(res.Token); err == nil {
		jti, _ = d.Claims["jti"].(string)
	}
	out := struct {
		Revoked bool   `json:"revoked"`
		ID      string `json:"jti"`
		Cleared bool   `json:"cleared"`
	}{true, jti, res.Cleared}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if p.Opts.Format == output.FormatTable && !p.Opts.Quiet {
		if f.IOStreams.IsStdoutTTY() {
			fmt.Fprintf(f.IOStreams.ErrOut, "Revoked token %s.\n", jti)
		}
		return nil
	}
	return p.Object(out, jti, nil)
}
