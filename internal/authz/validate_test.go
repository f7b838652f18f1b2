package authz

import (
	"strings"
	"testing"
)

func TestValidateRejects(t *testing.T) {
	allow := func(actions, resources []string) Statement {
		return Statement{Effect: Allow, Actions: actions, Resources: resources}
	}
	any := []string{"*"}
	tests := []struct {
		name   string
		doc    Document
		fields map[string]string
	}{
		{"no statements", Document{}, map[string]string{"statements": "must contain at least one statement"}},
		{"capitalised effect", Document{Statements: []Statement{allow(any, any), {Effect: "Allow", Actions: any, Resources: any}}},
			map[string]string{"statements[1].effect": `must be "allow" or "deny"`}},
		{"empty effect", Document{Statements: []Statement{{Actions: any, Resources: any}}},
			map[string]string{"statements[0].effect": `must be "allow" or "deny"`}},
		{"no actions", Document{Statements: []Statement{allow(nil, any)}},
			map[string]string{"statements[0].actions": "must list at least one action"}},
		{"no resources", Document{Statements: []Statement{allow(any, []string{})}},
			map[string]string{"statements[0].resources": "must list at least one resource"}},
		{"typo in keyward verb", Document{Statements: []Statement{allow([]string{"key:read", "key:rotat"}, any)}},
			map[string]string{"statements[0].actions[1]": `unknown keyward action "key:rotat"; did you mean "key:rotate"?`}},
		{"unknown keyward verb, nothing close", Document{Statements: []Statement{allow([]string{"key:frobnicate"}, any)}},
			map[string]string{"statements[0].actions[0]": "key actions are generate, read, update, rotate"}},
		{"wildcard matching no keyward action", Document{Statements: []Statement{allow([]string{"policy:zz*"}, any)}},
			map[string]string{"statements[0].actions[0]": `"policy:zz*" matches no keyward action`}},
		{"keyward namespace in capitals", Document{Statements: []Statement{allow([]string{"Key:Rotate"}, any)}},
			map[string]string{"statements[0].actions[0]": `case-sensitive; did you mean "key:rotate"?`}},
		{"no colon", Document{Statements: []Statement{allow([]string{"rotate"}, any)}},
			map[string]string{"statements[0].actions[0]": "has no ':'"}},
		{"two colons", Document{Statements: []Statement{allow([]string{"a:b:c"}, any)}},
			map[string]string{"statements[0].actions[0]": "more than one ':'"}},
		{"empty service", Document{Statements: []Statement{allow([]string{":read"}, any)}},
			map[string]string{"statements[0].actions[0]": "empty part"}},
		{"bad character", Document{Statements: []Statement{allow([]string{"orders:read all"}, any)}},
			map[string]string{"statements[0].actions[0]": `contains " "`}},
		{"empty action", Document{Statements: []Statement{allow([]string{""}, any)}},
			map[string]string{"statements[0].actions[0]": "must not be empty"}},
		{"empty resource", Document{Statements: []Statement{allow(any, []string{""})}},
			map[string]string{"statements[0].resources[0]": "must not be empty"}},
		{"resource with space", Document{Statements: []Statement{allow(any, []string{"serviceuser/a b"})}},
			map[string]string{"statements[0].resources[0]": "space or control character"}},
		{"absolute without path", Document{Statements: []Statement{allow(any, []string{"kw:acme"})}},
			map[string]string{"statements[0].resources[0]": "names no resource"}},
		{"absolute with empty path", Document{Statements: []Statement{allow(any, []string{"kw:acme:"})}},
			map[string]string{"statements[0].resources[0]": "names no resource"}},
		{"absolute with bad tenant", Document{Statements: []Statement{allow(any, []string{"kw:Acme:serviceuser/*"})}},
			map[string]string{"statements[0].resources[0]": `"Acme" is not a tenant id`}},
		{"long description", Document{Description: strings.Repeat("x", 1001), Statements: []Statement{allow(any, any)}},
			map[string]string{"description": "at most 1000 bytes"}},
		{"too many statements", Document{Statements: make([]Statement, 101)},
			map[string]string{"statements": "at most 100 statements"}},
		{"long pattern", Document{Statements: []Statement{allow(any, []string{strings.Repeat("a", 513)})}},
			map[string]string{"statements[0].resources[0]": "at most 512 bytes"}},
		{"several problems", Document{Statements: []Statement{{Effect: "permit", Actions: []string{"key:rotat"}}}},
			map[string]string{
				"statements[0].effect":     "must be",
				"statements[0].actions[0]": "did you mean",
				"statements[0].resources":  "at least one",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, tt.doc.Validate(), tt.fields)
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	patterns := []string{"*", "key:*", "*:read", "key*", "*rotate", "key:*activate", "orders:read", "orders.v2:list-all", "my_app:*", "*:*"}
	resources := []string{"*", "serviceuser/*", "kw:*", "kw:acme:serviceuser/*/key/*", "kw:*:db", "orders/42", "kw:a*:x", "ünïcode/ok"}
	doc := Document{Description: "ok", Statements: []Statement{{Effect: Deny, Actions: patterns, Resources: resources}}}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidPolicyName(t *testing.T) {
	for _, s := range []string{"a", "Ops", "ops.read-only_2", "0", strings.Repeat("a", 64), "readonly"} {
		if !ValidPolicyName(s) {
			t.Errorf("ValidPolicyName(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-a", ".a", "_a", "a b", "a/b", "ä", strings.Repeat("a", 65), "a:b"} {
		if ValidPolicyName(s) {
			t.Errorf("ValidPolicyName(%q) = true", s)
		}
	}
}
