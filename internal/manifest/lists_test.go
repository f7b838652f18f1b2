package manifest

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"go.yaml.in/yaml/v3"
)

const policyDoc = `kind: Policy
name: deployer
statements:
  - effect: allow
    actions: ["shop:deploy"]
    resources: ["*"]
  - effect: deny
    actions:
      - shop:delete
      - shop:drop
    resources: ["orders/*"]
`

func TestReadListOfObjects(t *testing.T) {
	got := read(t, policyDoc)
	if len(got) != 1 || len(got[0].Problems) != 0 {
		t.Fatalf("decoded %+v", got)
	}
	p := got[0].Spec.(*backend.PolicySpec)
	want := []domain.PolicyStatement{
		{Effect: "allow", Actions: []string{"shop:deploy"}, Resources: []string{"*"}},
		{Effect: "deny", Actions: []string{"shop:delete", "shop:drop"}, Resources: []string{"orders/*"}},
	}
	if p.Tenant != "dflt" || p.Name != "deployer" || !reflect.DeepEqual(*p.Statements, want) {
		t.Fatalf("spec %+v", p)
	}
	// Problems inside items name the item's field and line.
	bad := read(t, "kind: Policy\nname: p\nstatements:\n  - just a string\n  - effect: allow\n    actons: [\"a:b\"]\n    resources: x\n")
	var lines []string
	for _, pr := range bad[0].Problems {
		lines = append(lines, pr.String())
	}
	want2 := []string{
		`in.yaml:4: document 1: Policy dflt/p: statements[0]: must be an object, not "just a string"`,
		`in.yaml:5: document 1: Policy dflt/p: statements[1].actions: must list at least one action`,
		`in.yaml:6: document 1: Policy dflt/p: statements[1].actons: unknown field; did you mean "actions"?`,
		`in.yaml:7: document 1: Policy dflt/p: statements[1].resources: must be a list, not "x"`,
	}
	if strings.Join(lines, "\n") != strings.Join(want2, "\n") {
		t.Fatalf("problems:\n%s", strings.Join(lines, "\n"))
	}
}

func TestFieldLineIndexes(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(policyDoc), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for path, line := range map[string]int{
		"statements":               3,
		"statements[1]":            7,
		"statements[1].effect":     7,
		"statements[1].actions[1]": 10,
		"statements[1].actions[5]": 8, // no such item: the list's key
		"statements[9].effect":     3,
		"name":                     2,
		"missing":                  0,
	} {
		if got := FieldLine(root, path); got != line {
			t.Errorf("FieldLine(%q) = %d, want %d", path, got, line)
		}
	}
}

func TestWriteListOfObjects(t *testing.T) {
	spec := read(t, policyDoc)[0].Spec.(*backend.PolicySpec)
	spec.Description = ptr("")
	for _, format := range []Format{YAML, JSON} {
		var buf bytes.Buffer
		w := NewWriter(&buf, format)
		if err := w.Write(spec); err != nil {
			t.Fatal(err)
		}
		w.Close()
		back, err := ReadAll(context.Background(), Source{Name: "out", R: &buf}, ReadOptions{})
		if err != nil || len(back) != 1 || len(back[0].Problems) != 0 {
			t.Fatalf("format %d: read back %+v (%v):\n%s", format, back, err, buf.String())
		}
		if !reflect.DeepEqual(back[0].Spec, backend.Spec(spec)) {
			t.Fatalf("format %d: round trip %+v", format, back[0].Spec)
		}
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, JSON)
	w.Write(spec)
	w.Close()
	if !strings.Contains(buf.String(), "\"statements\": [\n      {\n        \"effect\": \"allow\",") {
		t.Fatalf("json:\n%s", buf.String())
	}
}
