// Package keytype implements `keyward keytype`: the tenant's catalog of key
// types, named scopes that limit what keys of the type may do.
package keytype

import (
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
)

// NewCmdKeyType returns `keyward keytype` and its subcommands.
func NewCmdKeyType(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keytype <command>",
		Short: "Manage key types: named scopes that limit what a key may do",
		Long: `A key type (MONITORING, PROVISIONING_READONLY, ...) is a named scope bound to a
scope policy of the tenant. A key of the type may do only what both its
service user's policies and the scope policy allow.

A service user may hold keys of a type only when its own and its groups'
policies cover the scope: every allow of the scope policy is contained in
one allow of the user's and overlaps none of its denies. ` + "`serviceuser show`" + `
lists these allowedKeyTypes; generating a key of another type is denied
(exit 4). With the tenant setting oneKeyPerType, a user may have one active
key per type (a second is refused, exit 5).`,
		Example: `  keyward policy create monitoring --allow 'metrics:read,serviceuser:read' --resource '*'
  keyward keytype create MONITORING --scope monitoring --display-name 'Monitoring'
  keyward keytype list`,
	}
	cmd.AddCommand(newCmdCreate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil), newCmdDelete(f, nil))
	keyTypes := cmdutil.CompleteArgs(cmdutil.CompleteKeyTypes(f))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"create": cobra.NoFileCompletions,
		"list":   cobra.NoFileCompletions,
		"show":   keyTypes,
		"update": keyTypes,
		"delete": keyTypes,
	})
	return cmd
}

// table is the list view of key types.
func table(ks []domain.KeyType) output.Table {
	t := output.Table{Headers: []string{"NAME", "DISPLAY NAME", "SCOPE", "DESCRIPTION", "CREATED"}}
	t.Rows = make([][]string, 0, len(ks))
	for _, k := range ks {
		t.Rows = append(t.Rows, []string{k.Name, k.DisplayName, k.Scope, k.Description, output.Time(k.CreatedAt)})
	}
	return t
}

// fields is the show view of a key type.
func fields(k domain.KeyType) [][2]string {
	return [][2]string{
		{"name", k.Name}, {"tenant", k.Tenant}, {"displayName", k.DisplayName}, {"description", k.Description},
		{"scope", k.Scope}, {"createdAt", output.Time(k.CreatedAt)}, {"createdBy", k.CreatedBy}, {"updatedAt", output.Time(k.UpdatedAt)},
	}
}

func printKeyType(f *cmdutil.Factory, k domain.KeyType) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(k, k.Name, fields(k))
}
