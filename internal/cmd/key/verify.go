package key

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// VerifyOptions are the inputs of `key verify`.
type VerifyOptions struct {
	Factory     *cmdutil.Factory
	SecretStdin bool
	IP          string
}

func newCmdVerify(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "verify --secret-stdin [--ip ADDR]",
		Short: "Check whether a secret authenticates now, and why not",
		Long: `Check a secret the way the token endpoint does: read it from stdin (or a
no-echo prompt on a terminal; never from a flag), find its key, and check that
the key is active and unexpired (or within its rotation grace period), that
its service user is enabled and, with --ip, that the address is in both the
key's and the user's CIDR allow lists.

Prints the key, its user and tenant and each check. Exits 0 if the secret
authenticates, 4 with the reason if not. A string that is not a keyward
secret (bad checksum) is refused before any lookup; an unknown secret is 4
as well.`,
		Example: `  keyward key verify --secret-stdin < ci-bot.secret
  keyward key verify --secret-stdin --ip 10.0.0.7 -o json < ci-bot.secret`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.SecretStdin, "secret-stdin", false, "read the secret from stdin (one line)")
	cmd.Flags().StringVar(&opts.IP, "ip", "", "also check this source address against the effective CIDR allow list")
	return cmd
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	f := opts.Factory
	if !opts.SecretStdin && !f.IOStreams.CanPrompt() {
		return cmdutil.UsageErrorf("no secret: pass --secret-stdin and the secret on stdin (secrets are never read from flags)")
	}
	secretText, err := f.IOStreams.ReadSecret("Secret: ")
	if err != nil {
		return cmdutil.UsageErrorf("cannot read the secret: %v", err)
	}
	b, err := f.Backend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	v, err := b.VerifyKey(ctx, backend.VerifyKeyInput{Secret: secretText, IP: opts.IP})
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if err := p.Object(v, v.Key.ID, verifyFields(v)); err != nil {
		return err
	}
	if !v.Authenticated {
		return domain.Unauthenticated("does not authenticate: %s", v.Reason)
	}
	return nil
}

func verifyFields(v domain.KeyVerification) [][2]string {
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	reason := v.Reason
	if reason == "" {
		reason = "-"
	}
	rows := [][2]string{
		{"authenticated", yesNo(v.Authenticated)}, {"reason", reason},
		{"tenant", v.Tenant}, {"serviceUser", v.ServiceUser}, {"userStatus", string(v.UserStatus)},
		{"keyId", v.Key.ID}, {"keyName", v.Key.Name}, {"keyStatus", string(v.Key.Status)}, {"keyType", output.Str(v.Key.Type)},
		{"expiresAt", output.TimePtr(v.Key.ExpiresAt, "never")},
		{"inGrace", yesNo(v.InGrace)}, {"revokeAt", output.TimePtr(v.Key.RevokeAt, "-")},
		{"validUntil", output.TimePtr(v.ValidUntil, "never")},
		{"keyCidrAllowList", output.Join(v.Key.CIDRAllowList)}, {"userCidrAllowList", output.Join(v.UserCIDRAllowList)},
	}
	ip, allowed := "-", "not checked"
	if v.IP != nil {
		ip, allowed = *v.IP, yesNo(*v.IPAllowed)
	}
	return append(rows, [2]string{"ip", ip}, [2]string{"ipAllowed", allowed})
}
