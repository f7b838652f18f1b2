package root_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestHelpText walks the whole command tree: every command a user can see
// has a one-line Short and runbook-ready Examples that use it, and every
// flag says what it does. New commands are covered without touching this.
func TestHelpText(t *testing.T) {
	// A flag default computed from the environment would show this user's
	// paths in --help and in the generated docs.
	const sentinel = "/sentinel-home-of-the-generating-user"
	for _, env := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
		t.Setenv(env, sentinel+"/"+strings.ToLower(env))
	}
	io, _, _, _ := iostreams.Test()
	cmd := root.NewCmdRoot(cmdutil.New(io))
	cmd.InitDefaultHelpFlag()
	n := 0
	walk(cmd, func(c *cobra.Command) {
		n++
		path := c.CommandPath()
		checkShort(t, path, c.Short)
		checkExample(t, c)
		for _, fs := range []*pflag.FlagSet{c.LocalNonPersistentFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(fl *pflag.Flag) {
				if fl.Hidden {
					return
				}
				if strings.TrimSpace(fl.Usage) == "" {
					t.Errorf("%s --%s: flag has no usage string", path, fl.Name)
				}
				if strings.Contains(fl.DefValue, sentinel) {
					t.Errorf("%s --%s: default %q expands the environment; document it (e.g. %q) instead", path, fl.Name, fl.DefValue, "$XDG_DATA_HOME/keyward/keyward.db")
				}
			})
		}
	})
	if n < 10 {
		t.Fatalf("walked only %d commands", n)
	}
}

// walk visits c and every command below it that a user can see.
func walk(c *cobra.Command, visit func(*cobra.Command)) {
	if c.Hidden || c.Deprecated != "" || c.Name() == "help" {
		return
	}
	visit(c)
	for _, sub := range c.Commands() {
		walk(sub, visit)
	}
}

func checkShort(t *testing.T, path, short string) {
	t.Helper()
	switch {
	case strings.TrimSpace(short) == "":
		t.Errorf("%s: no Short description", path)
	case strings.Contains(short, "\n"):
		t.Errorf("%s: Short must be one line: %q", path, short)
	case strings.HasSuffix(short, "."):
		t.Errorf("%s: Short ends with a period (cobra lists it in a table): %q", path, short)
	case len(short) > 100:
		t.Errorf("%s: Short is %d characters; keep it under 100 and put the rest in Long", path, len(short))
	}
}

var exampleLine = regexp.MustCompile(`^  \S`)

// checkExample wants Example lines indented by two spaces (how cobra prints
// them) that show the command itself in use (by name or alias).
func checkExample(t *testing.T, c *cobra.Command) {
	t.Helper()
	path := c.CommandPath()
	if strings.TrimSpace(c.Example) == "" {
		t.Errorf("%s: no Example", path)
		return
	}
	for _, line := range strings.Split(c.Example, "\n") {
		if line != "" && !exampleLine.MatchString(line) && !strings.HasPrefix(line, "    ") {
			t.Errorf("%s: Example line %q is not indented by two spaces", path, line)
		}
	}
	if !strings.Contains(c.Example, "keyward") {
		t.Errorf("%s: Example never runs keyward", path)
	}
	names := append([]string{c.Name()}, c.Aliases...)
	words := regexp.MustCompile(`[\s(]+`).Split(c.Example, -1)
	for _, w := range words {
		for _, name := range names {
			if w == name {
				return
			}
		}
	}
	t.Errorf("%s: no Example uses the command (%s)", path, strings.Join(names, " or "))
}
