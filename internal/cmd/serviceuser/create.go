package serviceuser

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// CreateOptions are the inputs of `serviceuser create`.
type CreateOptions struct {
	Factory   *cmdutil.Factory
	Input     backend.CreateServiceUserInput
	Key       backend.GenerateKeyInput
	NewSecret cmdutil.NewSecret
}

func newCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{Factory: f}
	opts.NewSecret.QuietNeedsFileHint = " (or --no-key)"
	cmd := &cobra.Command{
		Use:   "create <id>",
		Short: "Create a service user and its first access key",
		Long: `Create a service user in the current tenant. The id is a slug
([a-z0-9][a-z0-9-]{0,62}), unique in the tenant and immutable; the display
name defaults to it. An e-mail address must be unique in the tenant and is
required when the tenant's requireEmail setting is on.

--policy attaches policies and --group joins groups in the same step; each
must exist. With the tenant setting requireGroup, at least one --group is
required.

Its first access key is generated with it, in one transaction, and printed
once with its secret, as by ` + "`keyward key generate`" + ` (the --key-* flags are that
command's flags); --no-key skips it. With --if-not-exists an existing user is
printed unchanged and no key is generated.`,
		Example: `  keyward serviceuser create ci-bot
  keyward serviceuser create billing-sync --name "Billing sync" --email billing@example.com --key-expires 30d
  keyward serviceuser create ci-bot --if-not-exists --secret-file ci-bot.secret -o json
  keyward serviceuser create monitor --no-key --cidr 10.0.0.0/8
  keyward serviceuser create deployer --policy ReadOnly --policy deploy --group operators --no-key`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.ID = args[0]
			if opts.Key.Name != "" || opts.Key.Description != "" || opts.Key.Expires != "" || opts.Key.CIDRAllowList != nil || opts.Key.Type != "" {
				if opts.Input.NoKey {
					return cmdutil.UsageErrorf("--no-key cannot be combined with --key-* flags")
				}
				opts.Input.Key = &opts.Key
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Input.DisplayName, "name", "", "display name (default: the id)")
	fl.StringVar(&opts.Input.Email, "email", "", "e-mail address, unique in the tenant")
	fl.StringVar(&opts.Input.Description, "description", "", "what the service user is for")
	fl.StringSliceVar(&opts.Input.Policies, "policy", nil, "policy to attach (repeatable)")
	fl.StringSliceVar(&opts.Input.Groups, "group", nil, "group to join (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("policy", cmdutil.CompletePolicies(f))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	fl.StringSliceVar(&opts.Input.CIDRAllowList, "cidr", nil, "source addresses any key of the user may be used from, comma-separated CIDRs (default: any)")
	fl.BoolVar(&opts.Input.IfNotExists, "if-not-exists", false, "succeed without changes when the user exists (no key is generated then)")
	fl.BoolVar(&opts.Input.NoKey, "no-key", false, "create the user without an access key")
	fl.StringVar(&opts.Key.Name, "key-name", "", "name of the first key (default key-1)")
	fl.StringVar(&opts.Key.Description, "key-description", "", "description of the first key")
	fl.StringVar(&opts.Key.Expires, "key-expires", "", "expiry of the first key: lifetime (90d), date (2027-01-31) or never")
	fl.StringSliceVar(&opts.Key.CIDRAllowList, "key-cidr", nil, "CIDR allow list of the first key")
	fl.StringVar(&opts.Key.Type, "key-type", "", "key type of the first key")
	opts.NewSecret.RegisterFlags(fl)
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	f := opts.Factory
	if err := opts.NewSecret.Prepare(f, opts.Input.NoKey); err != nil {
		return err
	}
	defer opts.NewSecret.Abort()
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	res, err := b.CreateServiceUser(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	if res.AccessKey != nil {
		if err := opts.NewSecret.Deliver(ctx, b, tenant, *res.AccessKey); err != nil {
			return err
		}
	}
	if f.IOStreams.IsStdoutTTY() {
		switch {
		case !res.Created:
			fmt.Fprintf(f.IOStreams.ErrOut, "Service user %s already exists in tenant %s; nothing changed and no key was generated.\n", res.ID, tenant)
		case res.AccessKey != nil:
			fmt.Fprintf(f.IOStreams.ErrOut, "Created service user %s in tenant %s with access key %s.\n", res.ID, tenant, res.AccessKey.ID)
		default:
			fmt.Fprintf(f.IOStreams.ErrOut, "Created service user %s in tenant %s.\n", res.ID, tenant)
		}
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	data := createdJSON{ServiceUser: res.ServiceUser}
	rows := fields(res.ServiceUser)
	if res.AccessKey != nil {
		k := opts.NewSecret.NewKeyOutput(*res.AccessKey)
		data.AccessKey = &k
		rows = append(rows, [2]string{"accessKeyId", k.ID}, [2]string{"accessKeyExpiresAt", output.TimePtr(k.ExpiresAt, "never")})
		if k.Secret != nil {
			rows = append(rows, [2]string{"secret", *k.Secret})
		}
	}
	if err := p.Object(data, res.ID, rows); err != nil {
		return err
	}
	if res.AccessKey != nil {
		opts.NewSecret.Warn(f)
	}
	return nil
}

// createdJSON is how `serviceuser create` prints in JSON and YAML: the user
// plus its first key with the secret (null with --no-key or --secret-file).
type createdJSON struct {
	domain.ServiceUser
	AccessKey *cmdutil.NewKeyJSON `json:"accessKey"`
}
