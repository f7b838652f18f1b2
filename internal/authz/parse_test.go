package authz

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestParseDocumentAcceptsYAMLAndJSON(t *testing.T) {
	want := Document{
		Description: "Rotate keys, read the rest",
		Statements: []Statement{
			{Effect: Allow, Actions: []string{"key:rotate", "*:read"}, Resources: []string{"serviceuser/*"}},
			{Effect: Deny, Actions: []string{"key:*"}, Resources: []string{"kw:acme:serviceuser/admin/*"}},
		},
	}
	inputs := map[string]string{
		"yaml": `
description: Rotate keys, read the rest
statements:
  - effect: allow
    actions: [key:rotate, "*:read"]
    resources:
      - serviceuser/*
  - effect: deny
    actions: ["key:*"]
    resources: ["kw:acme:serviceuser/admin/*"]
`,
		"json": "\ufeff {\n\t\"description\": \"Rotate keys, read the rest\",\n\t\"statements\": [\n" +
			"\t\t{\"effect\": \"allow\", \"actions\": [\"key:rotate\", \"*:read\"], \"resources\": [\"serviceuser\\/*\"]},\n" +
			"\t\t{\"effect\": \"deny\", \"actions\": [\"key:*\"], \"resources\": [\"kw:acme:serviceuser/admin/*\"]}\n\t]\n}\n",
		"yaml flow (JSON-like)": `{description: "Rotate keys, read the rest", statements: [
  {effect: allow, actions: [key:rotate, "*:read"], resources: [serviceuser/*]},
  {effect: deny, actions: ["key:*"], resources: ["kw:acme:serviceuser/admin/*"]}]}`,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got, err := ParseDocument([]byte(in))
			if err != nil {
				t.Fatalf("ParseDocument: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v\nwant %#v", got, want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestParseDocumentRejects(t *testing.T) {
	tests := []struct {
		name, in string
		fields   map[string]string // field → substring of why
	}{
		{"empty", "  \n", map[string]string{"document": "is empty"}},
		{"not a mapping", "- a\n- b\n", map[string]string{"document": "must be a mapping"}},
		{"unknown top-level field", "description: x\nstatement: []\n", map[string]string{"statement": "unknown field; known fields: description, statements"}},
		{"capitalised field", `{"Statements": []}`, map[string]string{"Statements": `did you mean "statements"?`}},
		{"unknown statement field", "statements:\n  - effect: allow\n    action: [key:read]\n", map[string]string{"statements[0].action": "unknown field"}},
		{"duplicate JSON field", `{"description": "a", "description": "b"}`, map[string]string{"description": "appears more than once"}},
		{"duplicate YAML field", "statements:\n  - effect: allow\n    effect: deny\n", map[string]string{"statements[0].effect": "appears more than once"}},
		{"scalar actions", "statements:\n  - effect: allow\n    actions: key:read\n", map[string]string{"statements[0].actions": `write ["key:read"]`}},
		{"number in list", `{"statements": [{"actions": ["key:read", 7]}]}`, map[string]string{"statements[0].actions[1]": `must be a string, not "7"`}},
		{"boolean effect", "statements:\n  - effect: true\n", map[string]string{"statements[0].effect": "must be a string"}},
		{"statements not a list", `{"statements": {"effect": "allow"}}`, map[string]string{"statements": "must be a list of statements, not a mapping"}},
		{"statement not a mapping", `{"statements": ["allow"]}`, map[string]string{"statements[0]": "must be a mapping"}},
		{"bad JSON", `{"statements": [}`, map[string]string{"document": "is not valid JSON"}},
		{"trailing JSON", `{"statements": []} {}`, map[string]string{"document": "data after the JSON object"}},
		{"bad YAML", "statements: [\n", map[string]string{"document": "line"}},
		{"YAML alias", "a: &x [key:read]\nstatements:\n  - actions: *x\n", map[string]string{"document": "aliases are not supported"}},
		{"two YAML documents", "description: a\n---\ndescription: b\n", map[string]string{"document": "more than one YAML document"}},
		{"several at once", `{"statements": [{"effect": 1, "colour": "red"}], "x": 1}`, map[string]string{
			"statements[0].effect": "must be a string", "statements[0].colour": "unknown field", "x": "unknown field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tt.in))
			checkFields(t, err, tt.fields)
		})
	}
}

func TestParseDocumentNullsAreAbsent(t *testing.T) {
	doc, err := ParseDocument([]byte(`{"description": null, "statements": [{"effect": "allow", "actions": null, "resources": ["*"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	checkFields(t, doc.Validate(), map[string]string{"statements[0].actions": "must list at least one action"})
}

// checkFields asserts that err is an invalid *domain.Error with exactly the
// given fields, each reason containing the given text.
func checkFields(t *testing.T, err error, fields map[string]string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeInvalid {
		t.Fatalf("got error %v, want an invalid *domain.Error with fields %v", err, fields)
	}
	for f, want := range fields {
		if got, ok := e.Fields[f]; !ok || !strings.Contains(got, want) {
			t.Errorf("field %q: got %q, want it to contain %q (all: %v)", f, got, want, e.Fields)
		}
	}
	for f := range e.Fields {
		if _, ok := fields[f]; !ok {
			t.Errorf("unexpected field %q: %q", f, e.Fields[f])
		}
	}
}

func TestParseDocumentYAMLHints(t *testing.T) {
	for in, hint := range map[string]string{
		"statements:\n  - effect: allow\n    actions: [*]\n":             `must be quoted: "*"`,
		"statements:\n  - effect: allow\n    actions:\n      - *:read\n": `must be quoted`,
		"statements:\n\t- effect: allow\n":                               "not tabs",
	} {
		_, err := ParseDocument([]byte(in))
		if err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("ParseDocument(%q) = %v, want a hint %q", in, err, hint)
		}
	}
}
