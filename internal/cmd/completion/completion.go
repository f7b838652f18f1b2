// Package completion implements `keyward completion SHELL`: the shell
// scripts that call back into `keyward __complete` for dynamic names. The
// scripts are also generated into completions/ by internal/tools/gendocs
// and shipped in the release archives and packages.
package completion

import (
	"fmt"
	"io"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdCompletion returns `keyward completion` with one subcommand per
// shell. Printing a script never reads the config file or opens a database.
func NewCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion <shell>",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes your shell complete keyward's commands and flags,
and the names of tenants, service users, profiles (and the other objects) in
the database or on the server you are working with.

Completion reads the database read-only and gives up silently after about
100 ms when another process (keyward serve) holds it; it never writes.

The .deb and .rpm packages install the scripts system-wide; the release
archives carry them in completions/.`,
		Example: `  source <(keyward completion bash)
  keyward completion zsh > "${fpath[1]}/_keyward"
  keyward completion fish > ~/.config/fish/completions/keyward.fish`,
	}
	for _, s := range Shells {
		cmd.AddCommand(newCmdShell(f, s))
	}
	return cmd
}

// Shell describes one supported shell: its command name, the file name its
// script is shipped under in completions/, and how to install it.
type Shell struct {
	Name    string
	File    string
	Short   string
	Long    string
	Example string
	// Generate writes the script for root to w.
	Generate func(root *cobra.Command, w io.Writer, descriptions bool) error
}

// Shells are the supported shells, in the order they are listed.
var Shells = []Shell{
	{
		Name:  "bash",
		File:  "keyward.bash",
		Short: "Print the bash completion script",
		Long: `Print the bash completion script. It needs the bash-completion package
(apt install bash-completion; brew install bash-completion@2).

Load it in the current shell:

    source <(keyward completion bash)

Load it in every new shell, for you only:

    keyward completion bash > ~/.local/share/bash-completion/completions/keyward

The .deb and .rpm packages install it as
/usr/share/bash-completion/completions/keyward.`,
		Example: `  source <(keyward completion bash)
  keyward completion bash > ~/.local/share/bash-completion/completions/keyward`,
		Generate: func(root *cobra.Command, w io.Writer, desc bool) error {
			return root.GenBashCompletionV2(w, desc)
		},
	},
	{
		Name:  "zsh",
		File:  "keyward.zsh",
		Short: "Print the zsh completion script",
		Long: `Print the zsh completion script. Completion must be enabled once in ~/.zshrc:

    autoload -U compinit; compinit

Load it in the current shell:

    source <(keyward completion zsh)

Load it in every new shell: save it as _keyward in a directory of $fpath, then
start a new shell:

    keyward completion zsh > "${fpath[1]}/_keyward"

The .deb and .rpm packages install it as
/usr/share/zsh/vendor-completions/_keyward.`,
		Example: `  source <(keyward completion zsh)
  keyward completion zsh > "${fpath[1]}/_keyward"`,
		Generate: func(root *cobra.Command, w io.Writer, desc bool) error {
			if desc {
				return root.GenZshCompletion(w)
			}
			return root.GenZshCompletionNoDesc(w)
		},
	},
	{
		Name:  "fish",
		File:  "keyward.fish",
		Short: "Print the fish completion script",
		Long: `Print the fish completion script.

Load it in the current shell:

    keyward completion fish | source

Load it in every new shell:

    keyward completion fish > ~/.config/fish/completions/keyward.fish

The .deb and .rpm packages install it as
/usr/share/fish/vendor_completions.d/keyward.fish.`,
		Example: `  keyward completion fish | source
  keyward completion fish > ~/.config/fish/completions/keyward.fish`,
		Generate: func(root *cobra.Command, w io.Writer, desc bool) error {
			return root.GenFishCompletion(w, desc)
		},
	},
	{
		Name:  "powershell",
		File:  "keyward.ps1",
		Short: "Print the PowerShell completion script",
		Long: `Print the PowerShell completion script.

Load it in the current session:

    keyward completion powershell | Out-String | Invoke-Expression

Load it in every new session: add the line above to your PowerShell profile
($PROFILE), or save the script and dot-source it from there.`,
		Example: `  keyward completion powershell | Out-String | Invoke-Expression
  keyward completion powershell >> $PROFILE`,
		Generate: func(root *cobra.Command, w io.Writer, desc bool) error {
			if desc {
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return root.GenPowerShellCompletion(w)
		},
	},
}

func newCmdShell(f *cmdutil.Factory, s Shell) *cobra.Command {
	var noDescriptions bool
	cmd := &cobra.Command{
		Use:                   s.Name,
		Short:                 s.Short,
		Long:                  s.Long,
		Example:               s.Example,
		Args:                  cobra.NoArgs,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := s.Generate(cmd.Root(), f.IOStreams.Out, !noDescriptions); err != nil {
				return fmt.Errorf("write %s completion: %w", s.Name, err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noDescriptions, "no-descriptions", false, "leave out the descriptions shown next to candidates")
	return cmd
}
