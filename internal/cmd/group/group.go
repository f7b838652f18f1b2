// Package group implements `keyward group`: named sets of service users
// with policies.
package group

import (
	"strconv"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdGroup returns `keyward group` and its subcommands.
func NewCmdGroup(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group <command>",
		Short: "Manage groups: named sets of service users that share policies",
		Long: `A group is a named set of service users of one tenant. Every member may do
what the group's policies allow, as well as what its own allow. Names are
case-sensitive: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.

With the tenant setting requireGroup, every service user is created with at
least one group (serviceuser create --group), and a change that would leave
a user in no group is refused (exit 5).`,
		Example: `  keyward group create operators --policy ReadOnly
  keyward group add operators ci-bot monitor
  keyward policy attach ops --group operators`,
	}
	cmd.AddCommand(
		newCmdCreate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil), newCmdDelete(f, nil),
		newCmdMembers(f, false, nil), newCmdMembers(f, true, nil),
	)
	groups := cmdutil.CompleteArgs(cmdutil.CompleteGroups(f))
	members := cmdutil.CompleteArgsVariadic(cmdutil.CompleteGroups(f), cmdutil.CompleteServiceUsers(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"create": cobra.NoFileCompletions,
		"list":   cobra.NoFileCompletions,
		"show":   groups,
		"update": groups,
		"delete": groups,
		"add":    members,
		"remove": members,
	})
	return cmd
}

// table is the list view of groups.
func table(gs []domain.Group) output.Table {
	t := output.Table{Headers: []string{"NAME", "MEMBERS", "POLICIES", "DESCRIPTION", "CREATED"}}
	t.Rows = make([][]string, 0, len(gs))
	for _, g := range gs {
		t.Rows = append(t.Rows, []string{g.Name, strconv.Itoa(len(g.Members)), output.Join(g.Policies), g.Description, output.Time(g.CreatedAt)})
	}
	return t
}

// fields is the show view of a group.
func fields(g domain.Group) [][2]string {
	return [][2]string{
		{"name", g.Name}, {"tenant", g.Tenant}, {"description", g.Description},
		{"policies", output.Join(g.Policies)}, {"members", output.Join(g.Members)},
		{"createdAt", output.Time(g.CreatedAt)}, {"createdBy", g.CreatedBy}, {"updatedAt", output.Time(g.UpdatedAt)},
	}
}

func printGroup(f *cmdutil.Factory, g domain.Group) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(g, g.Name, fields(g))
}
