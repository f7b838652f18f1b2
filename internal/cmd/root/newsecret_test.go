package root_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/iostreams"
)

// runOnTTY runs keyward with stdout on a (pretend) terminal and returns the
// exit code, stdout and stderr.
func runOnTTY(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(false, true)
	f := cmdutil.New(ios)
	f.Now = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	code := root.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

// TestNewSecretOnTerminal: on a terminal the tenant id, key id and secret
// are printed once with a "shown once" warning; with --secret-file the
// secret is not printed and the warning names the file.
func TestNewSecretOnTerminal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEYWARD_DB", filepath.Join(dir, "keyward.db"))
	t.Setenv("KEYWARD_CONFIG", filepath.Join(dir, "config.yaml"))
	t.Setenv("NO_COLOR", "1")

	code, out, errOut := runOnTTY(t, "serviceuser", "create", "bot")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`tenant:\s+default`, `accessKeyId:\s+kwk_[a-z2-7]{20}`, `secret:\s+kws_[0-9A-Za-z]{49}`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("stdout lacks %s:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "shown only this once") || !strings.Contains(errOut, "Created service user bot in tenant default with access key kwk_") {
		t.Errorf("stderr = %q", errOut)
	}

	code, out, errOut = runOnTTY(t, "key", "generate", "bot", "--name", "deploy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	tenant := strings.Index(out, "tenant:")
	id := strings.Index(out, "id:")
	sec := strings.Index(out, "secret:")
	if tenant < 0 || id < tenant || sec < id || !regexp.MustCompile(`secret:\s+kws_[0-9A-Za-z]{49}\n`).MatchString(out) {
		t.Errorf("want tenant, id and secret in that order:\n%s", out)
	}
	if !strings.Contains(errOut, "! The secret is shown only this once") {
		t.Errorf("stderr = %q", errOut)
	}

	file := filepath.Join(dir, "rotated.secret")
	code, out, errOut = runOnTTY(t, "key", "rotate", "bot/deploy", "--grace", "1h", "--secret-file", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "kws_") || strings.Contains(errOut, "kws_") {
		t.Errorf("secret printed although it went to a file:\n%s\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "The secret was written to "+file+" (mode 0600)") ||
		!strings.Contains(errOut, "keeps working for 1h, then is revoked") {
		t.Errorf("stderr = %q", errOut)
	}
}
