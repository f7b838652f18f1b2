package root_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAuditListOnTerminal: on a terminal the DETAIL column is cut at 40
// cells and ends in "…"; the full detail is in -o json and piped output
// (testdata/script/key_rotate.txtar).
func TestAuditListOnTerminal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEYWARD_DB", filepath.Join(dir, "keyward.db"))
	t.Setenv("KEYWARD_CONFIG", filepath.Join(dir, "config.yaml"))
	t.Setenv("NO_COLOR", "1")
	for _, args := range [][]string{
		{"serviceuser", "create", "bot", "--no-key"},
		{"key", "generate", "bot", "--name", "deploy", "--secret-file", filepath.Join(dir, "deploy.secret")},
		{"key", "rotate", "bot/deploy", "--grace", "1h", "--secret-file", filepath.Join(dir, "rotated.secret")},
	} {
		if code, _, errOut := runOnTTY(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	code, out, errOut := runOnTTY(t, "audit", "list", "--action", "key:rotate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// "successor kwk_<20>; kwk_<20> revoked at …" is 88 characters.
	cut := regexp.MustCompile(`│ successor kwk_[a-z2-7]{20}; kwk… │`)
	if !strings.Contains(out, "DETAIL") || !cut.MatchString(out) || strings.Contains(out, "revoked at") {
		t.Errorf("want DETAIL cut at 40 cells:\n%s", out)
	}
	code, out, _ = runOnTTY(t, "audit", "list", "--action", "serviceuser:create")
	if code != 0 || !regexp.MustCompile(`│ success │ - +│`).MatchString(out) {
		t.Errorf("an empty detail should print -:\n%s", out)
	}
}
