// Package db implements `keyward db`: backup, check and info of the
// database file.
package db

import (
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/service"
	"github.com/spf13/cobra"
)

// NewCmdDB returns `keyward db` and its subcommands.
func NewCmdDB(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db <command>",
		Short: "Back up, check and describe the database",
		Long: `The database is one bbolt file ($XDG_DATA_HOME/keyward/keyward.db unless
--db, KEYWARD_DB or the profile says otherwise). It holds the pepper of the
secret hashes and the token signing keys: a backup is as sensitive as the
database itself.`,
		Example: `  keyward db backup /secure/keyward-$(date +%F).db
  keyward db check
  keyward db info -o json`,
	}
	cmd.AddCommand(newCmdBackup(f, nil), newCmdCheck(f, nil), newCmdInfo(f, nil), newCmdRotateSigningKey(f, nil))
	return cmd
}

// localOnly opens the local database read-only for commands that read the
// file itself; against a server they are refused.
func localOnly(f *cmdutil.Factory, what string) (*service.Service, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	if s.Server != "" {
		return nil, cmdutil.UsageErrorf("%s reads a local database file; run it where the server's database is, or copy it with `keyward db backup`", what)
	}
	return f.Local(cmdutil.ReadOnly)
}
