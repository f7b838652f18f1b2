package backend

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func ptr[T any](v T) *T { return &v }

func TestDiffSpecs(t *testing.T) {
	cur := ServiceUserSpecOf(domain.ServiceUser{Tenant: "acme", ID: "bot", DisplayName: "Bot", Status: domain.UserActive})
	declared := &ServiceUserSpec{Tenant: "acme", ID: "bot", DisplayName: ptr("Bot"), Email: ptr("bot@example.com"), Status: ptr(domain.UserDisabled)}
	merged, err := declared.Merge(cur)
	if err != nil {
		t.Fatal(err)
	}
	got := DiffSpecs(cur, merged)
	want := []FieldChange{{Field: "email", From: nil, To: "bot@example.com"}, {Field: "status", From: "active", To: "disabled"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("diff = %+v, want %+v", got, want)
	}
	if d := DiffSpecs(merged, merged); len(d) != 0 {
		t.Fatalf("self diff = %+v", d)
	}
	// Undeclared fields are never a difference.
	if d := DiffSpecs(cur, &ServiceUserSpec{Tenant: "acme", ID: "bot"}); len(d) != 0 {
		t.Fatalf("empty spec diff = %+v", d)
	}
	// Against nothing declared, every field of the object.
	if d := DiffSpecs(&ServiceUserSpec{}, cur); len(d) != 8 || d[1].Field != "email" || d[1].To != nil {
		t.Fatalf("create diff = %+v", d)
	}
}

func TestTenantSpec(t *testing.T) {
	cur := TenantSpecOf(domain.Tenant{ID: "acme", Name: "Acme", Settings: domain.DefaultSettings()})
	declared := &TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("4320h"), KeyTTLDefault: ptr("2160h")}}
	if err := declared.Validate(); err != nil {
		t.Fatal(err)
	}
	merged, err := declared.Merge(cur)
	if err != nil {
		t.Fatal(err)
	}
	// Durations compare in canonical form: 2160h is the current 90d.
	got := DiffSpecs(cur, merged)
	if len(got) != 1 || got[0].Field != "settings.keyTtlMax" || got[0].From != nil || got[0].To != "180d" {
		t.Fatalf("diff = %+v", got)
	}
	// Settings are checked together with the current ones only in Merge.
	strict := TenantSpecOf(domain.Tenant{ID: "acme", Name: "Acme", Settings: domain.TenantSettings{
		MaxActiveKeysPerUser: 2, KeyTTLDefault: domain.Days(7), KeyTTLMax: ptr(domain.Days(30)), TokenTTL: domain.Duration{D: 3600e9}, TokenReuse: true}})
	raise := &TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLDefault: ptr("60d")}}
	if err := raise.Validate(); err != nil {
		t.Fatalf("valid on its own: %v", err)
	}
	if _, err := raise.Merge(strict); err == nil || !strings.Contains(err.Error(), "settings.keyTtlDefault") {
		t.Fatalf("merge onto keyTtlMax 30d: %v", err)
	}
	for _, tc := range []struct {
		spec  TenantSpec
		field string
	}{
		{TenantSpec{ID: "Acme"}, "id"},
		{TenantSpec{ID: "acme", Name: ptr("")}, "name"},
		{TenantSpec{ID: "system", Name: ptr("mine")}, "name"},
		{TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{TokenTTL: ptr("5s")}}, "settings.tokenTtl"},
		{TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{MaxActiveKeysPerUser: ptr(0)}}, "settings.maxActiveKeysPerUser"},
	} {
		err := tc.spec.Validate()
		var de *domain.Error
		if err == nil || !asDomain(err, &de) || de.Fields[tc.field] == "" {
			t.Errorf("%+v: error %v does not name %s", tc.spec, err, tc.field)
		}
	}
	// A patch that only fits the current settings is not refused on its own.
	if err := (&TenantSpec{ID: "acme", Settings: domain.TenantSettingsPatch{KeyTTLMax: ptr("30d")}}).Validate(); err != nil {
		t.Fatalf("keyTtlMax 30d alone: %v", err)
	}
}

