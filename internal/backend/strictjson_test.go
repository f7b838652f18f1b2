package backend

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

// Every kind's complete spec, with its directives, reads back from its own
// JSON: strict decoding refuses nothing keyward writes.
func TestChangeJSONRoundTripsStrictly(t *testing.T) {
	for _, k := range Kinds() {
		spec := k.Default(Ref{Kind: k.Name, Tenant: "acme", ID: "bot/k1"})
		if key, ok := spec.(*AccessKeySpec); ok {
			key.Expires, key.SecretFile = ptr("90d"), ptr("k1.secret")
		}
		in := []Change{{Op: OpPut, Ref: spec.Ref(), Spec: spec}, {Op: OpDelete, Ref: spec.Ref()}}
		raw, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out []Change
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %v\n%s", k.Name, err, raw)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("%s reads back as %+v, want %+v", k.Name, out, in)
		}
	}
}

// An unknown member of a change or of its spec, at any depth, is invalid
// input naming its JSON path; a value of the wrong type stays
// encoding/json's error.
func TestChangeJSONRefusesUnknownFields(t *testing.T) {
	tests := []struct {
		raw, field, message string
	}{
		{`{"op":"put","kind":"ServiceUser","tenant":"t","id":"u","spec":{"tenant":"t","id":"u","emial":"a@b.c"}}`,
			"emial", `ServiceUser t/u: emial: unknown field; did you mean "email"?`},
		{`{"op":"put","kind":"Tenant","id":"t","spec":{"id":"t","settings":{"requireEmail":true,"xyz":1}}}`,
			"settings.xyz", `Tenant t: settings.xyz: unknown field; the fields of settings are maxActiveKeysPerUser, keyTtlDefault, keyTtlMax, requireKeyExpiry, requireKeyName, requireEmail, requireGroup, oneKeyPerType, tokenTtl, tokenReuse`},
		{`{"op":"put","kind":"Policy","tenant":"t","id":"p","spec":{"tenant":"t","name":"p","statements":[{"Effect":"allow","actions":[],"resources":[],"efect":"deny"}]}}`,
			"statements[0].efect", `Policy t/p: statements[0].efect: unknown field; did you mean "effect"?`},
		{`{"op":"delete","kind":"Group","tenant":"t","id":"g","opp":"put"}`,
			"opp", `change: opp: unknown field; did you mean "op"?`},
	}
	for _, tt := range tests {
		var c Change
		err := json.Unmarshal([]byte(tt.raw), &c)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Message != tt.message || len(de.Fields) != 1 || de.Fields[tt.field] == "" {
			t.Errorf("%s:\n got %#v\nwant %s", tt.raw, err, tt.message)
		}
	}
	var c Change
	err := json.Unmarshal([]byte(`{"op":"put","kind":"Group","tenant":"t","id":"g","spec":{"tenant":"t","name":"g","policies":"ReadOnly"}}`), &c)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr.Field != "policies" {
		t.Errorf("wrong type: %#v", err)
	}
}
