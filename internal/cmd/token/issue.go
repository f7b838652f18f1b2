package token

import (
	"context"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/credstore"
	tokens "github.com/keyward/keyward/internal/token"
	"github.com/spf13/cobra"
)

// IssueOptions are the inputs of `token issue`.
type IssueOptions struct {
	Factory *cmdutil.Factory
}

// issued is what `token issue` prints. AccessToken appears in JSON/YAML
// only (like a new secret with -o json); tables show where it was cached.
type issued struct {
	AccessToken string    `json:"accessToken"`
	TokenType   string    `json:"tokenType"`
	ExpiresAt   time.Time `json:"expiresAt"`
	ID          string    `json:"jti"`
	Subject     string    `json:"sub"`
	Tenant      string    `json:"tenant"`
	AccessKeyID string    `json:"clientId"`
	Profile     *string   `json:"profile"`
	Server      string    `json:"server"`
	// CachedIn is keyring, insecure file, or env (not cached).
	CachedIn     string  `json:"cachedIn"`
	CachedInFile *string `json:"cachedInFile"`
}

func newCmdIssue(f *cmdutil.Factory, runF func(context.Context, *IssueOptions) error) *cobra.Command {
	opts := &IssueOptions{Factory: f}
	return &cobra.Command{
		Use:   "issue",
		Short: "Exchange the profile's access key for a new token and cache it",
		Long: `Exchange the profile's access key for a new token at the server, whatever is
cached, and cache it in the OS keyring (account PROFILE:token), or in the
insecure file when the secret is there. With KEYWARD_ACCESS_KEY_ID and
KEYWARD_SECRET the token is not cached. The token itself is printed only
with -o json or -o yaml (field accessToken); ` + "`keyward token show`" + ` prints it alone.`,
		Example: `  keyward token issue
  keyward -p prod token issue -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return issueRun(cmd.Context(), opts)
		},
	}
}

func issueRun(ctx context.Context, opts *IssueOptions) error {
	f := opts.Factory
	src, err := f.TokenSource(ctx)
	if err != nil {
		return err
	}
	res, err := src.Issue()
	if err != nil {
		return err
	}
	target := src.Target()
	out := issued{
		AccessToken: res.Token.AccessToken, TokenType: "Bearer", ExpiresAt: res.Token.Expiry.UTC(),
		Server: target.Server, CachedIn: string(res.CachedIn.Kind),
	}
	if target.Profile != "" {
		out.Profile = &target.Profile
	}
	if res.CachedIn.Kind == credstore.SourceInsecureFile {
		out.CachedInFile = &res.CachedIn.Path
	}
	if d, err := tokens.Decode(res.Token.AccessToken); err == nil {
		out.ID, _ = d.Claims["jti"].(string)
		out.Subject, _ = d.Claims["sub"].(string)
		out.Tenant, _ = d.Claims["tenant"].(string)
		out.AccessKeyID, _ = d.Claims["client_id"].(string)
	}
	cached := out.CachedIn
	switch res.CachedIn.Kind {
	case credstore.SourceEnv:
		cached = "not cached (credentials from the environment)"
	case credstore.SourceInsecureFile:
		cached = res.CachedIn.String()
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(out, out.ID, [][2]string{
		{"jti", out.ID}, {"sub", out.Subject}, {"tenant", out.Tenant}, {"clientId", out.AccessKeyID},
		{"server", out.Server}, {"expiresAt", fmt.Sprintf("%s (%s)", out.ExpiresAt.Format(time.RFC3339), expiresIn(f, out.ExpiresAt))},
		{"cachedIn", cached},
	})
}

// expiresIn describes the time left, by the command's clock.
func expiresIn(f *cmdutil.Factory, exp time.Time) string {
	return tokens.Decoded{ExpiresAt: &exp}.ExpiresIn(f.Now())
}