func TestServiceUserSpecValidate(t *testing.T) {
	for _, tc := range []struct {
		spec  ServiceUserSpec
		field string
	}{
		{ServiceUserSpec{Tenant: "acme", ID: "Bot"}, "id"},
		{ServiceUserSpec{Tenant: "", ID: "bot"}, "tenant"},
		{ServiceUserSpec{Tenant: "acme", ID: "bot", DisplayName: ptr("")}, "displayName"},
		{ServiceUserSpec{Tenant: "acme", ID: "bot", Email: ptr("nope")}, "email"},
		{ServiceUserSpec{Tenant: "acme", ID: "bot", Description: ptr("a\nb")}, "description"},
		{ServiceUserSpec{Tenant: "acme", ID: "bot", Status: ptr(domain.UserStatus("sleeping"))}, "status"},
	} {
		err := tc.spec.Validate()
		var de *domain.Error
		if err == nil || !asDomain(err, &de) || de.Fields[tc.field] == "" {
			t.Errorf("%+v: error %v does not name %s", tc.spec, err, tc.field)
		}
	}
	ok := ServiceUserSpec{Tenant: "acme", ID: "bot", Email: ptr(""), DisplayName: ptr("Bot")}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestChangeJSON(t *testing.T) {
	in := []Change{
		{Op: OpPut, Ref: Ref{Kind: KindServiceUser, Tenant: "acme", ID: "bot"}, Spec: &ServiceUserSpec{Tenant: "acme", ID: "bot", Email: ptr("")}},
		{Op: OpDelete, Ref: Ref{Kind: KindServiceUser, Tenant: "acme", ID: "old"}},
	}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"put","kind":"ServiceUser","tenant":"acme","id":"bot","spec":{"tenant":"acme","id":"bot","email":""}},{"op":"delete","kind":"ServiceUser","tenant":"acme","id":"old"}]`
	if string(raw) != want {
		t.Fatalf("json = %s\nwant  %s", raw, want)
	}
	var out []Change
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip = %+v", out)
	}
	if err := json.Unmarshal([]byte(`{"op":"put","kind":"Widget","id":"x","spec":{}}`), &Change{}); err == nil {
		t.Fatal("unknown kind decoded")
	}
}

// A declared empty list stays declared over JSON even when it holds a nil
// slice (null would read back as not declared), and the spec marshalled
// is not changed.
func TestChangeJSONDeclaredEmptyList(t *testing.T) {
	var none []string
	spec := &ServiceUserSpec{Tenant: "acme", ID: "bot", Owners: &none}
	raw, err := json.Marshal(Change{Op: OpPut, Ref: spec.Ref(), Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"owners":[]`) || strings.Contains(string(raw), "policies") || none != nil {
		t.Fatalf("json = %s (owners %v)", raw, none)
	}
	var out Change
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if o := out.Spec.(*ServiceUserSpec).Owners; o == nil || len(*o) != 0 {
		t.Fatalf("owners read back as %v", o)
	}
}

func TestKinds(t *testing.T) {
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name)
		if k.New == nil || k.Default == nil || k.Load == nil || k.Builtin == nil {
			t.Errorf("kind %s is incomplete", k.Name)
		}
		id := "x"
		if k.Name == KindAccessKey {
			id = "x/y"
		}
		if def := k.Default(Ref{Kind: k.Name, Tenant: "acme", ID: id}); def.Validate() != nil {
			t.Errorf("kind %s: default does not validate: %v", k.Name, def.Validate())
		}
	}
	if got := strings.Join(names, ","); got != "Tenant,Policy,Group,KeyType,ServiceUser,AccessKey" {
		t.Fatalf("kinds in order = %s", got)
	}
}

func asDomain(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestLoadSpecs(t *testing.T) {
	if got, err := loadSpecs([]domain.Group(nil), domain.NotFound("tenant %q not found", "ghost"), GroupSpecOf, nil); err != nil || got != nil {
		t.Fatalf("missing tenant: %v, %v; want none", got, err)
	}
	boom := errors.New("boom")
	if _, err := loadSpecs([]domain.Group(nil), boom, GroupSpecOf, nil); !errors.Is(err, boom) {
		t.Fatalf("list error = %v, want boom", err)
	}
	ps := []domain.Policy{{Tenant: "acme", Name: "ReadOnly", Managed: true}, {Tenant: "acme", Name: "ci"}}
	got, err := loadSpecs(ps, nil, PolicySpecOf, func(p domain.Policy) bool { return !p.Managed })
	if err != nil || len(got) != 1 || got[0].(*PolicySpec).Name != "ci" {
		t.Fatalf("kept = %+v, %v; want only ci", got, err)
	}
	if got, _ := loadSpecs([]domain.Group{}, nil, GroupSpecOf, nil); got == nil || len(got) != 0 {
		t.Fatalf("no groups = %#v, want an empty list", got)
	}
}
