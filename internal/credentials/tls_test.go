package credentials

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/domain"
)

func TestCAFileIsTrustedForTheServer(t *testing.T) {
	f := newFixture(t, credentialstest.Options{TLS: true})
	f.login()
	if !strings.HasPrefix(f.server.URL, "https://") {
		t.Fatal("not a TLS server")
	}
	f.token(f.source())

	// Without the CA file the certificate is not trusted, and the error says
	// what to do.
	cfg := f.config()
	cfg.CAFile = ""
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Issue()
	if err == nil || !strings.Contains(err.Error(), "cannot verify the TLS certificate of "+f.server.URL) || !strings.Contains(err.Error(), "--ca-file") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

func TestCAFileWithoutCertificates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewHTTPClient(path)
	if domain.CodeOf(err) != domain.CodeInvalid || err.Error() != "ca-file: "+path+" holds no PEM certificate" {
		t.Fatalf("NewHTTPClient = %v", err)
	}
}
