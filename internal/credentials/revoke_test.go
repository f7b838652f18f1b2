package credentials

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
)

func TestRevokeTheCachedToken(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	raw := f.token(f.source())
	res, err := f.source().Revoke("")
	if err != nil {
		t.Fatal(err)
	}
	revoked, auth := f.server.Revoked(raw)
	if !revoked || res.Token != raw || !res.Cleared {
		t.Fatalf("revoked %v, result %+v", revoked, res)
	}
	if len(auth) != 1 || auth[0] != "basic:"+f.server.KeyID {
		t.Fatalf("revocation authenticated as %q; want HTTP Basic with the key id", auth)
	}
	if f.cached() != "" {
		t.Fatal("the revoked token is still cached")
	}
	if _, err := f.source().Revoke(""); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("Revoke with nothing cached = %v; want not found", err)
	}
}

func TestRevokeAGivenToken(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.login()
	cached := f.token(f.source())
	other, err := f.source().Issue()
	if err != nil {
		t.Fatal(err)
	}
	// The cached token is now other; revoke the first one explicitly.
	res, err := f.source().Revoke(cached)
	if err != nil || res.Cleared {
		t.Fatalf("Revoke(first) = %+v, %v", res, err)
	}
	if revoked, _ := f.server.Revoked(cached); !revoked {
		t.Fatal("not revoked")
	}
	if f.cached() != other.Token.AccessToken {
		t.Fatal("revoking another token removed the cached one")
	}
}

func TestRevokeNeedsTheSecret(t *testing.T) {
	f := newFixture(t, credentialstest.Options{})
	f.env[credstore.EnvToken] = "eyJ.env.token"
	_, err := f.source().Revoke("")
	if domain.CodeOf(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "revoking a token needs the access key's secret") {
		t.Fatalf("Revoke with KEYWARD_TOKEN only = %v", err)
	}
	if revoked, _ := f.server.Revoked("eyJ.env.token"); revoked {
		t.Fatal("a request was sent")
	}
	// The function itself can send an unauthenticated request (RFC 7009
	// allows it for public clients); keyward's own server refuses it.
	if err := Revoke(t.Context(), Target{Server: f.server.URL}, "eyJ.env.token", "", ""); err != nil {
		t.Fatal(err)
	}
	if revoked, auth := f.server.Revoked("eyJ.env.token"); !revoked || auth[0] != "none" {
		t.Fatalf("revoked %v auth %q", revoked, auth)
	}
}

func TestRevokeErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		code   domain.Code
		want   string
	}{
		{http.StatusNotFound, "", domain.CodeInternal, "has no token revocation endpoint"},
		{http.StatusServiceUnavailable, "", domain.CodeInternal, "cannot revoke tokens right now (HTTP 503); retry later"},
		{http.StatusUnauthorized, `{"error":"invalid_client","error_description":"wrong secret"}`, domain.CodeUnauthenticated, "refused access key kwk_x: wrong secret"},
		{http.StatusBadRequest, `{"error":"unsupported_token_type"}`, domain.CodeInvalid, "does not revoke access tokens"},
		{http.StatusBadRequest, `{"error":"unauthorized_client","error_description":"the token was not issued to this access key"}`, domain.CodeDenied, "refused access key kwk_x: the token was not issued to this access key"},
		{http.StatusBadRequest, `{"error":"invalid_request","error_description":"token is missing"}`, domain.CodeInternal, "answered HTTP 400: invalid_request: token is missing"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		err := Revoke(t.Context(), Target{Server: srv.URL}, "eyJ.a.b", "kwk_x", "kws_y")
		srv.Close()
		if domain.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("HTTP %d: %v; want %s containing %q", tc.status, err, tc.code, tc.want)
		}
	}
}
