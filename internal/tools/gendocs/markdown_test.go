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

func TestFillSection(t *testing.T) {
	in := "intro\n<!-- generated:x begin (go run ./internal/tools/gendocs) -->\nold\n<!-- generated:x end -->\nafter\n"
	got, err := fillSection(in, "x", "new\n\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n<!-- generated:x begin (go run ./internal/tools/gendocs) -->\nnew\n<!-- generated:x end -->\nafter\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := fillSection("no markers", "x", "new"); err == nil {
		t.Fatal("missing markers accepted")
	}
}
