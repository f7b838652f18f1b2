package authz

import "testing"

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "kw:acme:serviceuser/x/key/y", true},
		{"key:*", "key:rotate", true},
		{"key:*", "keytype:read", false},
		{"key*", "keytype:read", true},
		{"*:read", "key:read", true},
		{"*:read", "key:readx", false},
		{"kw:acme:serviceuser/*", "kw:acme:serviceuser/bot/key/k1", true},
		{"kw:acme:serviceuser/*/key/*", "kw:acme:serviceuser/bot", false},
		{"kw:acme:serviceuser/*/key/*", "kw:acme:serviceuser/bot/key/k1", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false}, // prefix and suffix must not share the byte
		{"a*a", "aa", true},
		{"ab*ba", "aba", false},
		{"ab*ba", "abba", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aab", false},
		{"**", "x", true},
		{"a**b", "ab", true},
		{"key:rotate", "key:rotate", true},
		{"key:rotate", "key:rotatex", false},
		{"*x*", "", false},
	}
	for _, tt := range tests {
		g := compileGlob(tt.pattern)
		if got := g.match(tt.s); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
		if ref := refMatch(tt.pattern, tt.s); ref != tt.want {
			t.Errorf("reference match(%q, %q) = %v, want %v (bad test case)", tt.pattern, tt.s, ref, tt.want)
		}
	}
}
