package manifest

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

func read(t *testing.T, src string) []Decoded {
	t.Helper()
	got, err := ReadAll(context.Background(), Source{Name: "in.yaml", R: strings.NewReader(src)}, ReadOptions{DefaultTenant: "dflt", BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func ptr[T any](v T) *T { return &v }

func TestReadStream(t *testing.T) {
	got := read(t, `# a stream
---
apiVersion: keyward/v1
kind: Tenant
id: acme
name: Acme
settings:
  requireEmail: true
  keyTtlMax: null
---
kind: ServiceUser
id: bot
email: null
status: disabled

---

# only a comment
---
- kind: ServiceUser
  tenant: acme
  id: a
- {"kind": "ServiceUser", "tenant": "acme", "id": "b", "displayName": "Bee"}
`)
	want := []struct {
		spec backend.Spec
		pos  Position
	}{
		{&backend.TenantSpec{ID: "acme", Name: ptr("Acme"), Settings: domain.TenantSettingsPatch{RequireEmail: ptr(true), KeyTTLMax: ptr("")}}, Position{Document: 1, Line: 3}},
		{&backend.ServiceUserSpec{Tenant: "dflt", ID: "bot", Email: ptr(""), Status: ptr(domain.UserDisabled)}, Position{Document: 2, Line: 11}},
		{&backend.ServiceUserSpec{Tenant: "acme", ID: "a"}, Position{Document: 3, Item: 1, Line: 20}},
		{&backend.ServiceUserSpec{Tenant: "acme", ID: "b", DisplayName: ptr("Bee")}, Position{Document: 3, Item: 2, Line: 23}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d objects: %+v", len(got), got)
	}
	for i, w := range want {
		if len(got[i].Problems) > 0 {
			t.Errorf("object %d: problems %+v", i, got[i].Problems)
		}
		if !reflect.DeepEqual(got[i].Spec, w.spec) || got[i].Pos != w.pos {
			t.Errorf("object %d = %+v at %+v, want %+v at %+v", i, got[i].Spec, got[i].Pos, w.spec, w.pos)
		}
	}
}

func TestReadJSON(t *testing.T) {
	got := read(t, `[
  {"apiVersion": "keyward/v1", "kind": "Tenant", "id": "acme", "settings": {"maxActiveKeysPerUser": 3}},
  {"kind": "ServiceUser", "tenant": "acme", "id": "bot", "email": "bot@example.com"}
]`)
	if len(got) != 2 || got[0].Problems != nil || got[1].Problems != nil {
		t.Fatalf("got %+v", got)
	}
	if s := got[0].Spec.(*backend.TenantSpec); *s.Settings.MaxActiveKeysPerUser != 3 || got[1].Pos.Line != 3 {
		t.Fatalf("got %+v at %+v", s, got[1].Pos)
	}
}

// problems returns "line field: message" for every problem.
func problems(ds []Decoded) []string {
	var out []string
	for _, d := range ds {
		for _, p := range d.Problems {
			out = append(out, p.String())
		}
	}
	return out
}

func TestReadProblems(t *testing.T) {
	got := problems(read(t, `kind: ServiceUser
id: Bot
emial: bot@example.com
status: [active]
---
kind: Widget
id: x
---
id: nokind
---
kind: Tenant
apiVersion: v2
id: acme
id: again
settings:
  maxActiveKeysPerUser: three
  requireEmail: "yes"
  tokenTtl: 5s
  bogus: 1
---
kind: ServiceUser
id: ok
displayName: ~
---
a: [unclosed
---
just a string
---
- kind: ServiceUser
  id: fine
- 42
`))
	want := []string{
		`in.yaml:2: document 1: ServiceUser dflt/Bot: id: "Bot" has upper-case letters; use lower case ("bot")`,
		`in.yaml:3: document 1: ServiceUser dflt/Bot: emial: unknown field; did you mean "email"?`,
		`in.yaml:4: document 1: ServiceUser dflt/Bot: status: must be a string, not a list`,
		`in.yaml:6: document 2: kind: unknown kind "Widget"; known kinds: Tenant, Policy, Group, KeyType, ServiceUser, AccessKey`,
		`in.yaml:9: document 3: kind: missing; every object needs one of: Tenant, Policy, Group, KeyType, ServiceUser, AccessKey`,
		`in.yaml:12: document 4: Tenant acme: apiVersion: must be "keyward/v1" (or left out)`,
		`in.yaml:14: document 4: Tenant acme: id: given twice (first on line 13)`,
		`in.yaml:16: document 4: Tenant acme: settings.maxActiveKeysPerUser: must be a whole number, not "three"`,
		`in.yaml:17: document 4: Tenant acme: settings.requireEmail: must be true or false, not "yes"`,
		`in.yaml:18: document 4: Tenant acme: settings.tokenTtl: must be between 60s and 24h (got 5s)`,
		`in.yaml:19: document 4: Tenant acme: settings.bogus: unknown field; the fields of settings are maxActiveKeysPerUser, keyTtlDefault, keyTtlMax, requireKeyExpiry, requireKeyName, requireEmail, requireGroup, oneKeyPerType, tokenTtl, tokenReuse`,
		`in.yaml:23: document 5: ServiceUser dflt/ok: displayName: must not be null (leave the field out to keep the current value)`,
		`in.yaml:24: document 6: invalid YAML: did not find expected ',' or ']'`,
		`in.yaml:27: document 7: expected an object with a kind, or a list of them`,
		`in.yaml:31: document 8, item 2: expected an object with a kind`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriteReadsBack(t *testing.T) {
	specs := []backend.Spec{
		backend.TenantSpecOf(domain.Tenant{ID: "acme", Name: "Acme: the company", Settings: domain.DefaultSettings()}),
		backend.ServiceUserSpecOf(domain.ServiceUser{Tenant: "acme", ID: "a", DisplayName: "true", Description: "x # not a comment", Status: domain.UserActive}),
		backend.ServiceUserSpecOf(domain.ServiceUser{Tenant: "acme", ID: "b", DisplayName: "123", Email: ptr("b@example.com"), Status: domain.UserDisabled}),
	}
	for _, format := range []Format{YAML, JSON} {
		var buf bytes.Buffer
		w := NewWriter(&buf, format)
		for _, s := range specs {
			if err := w.Write(s); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := read(t, buf.String())
		if len(got) != len(specs) {
			t.Fatalf("format %d: read back %d objects from\n%s", format, len(got), buf.String())
		}
		for i := range specs {
			if got[i].Problems != nil || !reflect.DeepEqual(got[i].Spec, specs[i]) {
				t.Errorf("format %d object %d: %+v (%v), want %+v\n%s", format, i, got[i].Spec, got[i].Problems, specs[i], buf.String())
			}
		}
	}
	var empty bytes.Buffer
	w := NewWriter(&empty, JSON)
	w.Close()
	if empty.String() != "[]\n" {
		t.Fatalf("empty JSON export = %q", empty.String())
	}
}

// TestWriteQuotesYAML11BoolsInLists: a name YAML 1.1 reads as a boolean
// ("yes", "on") is quoted wherever it is written, list items included.
func TestWriteQuotesYAML11BoolsInLists(t *testing.T) {
	spec := backend.ServiceUserSpecOf(domain.ServiceUser{Tenant: "acme", ID: "on", DisplayName: "on", Groups: []string{"ops", "yes"}, Status: domain.UserActive})
	var buf bytes.Buffer
	w := NewWriter(&buf, YAML)
	if err := w.Write(spec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id: "on"`, "  - ops\n", `  - "yes"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q in\n%s", want, buf.String())
		}
	}
	got := read(t, buf.String())
	if len(got) != 1 || got[0].Problems != nil || !reflect.DeepEqual(got[0].Spec, spec) {
		t.Fatalf("read back %+v, want %+v", got, spec)
	}
}
