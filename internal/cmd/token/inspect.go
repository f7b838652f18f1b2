package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	tokens "github.com/keyward/keyward/internal/token"
	"github.com/spf13/cobra"
)

// InspectOptions are the inputs of `token inspect`.
type InspectOptions struct {
	Factory *cmdutil.Factory
	// Token is the token argument: a JWT, "-" for stdin, or empty for the
	// current token.
	Token string
}

// inspected is what `token inspect` prints: the decoded header and claims,
// unverified.
type inspected struct {
	Header    map[string]any `json:"header"`
	Claims    map[string]any `json:"claims"`
	IssuedAt  *time.Time     `json:"issuedAt"`
	ExpiresAt *time.Time     `json:"expiresAt"`
	Expired   bool           `json:"expired"`
	// ExpiresIn is for humans: "expires in 59m12s", "expired 3m4s ago".
	ExpiresIn string `json:"expiresIn"`
	// Source is where the token came from: argument, stdin, env, keyring,
	// insecure file.
	Source string `json:"source"`
	// Verified is always false: inspect decodes, it does not check the
	// signature (the server does).
	Verified bool `json:"verified"`
}

// claimOrder is the order claims are printed in tables; others follow by name.
var claimOrder = []string{"iss", "sub", "aud", "tenant", "client_id", "scope", "jti", "iat", "nbf", "exp"}

// dateClaims are NumericDate claims, printed as RFC 3339 times in tables.
var dateClaims = map[string]bool{"iat": true, "nbf": true, "exp": true}

func newCmdInspect(f *cmdutil.Factory, runF func(context.Context, *InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{Factory: f}
	return &cobra.Command{
		Use:   "inspect [<token> | -]",
		Short: "Decode a token's header and claims and say when it expires",
		Long: `Decode a token's header and claims and say when it expires. Without an
argument it inspects the current token (KEYWARD_TOKEN, or the cached one even
if it has expired; a new one when none is cached); "-" reads it from stdin.
Nothing is verified: the signature is checked by the server, not here.`,
		Example: `  keyward token inspect
  keyward token inspect -o json
  pbpaste | keyward token inspect -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Token = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inspectRun(cmd.Context(), opts)
		},
	}
}

func inspectRun(ctx context.Context, opts *InspectOptions) error {
	f := opts.Factory
	raw, source, err := tokenToInspect(ctx, opts)
	if err != nil {
		return err
	}
	d, err := tokens.Decode(raw)
	if err != nil {
		return err
	}
	now := f.Now()
	out := inspected{Header: d.Header, Claims: d.Claims, IssuedAt: d.IssuedAt, ExpiresAt: d.ExpiresAt,
		ExpiresIn: d.ExpiresIn(now), Source: source}
	out.Expired = d.ExpiresAt != nil && !now.Before(*d.ExpiresAt)
	jti, _ := d.Claims["jti"].(string)

	fields := [][2]string{}
	for _, name := range []string{"alg", "typ", "kid"} {
		if v, ok := d.Header[name]; ok {
			fields = append(fields, [2]string{"header." + name, claimString(name, v)})
		}
	}
	for _, name := range sortedClaims(d.Claims) {
		fields = append(fields, [2]string{name, claimString(name, d.Claims[name])})
	}
	fields = append(fields,
		[2]string{"expires", out.ExpiresIn},
		[2]string{"source", source},
		[2]string{"signature", "not verified (decoded only)"})
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(out, jti, fields)
}

// tokenToInspect returns the token to decode and where it came from.
func tokenToInspect(ctx context.Context, opts *InspectOptions) (string, string, error) {
	f := opts.Factory
	switch opts.Token {
	case "":
	case "-":
		raw, err := readTokenArg(f, "-")
		return raw, "stdin", err
	default:
		return strings.TrimSpace(opts.Token), "argument", nil
	}
	src, err := f.TokenSource(ctx)
	if err != nil {
		return "", "", err
	}
	raw, where, err := src.Current()
	if errors.Is(err, domain.ErrNotFound) {
		tok, terr := src.Token()
		if terr != nil {
			return "", "", terr
		}
		if where, err = src.Origin(); err != nil {
			return "", "", err
		}
		return tok.AccessToken, where.String(), nil
	}
	if err != nil {
		return "", "", err
	}
	return raw, where.String(), nil
}

func sortedClaims(claims map[string]any) []string {
	names := make([]string, 0, len(claims))
	for _, name := range claimOrder {
		if _, ok := claims[name]; ok {
			names = append(names, name)
		}
	}
	var rest []string
	for name := range claims {
		if !slices.Contains(claimOrder, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// claimString prints a claim value for a table: dates as RFC 3339 with the
// number, lists joined by commas, objects as JSON.
func claimString(name string, v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		if dateClaims[name] {
			if n, err := v.Int64(); err == nil {
				return fmt.Sprintf("%s (%s)", time.Unix(n, 0).UTC().Format(time.RFC3339), v)
			}
		}
		return v.String()
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = claimString("", e)
		}
		return strings.Join(parts, ",")
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}
