package cmdutil

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

func fixed(names ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp)
}

func TestCompleteArgs(t *testing.T) {
	fn := CompleteArgs(fixed("g1", "g2"), fixed("u1"))
	cmd := &cobra.Command{}
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{"g1", "g2"}},
		{[]string{"g1"}, []string{"u1"}},
		{[]string{"g1", "u1"}, nil},
	}
	for _, tt := range tests {
		got, dir := fn(cmd, tt.args, "")
		if !slices.Equal(got, tt.want) || dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("args %v: got %v %v, want %v", tt.args, got, dir, tt.want)
		}
	}
}

func TestCompleteArgsVariadicLeavesOutGivenNames(t *testing.T) {
	fn := CompleteArgsVariadic(fixed("ci", "ops"), fixed("a\tAlice", "b", "c"))
	cmd := &cobra.Command{}
	tests := []struct {
		args       []string
		toComplete string
		want       []string
	}{
		{nil, "", []string{"ci", "ops"}},
		{[]string{"ci"}, "", []string{"a\tAlice", "b", "c"}},
		{[]string{"ci", "a", "c"}, "", []string{"b"}},
		{[]string{"ci", "b"}, "a", []string{"a\tAlice"}},
		// the group name is not a user: "ci" is not left out of users
		{[]string{"ci"}, "c", []string{"c"}},
	}
	for _, tt := range tests {
		got, _ := fn(cmd, tt.args, tt.toComplete)
		if !slices.Equal(got, tt.want) {
			t.Errorf("args %v %q: got %q, want %q", tt.args, tt.toComplete, got, tt.want)
		}
	}
}

func TestWithPrefixMatchesNamesNotDescriptions(t *testing.T) {
	got := withPrefix([]string{"acme\tAcme Corp", "default", "bravo\tacme's twin"}, "ac", nil)
	if want := []string{"acme\tAcme Corp"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestSetArgsCompletion(t *testing.T) {
	parent := &cobra.Command{Use: "tenant"}
	show := &cobra.Command{Use: "show <id>"}
	parent.AddCommand(show)
	SetArgsCompletion(parent, map[string]cobra.CompletionFunc{"show": fixed("x")})
	if got, _ := show.ValidArgsFunction(show, nil, ""); !slices.Equal(got, []string{"x"}) {
		t.Fatalf("show completes %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a missing subcommand")
		}
	}()
	SetArgsCompletion(parent, map[string]cobra.CompletionFunc{"shwo": fixed("x")})
}
