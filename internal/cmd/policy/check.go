package policy

import (
	"context"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// CheckOptions are the inputs of `policy check`.
type CheckOptions struct {
	Factory *cmdutil.Factory
	Input   backend.CheckPolicyInput
}

func newCmdCheck(f *cmdutil.Factory, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "check <user> <action> [resource] [--key KEYID]",
		Short: "Explain whether a service user may perform an action on a resource",
		Long: `Decide, with the engine a keyward server uses, whether a service user may
perform an action on a resource, and print the decision (allow or deny) with
the statement that decided it (policy, statement index, effect), or "no
statement allows it (default deny)".

The resource defaults to every resource of the tenant (kw:<tenant>:*), which
only a statement covering the whole tenant allows; one not starting with
"kw:" is relative to the tenant. With --key, the key's type limits the
request to the type's scope. The user's status is not considered: a disabled
user is denied everything by the server.

Exit status: 0 when allowed, 4 when denied, so scripts can branch on it.
-q prints just allow or deny. The -o json shape is in docs/policies.md.`,
		Example: `  keyward policy check ci-bot key:rotate serviceuser/ci-bot/key/kwk_abc
  keyward policy check ci-bot orders:read kw:default:orders/42 -o json
  keyward policy check ci-bot serviceuser:read --key kwk_abcdefghijklmnopqrst
  if keyward policy check ci-bot key:revoke 'serviceuser/*' -q >/dev/null; then echo may revoke; fi`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.User, opts.Input.Action = args[0], args[1]
			if len(args) == 3 {
				opts.Input.Resource = args[2]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Input.KeyID, "key", "", "check as this access key of the user, limited by its key type")
	_ = cmd.RegisterFlagCompletionFunc("key", cobra.NoFileCompletions)
	return cmd
}

func checkRun(ctx context.Context, opts *CheckOptions) error {
	f := opts.Factory
	tenant, b, err := f.TenantBackend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	res, err := b.CheckPolicy(ctx, tenant, opts.Input)
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if err := p.Object(res, res.Decision, checkFields(res)); err != nil {
		return err
	}
	if !res.Allowed {
		return cmdutil.Reported(domain.Denied("%s", res.Explanation))
	}
	return nil
}

// checkFields is the text view of a decision: the answer first.
func checkFields(r backend.PolicyCheck) [][2]string {
	return [][2]string{
		{"decision", r.Decision}, {"explanation", r.Explanation},
		{"serviceUser", r.ServiceUser}, {"action", r.Action}, {"resource", r.Resource},
		{"keyId", output.Str(r.KeyID)}, {"keyType", output.Str(r.KeyType)},
		{"reason", r.Reason}, {"statement", ref(r.Statement)}, {"scopeStatement", ref(r.ScopeStatement)},
	}
}

func ref(r *authz.StatementRef) string {
	if r == nil {
		return "-"
	}
	return r.String()
}
