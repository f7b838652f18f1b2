package server_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
)

// TestClientCredentialsLibrary gets a token with golang.org/x/oauth2's
// clientcredentials, unmodified, by both client authentication methods, and
// calls the API with it.
func TestClientCredentialsLibrary(t *testing.T) {
	f := newFixture(t)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams, oauth2.AuthStyleAutoDetect} {
		cfg := clientcredentials.Config{ClientID: f.AdminKeyID, ClientSecret: f.AdminSecret, TokenURL: f.URL + "/oauth/token", AuthStyle: style}
		tok, err := cfg.Token(ctx)
		if err != nil {
			t.Fatalf("style %d: %v", style, err)
		}
		if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
			t.Fatalf("token = %+v", tok)
		}
		resp, err := cfg.Client(ctx).Get(f.URL + "/v1/tenants/default/serviceusers")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "[]" {
			t.Fatalf("GET serviceusers: %d %s", resp.StatusCode, body)
		}
	}
	bad := clientcredentials.Config{ClientID: f.AdminKeyID, ClientSecret: "kws_wrong", TokenURL: f.URL + "/oauth/token"}
	_, err := bad.Token(ctx)
	var re *oauth2.RetrieveError
	if !asRetrieveError(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != 401 {
		t.Fatalf("wrong secret: %v", err)
	}
}

func asRetrieveError(err error, re **oauth2.RetrieveError) bool {
	e, ok := err.(*oauth2.RetrieveError)
	*re = e
	return ok
}

