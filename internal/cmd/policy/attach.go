package policy

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// AttachOptions are the inputs of `policy attach` and `policy detach`.
type AttachOptions struct {
	Factory *cmdutil.Factory
	Policy  string
	Target  backend.PolicyTarget
	Detach  bool
}

// newCmdAttach returns `policy attach`, or `policy detach` when detach is set.
func newCmdAttach(f *cmdutil.Factory, detach bool, runF func(context.Context, *AttachOptions) error) *cobra.Command {
	opts := &AttachOptions{Factory: f, Detach: detach}
	cmd := &cobra.Command{
		Use:   "attach <policy> (--user ID | --group NAME)",
		Short: "Attach a policy to a service user or a group",
		Long: `Attach a policy (custom or managed) to a service user or a group: the user, or
every member of the group, may then do what it allows. Attaching a policy
that is already attached changes nothing and succeeds.`,
		Example: `  keyward policy attach ReadOnly --user monitor
  keyward policy attach ops --group operators`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Policy = args[0]
			if (opts.Target.User == "") == (opts.Target.Group == "") {
				return cmdutil.UsageErrorf("give exactly one of --user and --group")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return attachRun(cmd.Context(), opts)
		},
	}
	if detach {
		cmd.Use = "detach <policy> (--user ID | --group NAME)"
		cmd.Short = "Detach a policy from a service user or a group"
		cmd.Long = `Detach a policy from a service user or a group. Asks for confirmation on a
terminal; elsewhere pass --yes. Detaching a policy that is not attached
changes nothing and succeeds.`
		cmd.Example = `  keyward policy detach ops --user ci-bot
  keyward policy detach ops --group operators --yes`
	}
	cmd.Flags().StringVar(&opts.Target.User, "user", "", "service user id")
	cmd.Flags().StringVar(&opts.Target.Group, "group", "", "group name")
	_ = cmd.RegisterFlagCompletionFunc("user", cmdutil.CompleteServiceUsers(f))
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	return cmd
}

func attachRun(ctx context.Context, opts *AttachOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadWrite)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("service user %q", opts.Target.User)
	if opts.Target.Group != "" {
		what = fmt.Sprintf("group %q", opts.Target.Group)
	}
	attach, verb := b.AttachPolicy, "Attached"
	if opts.Detach {
		attach, verb = b.DetachPolicy, "Detached"
		// Ask only when there is something to detach: an unknown policy is
		// "not found", and a detached one a no-op, without a question.
		p, err := b.GetPolicy(ctx, tenant, opts.Policy)
		if err != nil {
			return err
		}
		if slices.Contains(p.AttachedUsers, opts.Target.User) || slices.Contains(p.AttachedGroups, opts.Target.Group) {
			if err := cmdutil.Confirm(f, fmt.Sprintf("detach policy %q from %s", opts.Policy, what)); err != nil {
				return err
			}
		}
	}
	p, changed, err := attach(ctx, tenant, opts.Policy, opts.Target)
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() {
		switch {
		case changed:
			fmt.Fprintf(f.IOStreams.ErrOut, "%s policy %s %s %s.\n", verb, opts.Policy, map[bool]string{false: "to", true: "from"}[opts.Detach], what)
		case opts.Detach:
			fmt.Fprintf(f.IOStreams.ErrOut, "Policy %s was not attached to %s; nothing changed.\n", opts.Policy, what)
		default:
			fmt.Fprintf(f.IOStreams.ErrOut, "Policy %s was already attached to %s; nothing changed.\n", opts.Policy, what)
		}
	}
	return printPolicy(f, p)
}
