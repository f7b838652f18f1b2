// Package token implements `keyward token`: the bearer tokens a remote
// profile's access key is exchanged for at the server's token endpoint.
package token

import (
	"strings"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

// NewCmdToken returns `keyward token` and its subcommands.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token <command>",
		Short: "Issue, show, inspect, revoke and clear bearer tokens",
		Long: `A remote profile's access key is exchanged for a bearer token (an RFC 9068
JWT) at the server's token endpoint (OAuth 2.0 client_credentials). The token
is cached in the OS keyring (account PROFILE:token) and reused by every
command until shortly before it expires; then a new one is exchanged.

KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID with KEYWARD_SECRET, override the
profile's stored credentials; tokens got from the environment's key are not
cached anywhere.`,
		Example: `  keyward token issue
  curl -H "Authorization: Bearer $(keyward token show)" https://keyward.example.com:8443/v1/tenants/acme/serviceusers
  keyward token inspect -o json
  keyward token revoke --yes`,
	}
	cmd.AddCommand(newCmdIssue(f, nil), newCmdShow(f, nil), newCmdInspect(f, nil), newCmdRevoke(f, nil), newCmdClear(f, nil))
	// Arguments are tokens: nothing to offer, and never file names.
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"issue": cobra.NoFileCompletions, "show": cobra.NoFileCompletions, "inspect": cobra.NoFileCompletions,
		"revoke": cobra.NoFileCompletions, "clear": cobra.NoFileCompletions,
	})
	return cmd
}

// readTokenArg returns the token given as an argument: the argument itself,
// or one line of stdin for "-" (keeps the token out of shell history and ps).
func readTokenArg(f *cmdutil.Factory, arg string) (string, error) {
	if arg != "-" {
		return strings.TrimSpace(arg), nil
	}
	raw, err := f.IOStreams.ReadSecret("Token (input hidden): ")
	if err != nil {
		return "", domain.Invalid("token", "%v", err)
	}
	if raw == "" {
		return "", domain.Invalid("token", "is empty")
	}
	return raw, nil
}
