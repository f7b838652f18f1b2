package backend

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

// fieldsOf returns the fields an invalid-input error names, sorted.
func fieldsOf(err error) string {
	de, ok := err.(*domain.Error)
	if !ok {
		return "not a domain error: " + errString(err)
	}
	var out []string
	for f := range de.Fields {
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func statements(st ...domain.PolicyStatement) *[]domain.PolicyStatement { return &st }

func allow(actions ...string) domain.PolicyStatement {
	return domain.PolicyStatement{Effect: "allow", Actions: actions, Resources: []string{"*"}}
}

func TestPolicySpec(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spec   PolicySpec
		fields string
	}{
		{"valid", PolicySpec{Tenant: "acme", Name: "deployer", Statements: statements(allow("shop:deploy"))}, ""},
		{"description only", PolicySpec{Tenant: "acme", Name: "deployer", Description: ptr("x")}, ""},
		{"managed", PolicySpec{Tenant: "acme", Name: "Administrator", Description: ptr("x")}, "name"},
		{"bad name", PolicySpec{Tenant: "acme", Name: "-x"}, "name"},
		{"statement field", PolicySpec{Tenant: "acme", Name: "p", Statements: statements(allow("shop:deploy"),
			domain.PolicyStatement{Effect: "Allow", Actions: []string{"key:bogus"}, Resources: []string{"*"}})},
			"statements[1].actions[0],statements[1].effect"},
		{"no statements given as empty", PolicySpec{Tenant: "acme", Name: "p", Statements: statements()}, "statements"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Validate()
			if got := ""; err != nil {
				got = fieldsOf(err)
				if got != tc.fields {
					t.Fatalf("fields %q (%v), want %q", got, err, tc.fields)
				}
			} else if tc.fields != "" {
				t.Fatalf("valid, want fields %s", tc.fields)
			}
		})
	}
	// A new policy needs statements; merging onto the current keeps them.
	kind, _ := LookupKind(KindPolicy)
	if _, err := (&PolicySpec{Tenant: "acme", Name: "p", Description: ptr("x")}).Merge(kind.Default(Ref{Kind: KindPolicy, Tenant: "acme", ID: "p"})); fieldsOf(err) != "statements" {
		t.Fatalf("new policy without statements: %v", err)
	}
	cur := PolicySpecOf(domain.Policy{Tenant: "acme", Name: "p", Statements: []domain.PolicyStatement{allow("a:b"), allow("c:d")}})
	merged, err := (&PolicySpec{Tenant: "acme", Name: "p", Statements: statements(allow("a:b"), allow("c:d", "e:f"))}).Merge(cur)
	if err != nil {
		t.Fatal(err)
	}
	// Statements are compared item by item.
	got := DiffSpecs(cur, merged)
	want := []FieldChange{{Field: "statements[1].actions", From: []string{"c:d"}, To: []string{"c:d", "e:f"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("diff = %+v", got)
	}
	fewer, _ := (&PolicySpec{Tenant: "acme", Name: "p", Statements: statements(allow("a:b"))}).Merge(cur)
	if got := DiffSpecs(cur, fewer); len(got) != 1 || got[0].Field != "statements[1]" || got[0].To != nil {
		t.Fatalf("removed statement diff = %+v", got)
	}
	if d := DiffSpecs(cur, cur); len(d) != 0 {
		t.Fatalf("self diff %+v", d)
	}
}

func TestGroupAndKeyTypeSpecs(t *testing.T) {
	for _, tc := range []struct {
		spec   Spec
		fields string
	}{
		{&GroupSpec{Tenant: "acme", Name: "ci", Policies: &[]string{"deployer", "ReadOnly"}}, ""},
		{&GroupSpec{Tenant: "acme", Name: "c i"}, "name"},
		{&GroupSpec{Tenant: "acme", Name: "ci", Policies: &[]string{"ok", "not ok"}}, "policies[1]"},
		{&KeyTypeSpec{Tenant: "acme", Name: "MONITORING", Scope: ptr("mon")}, ""},
		{&KeyTypeSpec{Tenant: "acme", Name: "M", DisplayName: ptr(""), Scope: ptr("bad scope")}, "displayName,scope"},
	} {
		if err := tc.spec.Validate(); (err == nil) != (tc.fields == "") || (err != nil && fieldsOf(err) != tc.fields) {
			t.Errorf("%+v: %v, want fields %q", tc.spec, err, tc.fields)
		}
	}
	g, _ := (&GroupSpec{Tenant: "acme", Name: "ci", Policies: &[]string{"b", "a", "b"}}).Merge(GroupSpecOf(domain.Group{Tenant: "acme", Name: "ci"}))
	if got := *g.(*GroupSpec).Policies; !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("policies not canonical: %v", got)
	}
	kind, _ := LookupKind(KindKeyType)
	if _, err := (&KeyTypeSpec{Tenant: "acme", Name: "M"}).Merge(kind.Default(Ref{Kind: KindKeyType, Tenant: "acme", ID: "M"})); fieldsOf(err) != "scope" {
		t.Fatalf("new key type without scope: %v", err)
	}
	if refs := (&KeyTypeSpec{Tenant: "acme", Name: "M", Scope: ptr("mon")}).References(); len(refs) != 1 || refs[0].To != (Ref{Kind: KindPolicy, Tenant: "acme", ID: "mon"}) {
		t.Fatalf("refs %+v", refs)
	}
}

func TestServiceUserSpecLists(t *testing.T) {
	bad := ServiceUserSpec{Tenant: "acme", ID: "bot", CIDRAllowList: &[]string{"127.0.0.1/31"}, Groups: &[]string{"ok", ""}, Owners: &[]string{"bot"}, Policies: &[]string{"p q"}}
	if got := fieldsOf(bad.Validate()); got != "cidrAllowList,groups[1],owners[0],policies[0]" {
		t.Fatalf("fields %s", got)
	}
	cur := ServiceUserSpecOf(domain.ServiceUser{Tenant: "acme", ID: "bot", DisplayName: "bot", Status: domain.UserActive, Groups: []string{"a"}})
	declared := &ServiceUserSpec{Tenant: "acme", ID: "bot", CIDRAllowList: &[]string{"10.0.0.1", "10.0.0.0/8"}, Groups: &[]string{"b", "a"}, Owners: &[]string{"o"}}
	merged, err := declared.Merge(cur)
	if err != nil {
		t.Fatal(err)
	}
	m := merged.(*ServiceUserSpec)
	if !reflect.DeepEqual(*m.CIDRAllowList, []string{"10.0.0.0/8", "10.0.0.1/32"}) || !reflect.DeepEqual(*m.Groups, []string{"a", "b"}) {
		t.Fatalf("not canonical: %v %v", *m.CIDRAllowList, *m.Groups)
	}
	got := DiffSpecs(cur, merged)
	if len(got) != 3 || got[0].Field != "cidrAllowList" || got[1].Field != "groups" || got[2].Field != "owners" {
		t.Fatalf("diff %+v", got)
	}
	refs := declared.References()
	if len(refs) != 3 || refs[0].Field != "groups[0]" || refs[0].To.Kind != KindGroup || !refs[2].Cascade {
		t.Fatalf("refs %+v", refs)
	}
	pending := func(ref Ref) bool { return ref.ID == "o" }
	now, later := declared.SplitSameKind(pending)
	if o := now.(*ServiceUserSpec).Owners; o == nil || len(*o) != 0 || later.(*ServiceUserSpec).Owners == nil || later.(*ServiceUserSpec).Groups != nil {
		t.Fatalf("split %+v / %+v", now, later)
	}
	two := &ServiceUserSpec{Tenant: "acme", ID: "bot", Owners: &[]string{"ready", "o"}}
	if now, later := two.SplitSameKind(pending); !reflect.DeepEqual(*now.(*ServiceUserSpec).Owners, []string{"ready"}) || len(*later.(*ServiceUserSpec).Owners) != 2 {
		t.Fatalf("split keeps the owners that are ready: %+v / %+v", now, later)
	}
	if now, later := declared.SplitSameKind(func(Ref) bool { return false }); later != nil || now != Spec(declared) {
		t.Fatal("split with nothing pending")
	}
	if _, later := (&ServiceUserSpec{Tenant: "acme", ID: "x"}).SplitSameKind(pending); later != nil {
		t.Fatal("split without owners")
	}
}

func TestAccessKeySpec(t *testing.T) {
	for _, tc := range []struct {
		spec   AccessKeySpec
		fields string
	}{
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "deploy", Expires: ptr("90d"), SecretFile: ptr("x.secret")}, ""},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "deploy", ExpiresAt: ptr(""), Status: ptr(domain.KeyInactive)}, ""},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "Bot", Name: "a/b"}, "name,serviceUser"},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", Expires: ptr("soon"), ExpiresAt: ptr("2027-01-31")}, "expires"},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", Expires: ptr("soon")}, "expires"},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", ExpiresAt: ptr("tomorrow"), Status: ptr(domain.KeyExpired)}, "expiresAt,status"},
		{AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", CIDRAllowList: &[]string{"10.0.0.1/8"}, SecretFile: ptr(" ")}, "cidrAllowList,secretFile"},
	} {
		if err := tc.spec.Validate(); (err == nil) != (tc.fields == "") || (err != nil && fieldsOf(err) != tc.fields) {
			t.Errorf("%+v: %v, want fields %q", tc.spec, err, tc.fields)
		}
	}
	typ := "MONITORING"
	cur := AccessKeySpecOf(domain.AccessKey{Tenant: "acme", ServiceUser: "bot", Name: "k", Type: &typ, Status: domain.KeyExpired})
	if *cur.Status != domain.KeyActive || *cur.ExpiresAt != "" || cur.Ref().ID != "bot/k" {
		t.Fatalf("spec of an expired key %+v", cur)
	}
	// The type cannot change; expiresAt and the allow list compare canonically.
	if _, err := (&AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", Type: ptr("")}).Merge(cur); fieldsOf(err) != "type" {
		t.Fatalf("type change: %v", err)
	}
	merged, err := (&AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", ExpiresAt: ptr("2027-01-31"), Expires: ptr("90d"), SecretFile: ptr("f")}).Merge(cur)
	if err != nil {
		t.Fatal(err)
	}
	got := DiffSpecs(cur, merged)
	if len(got) != 1 || got[0].Field != "expiresAt" || got[0].From != nil || got[0].To != "2027-01-31T00:00:00Z" {
		t.Fatalf("diff %+v", got)
	}
	// Directives are neither state nor exported.
	for _, f := range SpecFields(&AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", Expires: ptr("90d"), SecretFile: ptr("f")}) {
		if f.Name == "expires" || f.Name == "secretFile" {
			t.Fatalf("directive %s in the spec's fields", f.Name)
		}
	}
	withFile := &AccessKeySpec{Tenant: "acme", ServiceUser: "bot", Name: "k", SecretFile: ptr("f")}
	if sent := withFile.ForBackend().(*AccessKeySpec); sent.SecretFile != nil || withFile.SecretFile == nil {
		t.Fatal("ForBackend kept the secret file, or changed the spec")
	}
	raw, _ := json.Marshal(Change{Op: OpPut, Ref: withFile.Ref(), Spec: withFile.ForBackend()})
	if strings.Contains(string(raw), "secretFile") {
		t.Fatalf("json %s", raw)
	}
}
