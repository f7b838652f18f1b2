// Package policy implements `keyward policy`: permission policies, their
// attachment to service users and groups, and `policy check`.
package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdPolicy returns `keyward policy` and its subcommands.
func NewCmdPolicy(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy <command>",
		Short: "Manage permission policies: what service users may do",
		Long: `A permission policy is a list of statements, each allowing or denying actions
on resources. A service user may do what its own and its groups' policies
allow: deny wins, and what nothing allows is denied. A key of a key type is
further limited to the type's scope policy.

Every tenant has the managed policies Administrator (every action on every
resource of the tenant) and ReadOnly (keyward's read actions); they cannot be
changed. Custom policy names are case-sensitive:
[A-Za-z0-9][A-Za-z0-9_.-]{0,63}.

The local CLI itself is not subject to policies: whoever can open the
database file is its operator. Policies bind service users, whose requests a
keyward server authorizes. See docs/policies.md for the action catalog and
resource names.`,
		Example: `  keyward policy create key-rotator --allow 'key:rotate,key:read' --resource 'serviceuser/ci-*'
  keyward policy create ops -f ops.yaml
  keyward policy attach ops --user ci-bot
  keyward policy check ci-bot key:rotate serviceuser/ci-bot/key/kwk_abc`,
	}
	cmd.AddCommand(
		newCmdCreate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil), newCmdDelete(f, nil),
		newCmdAttach(f, false, nil), newCmdAttach(f, true, nil), newCmdCheck(f, nil),
	)
	policies := cmdutil.CompleteArgs(cmdutil.CompletePolicies(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"create": cobra.NoFileCompletions,
		"list":   cobra.NoFileCompletions,
		"show":   policies,
		"update": policies,
		"delete": policies,
		"attach": policies,
		"detach": policies,
		"check":  cmdutil.CompleteArgs(cmdutil.CompleteServiceUsers(f), cmdutil.CompleteActions),
	})
	return cmd
}

// kind says "managed" or "custom".
func kind(p domain.Policy) string {
	if p.Managed {
		return "managed"
	}
	return "custom"
}

// table is the list view of policies.
func table(ps []domain.Policy) output.Table {
	t := output.Table{Headers: []string{"NAME", "TYPE", "STATEMENTS", "USERS", "GROUPS", "DESCRIPTION"}}
	t.Rows = make([][]string, 0, len(ps))
	for _, p := range ps {
		t.Rows = append(t.Rows, []string{p.Name, kind(p), strconv.Itoa(len(p.Statements)),
			output.Join(p.AttachedUsers), output.Join(p.AttachedGroups), p.Description})
	}
	return t
}

// statementLine renders a statement on one line:
// `allow key:rotate,key:read on serviceuser/ci-*`.
func statementLine(s domain.PolicyStatement) string {
	return fmt.Sprintf("%s %s on %s", s.Effect, strings.Join(s.Actions, ","), strings.Join(s.Resources, ","))
}

// fields is the show view of a policy, one line per statement.
func fields(p domain.Policy) [][2]string {
	version := strconv.Itoa(p.Version)
	if p.Managed {
		version = "-"
	}
	createdBy := "-"
	if p.CreatedBy != nil {
		createdBy = *p.CreatedBy
	}
	out := [][2]string{
		{"name", p.Name}, {"tenant", p.Tenant}, {"type", kind(p)}, {"description", p.Description},
		{"version", version}, {"attachedUsers", output.Join(p.AttachedUsers)},
		{"attachedGroups", output.Join(p.AttachedGroups)}, {"keyTypes", output.Join(p.KeyTypes)},
		{"createdAt", output.TimePtr(p.CreatedAt, "-")}, {"createdBy", createdBy}, {"updatedAt", output.TimePtr(p.UpdatedAt, "-")},
	}
	for i, s := range p.Statements {
		out = append(out, [2]string{fmt.Sprintf("statements[%d]", i), statementLine(s)})
	}
	return out
}

func printPolicy(f *cmdutil.Factory, p domain.Policy) error {
	pr, err := f.Printer()
	if err != nil {
		return err
	}
	return pr.Object(p, p.Name, fields(p))
}
