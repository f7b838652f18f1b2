// Package root builds keyward's command tree and runs it: the only place
// that turns an error into a message on stderr and an exit code.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	applycmd "github.com/keyward/keyward/internal/cmd/apply"
	"github.com/keyward/keyward/internal/cmd/audit"
	"github.com/keyward/keyward/internal/cmd/completion"
	dbcmd "github.com/keyward/keyward/internal/cmd/db"
	"github.com/keyward/keyward/internal/cmd/export"
	"github.com/keyward/keyward/internal/cmd/group"
	"github.com/keyward/keyward/internal/cmd/key"
	"github.com/keyward/keyward/internal/cmd/keytype"
	"github.com/keyward/keyward/internal/cmd/policy"
	"github.com/keyward/keyward/internal/cmd/profile"
	"github.com/keyward/keyward/internal/cmd/serve"
	"github.com/keyward/keyward/internal/cmd/serviceuser"
	"github.com/keyward/keyward/internal/cmd/tenant"
	tokencmd "github.com/keyward/keyward/internal/cmd/token"
	versioncmd "github.com/keyward/keyward/internal/cmd/version"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/version"
	"github.com/spf13/cobra"
)

// NewCmdRoot returns the keyward command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keyward <command> [flags]",
		Short: "Manage service users, access keys, permission policies and tokens",
		Long: `keyward manages service users: machine identities with no password that
authenticate with access keys, get bearer tokens, and are allowed or denied by
permission policies, each inside its own tenant.

It works on a local database ($XDG_DATA_HOME/keyward/keyward.db by default)
or, with a remote profile, against a keyward server.`,
		Example: `  keyward serviceuser create ci-bot --email ci@example.com
  keyward serviceuser list -o json
  keyward tenant create acme --require-email`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// `keyward completion` is ours (help, examples, no database).
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	setVersion(cmd, version.Get())
	pf := cmd.PersistentFlags()
	pf.StringP(cmdutil.KeyProfile, "p", "", "profile from the config file to use (env KEYWARD_PROFILE)")
	pf.StringP(cmdutil.KeyTenant, "t", "", `tenant to act in (env KEYWARD_TENANT; default "default")`)
	pf.StringP(cmdutil.KeyOutput, "o", "table", "output format: table, json or yaml (env KEYWARD_OUTPUT)")
	pf.BoolP("quiet", "q", false, "print ids only")
	pf.Bool("no-headers", false, "omit the header line of tables")
	pf.Bool(cmdutil.KeyNoColor, false, "disable colour (env KEYWARD_NO_COLOR, NO_COLOR)")
	pf.BoolP("yes", "y", false, "confirm destructive actions without asking (required when not on a terminal)")
	pf.String(cmdutil.KeyDB, config.DBPathDoc, "database file (env KEYWARD_DB)")
	pf.String(cmdutil.KeyServer, "", "keyward server URL; uses the remote API instead of a local database (env KEYWARD_SERVER)")
	pf.String(cmdutil.KeyCAFile, "", "PEM file of the CA certificates to trust for the server, instead of the system's (default: the profile's ca-file)")
	pf.String(cmdutil.KeyConfig, config.ConfigPathDoc, "config file (env KEYWARD_CONFIG)")
	f.BindFlags(pf)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.UsageErrorf("%v (see `%s --help`)", err, c.CommandPath())
	})

	cmdutil.RegisterGlobalFlagCompletion(cmd, f)

	cmd.AddCommand(
		tenant.NewCmdTenant(f),
		serviceuser.NewCmdServiceUser(f),
		keytype.NewCmdKeyType(f),
		policy.NewCmdPolicy(f),
		group.NewCmdGroup(f),
		key.NewCmdKey(f),
		audit.NewCmdAudit(f),
		applycmd.NewCmdApply(f, nil),
		export.NewCmdExport(f, nil),
		dbcmd.NewCmdDB(f),
		profile.NewCmdProfile(f),
		serve.NewCmdServe(f, nil),
		tokencmd.NewCmdToken(f),
		versioncmd.NewCmdVersion(f),
		completion.NewCmdCompletion(f),
	)
	cmd.SetUsageTemplate(cmd.UsageTemplate() + "\n" + cmdutil.ExitCodesHelp + "\n")
	rejectUnknownSubcommands(cmd)
	return cmd
}

// rejectUnknownSubcommands makes every command group (tenant, serviceuser,
// …) fail with a usage error (exit 2) on a word that is none of its
// subcommands: cobra would print the group's help and exit 0, so a script
// with `keyward tenant craete acme` would carry on as if it had worked.
// Alone, a group still prints its help.
func rejectUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if !c.HasParent() || !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default for the root
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		hint := ""
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			hint = fmt.Sprintf("; did you mean %q?", s[0])
		}
		return cmdutil.UsageErrorf("unknown command %q for %q%s (see `%s --help`)", args[0], cmd.CommandPath(), hint, cmd.CommandPath())
	}
}

// setVersion makes `keyward --version` print what `keyward version` prints:
// version, commit, build date and Go. The text goes through an annotation so
// nothing in it is read as a template.
func setVersion(cmd *cobra.Command, info version.Info) {
	cmd.Version = info.Version
	cmd.Annotations = map[string]string{"versionText": info.Text()}
	cmd.SetVersionTemplate(`{{index .Annotations "versionText"}}`)
	// Declared here (cobra would add it with -v and "version for keyward").
	cmd.Flags().Bool("version", false, "print version, commit and build date")
}

// Main runs keyward with the process's arguments and streams and returns the
// exit code.
func Main() int {
	tuneGC()
	return Run(context.Background(), cmdutil.New(iostreams.System()), os.Args[1:])
}

// tuneGC makes the garbage collector run less often: keyward's commands are
// short-lived and most of what they allocate (a decoded list) stays live
// until they exit, so collecting at every doubling of the heap is wasted
// work (a piped list of 10,000 users spent over a quarter of its CPU in the
// collector). GOGC, when set, wins. `serve` keeps it too: its heap is small
// and mostly short-lived request garbage, and collecting less often raised
// its token throughput by a third (bench/token.sh).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// Run executes args with f and returns the exit code. Errors are printed to
// stderr: one line, or the JSON error object with -o json.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	_, err := cmd.ExecuteContextC(ctx)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return cmdutil.ExitOK
	}
	if ctx.Err() != nil {
		fmt.Fprintln(f.IOStreams.ErrOut, "interrupted")
		return cmdutil.ExitInterrupted
	}
	err = classifyCobraError(err)
	var reported *cmdutil.ReportedError
	if !errors.As(err, &reported) {
		printError(f, err)
	}
	return cmdutil.ExitCode(err)
}

// classifyCobraError turns cobra's own argument errors into usage errors.
func classifyCobraError(err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	msg := err.Error()
	for _, usage := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "requires exactly", "invalid argument", "flag needs an argument", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, usage) {
			return cmdutil.UsageErrorf("%s", msg)
		}
	}
	return err
}

func printError(f *cmdutil.Factory, err error) {
	var de *domain.Error
	if o, oerr := f.OutputOptions(); oerr == nil && o.Format == output.FormatJSON {
		if !errors.As(err, &de) {
			de = &domain.Error{Code: domain.CodeOf(err), Message: err.Error()}
		}
		body := *de
		body.Message = de.Error()
		if body.Fields == nil {
			body.Fields = map[string]string{}
		}
		raw, _ := output.MarshalJSON(body)
		f.IOStreams.ErrOut.Write(raw)
		return
	}
	fmt.Fprintln(f.IOStreams.ErrOut, "error: "+strings.ReplaceAll(err.Error(), "\n", " "))
}
