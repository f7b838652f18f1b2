package token

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

func TestNewMetadata(t *testing.T) {
	tests := []struct {
		name, issuer, base, wantBase string
	}{
		{"issuer is the base", "https://keyward.example.com", "", "https://keyward.example.com"},
		{"trailing slash", "https://keyward.example.com/", "", "https://keyward.example.com"},
		{"loopback http", "http://127.0.0.1:8443", "", "http://127.0.0.1:8443"},
		{"base under a path", "https://id.example.com", "https://gw.example.com/keyward/", "https://gw.example.com/keyward"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMetadata(tt.issuer, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			methods := []any{"client_secret_basic", "client_secret_post"}
			want := map[string]any{
				"issuer":                                tt.issuer,
				"token_endpoint":                        tt.wantBase + "/oauth/token",
				"jwks_uri":                              tt.wantBase + "/.well-known/jwks.json",
				"introspection_endpoint":                tt.wantBase + "/oauth/introspect",
				"revocation_endpoint":                   tt.wantBase + "/oauth/revoke",
				"response_types_supported":              []any{},
				"grant_types_supported":                 []any{"client_credentials"},
				"token_endpoint_auth_methods_supported": methods,
				"introspection_endpoint_auth_methods_supported": methods,
				"revocation_endpoint_auth_methods_supported":    methods,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("metadata\n got %s\nwant %v", data, want)
			}
		})
	}
}

func TestNewMetadataRefusesBadURLs(t *testing.T) {
	for _, tt := range []struct{ issuer, base, field string }{
		{"keyward.example.com", "", "issuer"},
		{"/relative", "", "issuer"},
		{"ftp://keyward.example.com", "", "issuer"},
		{"https://keyward.example.com?x=1", "", "issuer"},
		{"https://keyward.example.com#frag", "", "issuer"},
		{"https://keyward.example.com", "not a url", "baseURL"},
	} {
		_, err := NewMetadata(tt.issuer, tt.base)
		if domain.CodeOf(err) != domain.CodeInvalid {
			t.Errorf("NewMetadata(%q, %q) = %v; want invalid", tt.issuer, tt.base, err)
			continue
		}
		if e := err.(*domain.Error); e.Fields[tt.field] == "" {
			t.Errorf("NewMetadata(%q, %q) = %v; want field %s", tt.issuer, tt.base, err, tt.field)
		}
	}
}
