package key

import (
	"context"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// GenerateOptions are the inputs of `key generate`.
type GenerateOptions struct {
	Factory   *cmdutil.Factory
	User      string
	Input     backend.GenerateKeyInput
	NewSecret cmdutil.NewSecret
}

func newCmdGenerate(f *cmdutil.Factory, runF func(context.Context, *GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "generate <user>",
		Short: "Generate an access key for a service user; its secret is shown once",
		Long: `Generate an access key for a service user. The tenant id, the key id and the
secret are printed once: keyward keeps only a hash of the secret. On a
terminal a warning says so; -o json carries the secret as "secret";
--secret-file writes it to a new file (mode 0600) instead of printing it.

The tenant's rules apply: the expiry defaults to keyTtlDefault and may not
exceed keyTtlMax; "never" is refused when requireKeyExpiry or keyTtlMax is
set; --name is required when requireKeyName is set; a user may have at most
maxActiveKeysPerUser active keys (beyond it: exit 5, with how to free a slot).`,
		Example: `  keyward key generate ci-bot
  keyward key generate ci-bot --name deploy --expires 2027-01-31 --cidr 10.0.0.0/8,192.0.2.7
  keyward key generate ci-bot --expires 12h --secret-file ci-bot.secret -q
  keyward key generate ci-bot -o json | jq -r .secret`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return generateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Input.Name, "name", "", "key name, unique among the user's keys (default key-N)")
	fl.StringVar(&opts.Input.Description, "description", "", "what the key is for")
	fl.StringVar(&opts.Input.Expires, "expires", "", "lifetime (90d, 12h), date (2027-01-31, RFC 3339) or never (default: the tenant's keyTtlDefault)")
	fl.StringSliceVar(&opts.Input.CIDRAllowList, "cidr", nil, "allowed source addresses, comma-separated CIDRs or addresses (default: any)")
	fl.StringVar(&opts.Input.Type, "type", "", "key type from the tenant's catalog (see keyward keytype list)")
	opts.NewSecret.RegisterFlags(fl)
	return cmd
}

func generateRun(ctx context.Context, opts *GenerateOptions) error {
	f := opts.Factory
	if err := opts.NewSecret.Prepare(f, false); err != nil {
		return err
	}
	defer opts.NewSecret.Abort()
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.GenerateKey(ctx, tenant, opts.User, opts.Input)
	if err != nil {
		return err
	}
	if err := opts.NewSecret.Deliver(ctx, b, tenant, k); err != nil {
		return err
	}
	return printNewKey(f, &opts.NewSecret, k)
}
