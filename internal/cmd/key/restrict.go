package key

import (
	"context"
	"fmt"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// RestrictOptions are the inputs of `key restrict`.
type RestrictOptions struct {
	Factory *cmdutil.Factory
	Ref     string
	Input   backend.RestrictKeyInput
	Clear   bool
}

func newCmdRestrict(f *cmdutil.Factory, runF func(context.Context, *RestrictOptions) error) *cobra.Command {
	opts := &RestrictOptions{Factory: f}
	var set []string
	cmd := &cobra.Command{
		Use:   "restrict <key> (--cidr LIST | --add LIST | --remove LIST | --clear)",
		Short: "Set the source addresses an access key may be used from",
		Long: `Set an access key's CIDR allow list: IPv4 and IPv6 prefixes or single
addresses, comma-separated, at most 100. Parsing is strict: 127.0.0.1/31 is
refused (host bits set) with the prefix you probably meant. IPv4-mapped IPv6
addresses count as IPv4. An empty list allows any address. The key's
effective list is the intersection of its own and its service user's.`,
		Example: `  keyward key restrict ci-bot/deploy --cidr 10.0.0.0/8,2001:db8::/32
  keyward key restrict ci-bot/deploy --add 192.0.2.7
  keyward key restrict ci-bot/deploy --remove 10.0.0.0/8
  keyward key restrict ci-bot/deploy --clear`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			fl := cmd.Flags()
			given := 0
			for _, name := range []string{"cidr", "add", "remove", "clear"} {
				if fl.Changed(name) {
					given++
				}
			}
			if given != 1 {
				return cmdutil.UsageErrorf("give exactly one of --cidr, --add, --remove or --clear")
			}
			switch {
			case fl.Changed("cidr"):
				opts.Input.Set = &set
			case opts.Clear:
				opts.Input.Set = &[]string{}
			case fl.Changed("add") && len(opts.Input.Add) == 0, fl.Changed("remove") && len(opts.Input.Remove) == 0:
				return cmdutil.UsageErrorf("--add and --remove need at least one entry")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return restrictRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&set, "cidr", nil, "replace the list with these entries")
	fl.StringSliceVar(&opts.Input.Add, "add", nil, "add these entries")
	fl.StringSliceVar(&opts.Input.Remove, "remove", nil, "remove these entries")
	fl.BoolVar(&opts.Clear, "clear", false, "empty the list: any address may use the key")
	return cmd
}

func restrictRun(ctx context.Context, opts *RestrictOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	k, err := b.RestrictKey(ctx, tenant, opts.Ref, opts.Input)
	if err != nil {
		return err
	}
	if len(k.CIDRAllowList) == 0 {
		// Emptying the list widens access to every address: make that plain.
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: the CIDR allow list of access key %s is empty: any source address may use it (within its service user's list).\n", k.ID)
	}
	return printKey(f, k)
}
