package main

import "testing"

func TestEscapeProse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"show <id>", `show \<id>`},
		{"actions like key:* match", `actions like key:\* match`},
		{"use `key:*` or `<id>`", "use `key:*` or `<id>`"},
		{"text\n\n    keyward show <id>\n", "text\n\n    keyward show <id>\n"},
		{"```\n<id> *\n```\nafter <x>", "```\n<id> *\n```\nafter \\<x>"},
		{"plain $XDG_DATA_HOME/keyward", "plain $XDG_DATA_HOME/keyward"},
	}
	for _, tt := range tests {
		if got := escapeProse(tt.in); got != tt.want {
			t.Errorf("escapeProse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