// jwtParts decodes a token's header and claims.
func jwtParts(t *testing.T, raw string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

func TestTokenClaims(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot")
	status, tr := f.requestToken(t, nil, keyID, secret)
	if status != 200 || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 {
		t.Fatalf("token response: %d %+v", status, tr)
	}
	header, claims := jwtParts(t, tr.AccessToken)
	if header["typ"] != "at+jwt" || header["alg"] != "EdDSA" || header["kid"] == "" {
		t.Fatalf("header = %v", header)
	}
	now := f.clock.Now().Unix()
	want := map[string]any{"iss": f.URL, "aud": f.URL, "sub": "ci-bot", "client_id": keyID, "tenant": "default",
		"iat": float64(now), "exp": float64(now + 3600)}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	if jti, _ := claims["jti"].(string); len(jti) < 16 {
		t.Errorf("jti = %v", claims["jti"])
	}
}

// The token response must not be cached (RFC 6749 §5.1) and errors follow
// §5.2 with the Basic challenge on invalid_client.
func TestTokenEndpointProtocol(t *testing.T) {
	f := newFixture(t)
	post := func(body string, basic bool, keyID, secret string) (*http.Response, tokenResponse) {
		req, _ := http.NewRequest("POST", f.URL+"/oauth/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(keyID, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tr tokenResponse
		json.NewDecoder(resp.Body).Decode(&tr)
		return resp, tr
	}
	resp, tr := post("grant_type=client_credentials", true, f.AdminKeyID, f.AdminSecret)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Pragma") != "no-cache" {
		t.Fatalf("basic: %d %v", resp.StatusCode, resp.Header)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {f.AdminKeyID}, "client_secret": {f.AdminSecret}}
	if resp, tr = post(form.Encode(), false, "", ""); resp.StatusCode != 200 || tr.AccessToken == "" {
		t.Fatalf("form: %d %+v", resp.StatusCode, tr)
	}
	for _, tc := range []struct {
		name   string
		body   string
		basic  bool
		id, sc string
		status int
		code   string
	}{
		{"wrong secret", "grant_type=client_credentials", true, f.AdminKeyID, "kws_0000000000000000000000000000000000000000000000000", 401, "invalid_client"},
		{"unknown key", "grant_type=client_credentials", true, "kwk_aaaaaaaaaaaaaaaaaaaa", f.AdminSecret, 401, "invalid_client"},
		{"no credentials", "grant_type=client_credentials", false, "", "", 401, "invalid_client"},
		{"no grant type", "", true, f.AdminKeyID, f.AdminSecret, 400, "invalid_request"},
		{"password grant", "grant_type=password", true, f.AdminKeyID, f.AdminSecret, 400, "unsupported_grant_type"},
		{"both methods", form.Encode(), true, f.AdminKeyID, f.AdminSecret, 400, "invalid_request"},
	} {
		resp, tr := post(tc.body, tc.basic, tc.id, tc.sc)
		if resp.StatusCode != tc.status || tr.Error != tc.code || tr.Description == "" {
			t.Errorf("%s: %d %+v", tc.name, resp.StatusCode, tr)
		}
		if tc.status == 401 && resp.Header.Get("WWW-Authenticate") != `Basic realm="keyward"` {
			t.Errorf("%s: WWW-Authenticate = %q", tc.name, resp.Header.Get("WWW-Authenticate"))
		}
	}
	// Unknown key and wrong secret are indistinguishable.
	_, a := post("grant_type=client_credentials", true, f.AdminKeyID, "kws_0000000000000000000000000000000000000000000000000")
	_, b := post("grant_type=client_credentials", true, "kwk_aaaaaaaaaaaaaaaaaaaa", f.AdminSecret)
	if a != b {
		t.Errorf("wrong secret %+v differs from unknown key %+v", a, b)
	}
}

func TestTokenReuse(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot")
	first := f.token(t, keyID, secret)
	if again := f.token(t, keyID, secret); again != first {
		t.Fatal("tokenReuse: a second request got a different token")
	}
	f.clock.Advance(29 * time.Minute) // 31 of 60 minutes left
	_, tr := f.requestToken(t, nil, keyID, secret)
	if tr.AccessToken != first || tr.ExpiresIn != 31*60 {
		t.Fatalf("with 31m left: same=%v expires_in=%d", tr.AccessToken == first, tr.ExpiresIn)
	}
	f.clock.Advance(2 * time.Minute) // 29 minutes left: under half
	if next := f.token(t, keyID, secret); next == first {
		t.Fatal("a token with less than half its life left was reused")
	}

	off := false
	if _, err := f.Service.UpdateTenant(ctx, "default", backend.UpdateTenantInput{Settings: domain.TenantSettingsPatch{TokenReuse: &off}}); err != nil {
		t.Fatal(err)
	}
	a, b := f.token(t, keyID, secret), f.token(t, keyID, secret)
	if a == b {
		t.Fatal("tokenReuse false: the same token twice")
	}
}

// exp = min(now + tokenTtl, key expiry, rotation grace end).
func TestTokenExpiryBounds(t *testing.T) {
	f := newFixture(t)
	keyID, secret := f.identity(t, "default", "ci-bot")
	now := f.clock.Now()
	if _, err := f.Service.UpdateKey(ctx, "default", keyID, backend.UpdateKeyInput{Expires: ptr("10m")}); err != nil {
		t.Fatal(err)
	}
	_, tr := f.requestToken(t, nil, keyID, secret)
	if tr.ExpiresIn != 600 {
		t.Fatalf("key expiring in 10m: expires_in = %d", tr.ExpiresIn)
	}
	successor, err := f.Service.RotateKey(ctx, "default", keyID, backend.RotateKeyInput{Grace: "5m"})
	if err != nil {
		t.Fatal(err)
	}
	revokeAt := now.Add(5 * time.Minute)
	_, tr = f.requestToken(t, nil, keyID, secret)
	if _, claims := jwtParts(t, tr.AccessToken); claims["exp"] != float64(revokeAt.Unix()) || tr.ExpiresIn != 300 {
		t.Fatalf("grace ending in 5m: exp = %v, expires_in = %d", claims["exp"], tr.ExpiresIn)
	}
	if _, tr := f.requestToken(t, nil, successor.ID, successor.Secret); tr.ExpiresIn != 600 {
		t.Fatalf("the successor (same lifetime, from now): expires_in = %d", tr.ExpiresIn)
	}
	f.clock.Advance(5 * time.Minute)
	if status, tr := f.requestToken(t, nil, keyID, secret); status != 401 || !strings.Contains(tr.Description, "grace period has ended") {
		t.Fatalf("after the grace period: %d %+v", status, tr)
	}
}

func TestWellKnown(t *testing.T) {
	f := newFixture(t)
	resp, body := f.call(t, nil, "GET", "/.well-known/oauth-authorization-server", "", nil)
	var md map[string]any
	if err := json.Unmarshal(body, &md); err != nil || resp.StatusCode != 200 {
		t.Fatalf("metadata: %d %s", resp.StatusCode, body)
	}
	if md["issuer"] != f.URL || md["token_endpoint"] != f.URL+"/oauth/token" || md["jwks_uri"] != f.URL+"/.well-known/jwks.json" {
		t.Fatalf("metadata = %v", md)
	}
	methods, _ := md["token_endpoint_auth_methods_supported"].([]any)
	if len(methods) != 2 || methods[0] != "client_secret_basic" || methods[1] != "client_secret_post" {
		t.Fatalf("auth methods = %v", methods)
	}
	resp, body = f.call(t, nil, "GET", "/.well-known/jwks.json", "", nil)
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(body, &jwks); err != nil || resp.StatusCode != 200 || len(jwks.Keys) != 1 {
		t.Fatalf("jwks: %d %s", resp.StatusCode, body)
	}
	header, _ := jwtParts(t, f.token(t, f.AdminKeyID, f.AdminSecret))
	if k := jwks.Keys[0]; k["kid"] != header["kid"] || k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["d"] != "" {
		t.Fatalf("jwk = %v, token kid %v", k, header["kid"])
	}
	for _, probe := range []string{"/healthz", "/readyz"} {
		if resp, body := f.call(t, nil, "GET", probe, "", nil); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", probe, resp.StatusCode, body)
		}
	}
}

func ptr[T any](v T) *T { return &v }
