package token

import (
	"encoding/json"
	"testing"
	"time"
)

func TestIntrospectionJSON(t *testing.T) {
	data, err := json.Marshal(Inactive())
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"active":false}` {
		t.Errorf("inactive = %s", data)
	}

	c := Claims{
		Issuer: testIssuer, Subject: "ci-bot", Audience: testIssuer,
		ExpiresAt: testEpoch.Add(time.Hour), IssuedAt: testEpoch,
		ID: "jti-1", ClientID: "kwk_abcdefghijklmnopqrst", Tenant: "default", Scope: "read write",
	}
	data, err = json.Marshal(IntrospectionOf(c))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"active":true,"scope":"read write","client_id":"kwk_abcdefghijklmnopqrst","token_type":"Bearer",` +
		`"exp":1772370000,"iat":1772366400,"sub":"ci-bot","aud":"https://keyward.test","iss":"https://keyward.test",` +
		`"jti":"jti-1","tenant":"default"}`
	if string(data) != want {
		t.Errorf("active =\n%s\nwant\n%s", data, want)
	}
}
