package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// POST /v1/changes decodes each change and its spec as strictly as every
// other body: a misspelt member, at any depth and of every kind, is 400
// invalid naming it (with the field meant), and nothing is written.
func TestApplyChangesRefusesUnknownFields(t *testing.T) {
	tests := []struct {
		kind   string
		change string
		field  string
		why    string
	}{
		{"Tenant", `{"op":"put","kind":"Tenant","id":"acme","spec":{"id":"acme","nmae":"Acme"}}`,
			"nmae", `unknown field; did you mean "name"?`},
		{"Tenant setting", `{"op":"put","kind":"Tenant","id":"acme","spec":{"id":"acme","settings":{"tokenTtll":"2h"}}}`,
			"settings.tokenTtll", `unknown field; did you mean "tokenTtl"?`},
		{"Policy", `{"op":"put","kind":"Policy","tenant":"default","id":"p1","spec":{"tenant":"default","name":"p1","descripton":"x"}}`,
			"descripton", `unknown field; did you mean "description"?`},
		{"Policy statement", `{"op":"put","kind":"Policy","tenant":"default","id":"p1","spec":{"tenant":"default","name":"p1","statements":[` +
			`{"effect":"allow","actions":["*"],"resources":["*"]},{"effect":"deny","actions":["key:*"],"resources":["*"],"resource":["x"]}]}}`,
			"statements[1].resource", `unknown field; did you mean "resources"?`},
		{"Group", `{"op":"put","kind":"Group","tenant":"default","id":"g1","spec":{"tenant":"default","name":"g1","polices":["ReadOnly"]}}`,
			"polices", `unknown field; did you mean "policies"?`},
		{"KeyType", `{"op":"put","kind":"KeyType","tenant":"default","id":"MON","spec":{"tenant":"default","name":"MON","scopes":"ReadOnly"}}`,
			"scopes", `unknown field; did you mean "scope"?`},
		{"ServiceUser", `{"op":"put","kind":"ServiceUser","tenant":"default","id":"ci-bot","spec":{"tenant":"default","id":"ci-bot","cidrAlowList":["10.0.0.0/8"]}}`,
			"cidrAlowList", `unknown field; did you mean "cidrAllowList"?`},
		{"ServiceUser, no near field", `{"op":"put","kind":"ServiceUser","tenant":"default","id":"ci-bot","spec":{"tenant":"default","id":"ci-bot","password":"x"}}`,
			"password", "unknown field; ServiceUser fields are tenant, id, displayName, email, description, status, cidrAllowList, policies, groups, owners"},
		{"AccessKey", `{"op":"put","kind":"AccessKey","tenant":"default","id":"ci-bot/k1","spec":{"tenant":"default","serviceUser":"ci-bot","name":"k1","expiresIn":"90d"}}`,
			"expiresIn", `unknown field; did you mean "expiresAt"?`},
		{"change itself", `{"op":"put","kind":"ServiceUser","tenant":"default","id":"ci-bot","specs":{"tenant":"default","id":"ci-bot"}}`,
			"specs", `unknown field; did you mean "spec"?`},
	}
	f := newFixture(t)
	keyID, secret := f.identity(t, "system", "root", "Administrator")
	tok := f.token(t, keyID, secret)
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			before := f.state(t)
			// A valid change first: refusing the second writes neither.
			body := `[{"op":"put","kind":"ServiceUser","tenant":"default","id":"first","spec":{"tenant":"default","id":"first"}},` + tt.change + `]`
			resp, raw := f.call(t, nil, "POST", "/v1/changes", tok, []byte(body))
			var got struct {
				Code   string            `json:"code"`
				Msg    string            `json:"message"`
				Fields map[string]string `json:"validationMessages"`
			}
			if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != 400 || got.Code != "invalid" {
				t.Fatalf("%d %s", resp.StatusCode, raw)
			}
			if len(got.Fields) != 1 || got.Fields[tt.field] != tt.why {
				t.Errorf("validationMessages = %v, want %s: %s", got.Fields, tt.field, tt.why)
			}
			if !strings.HasSuffix(got.Msg, tt.field+": "+tt.why) {
				t.Errorf("message %q does not end with %q", got.Msg, tt.field+": "+tt.why)
			}
			if after := f.state(t); after != before {
				t.Fatalf("the refused call wrote:\n%s\nwas\n%s", after, before)
			}
		})
	}
}
