package profile_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/zalando/go-keyring"
)

// These tests replace the OS keyring with go-keyring's in-memory mock for
// the whole test binary (keyring.MockInit); the real keyring is exercised by
// internal/credentials/realkeyring and the keyring.txtar script.

type env struct {
	t      *testing.T
	config string
	server *credentialstest.Server
	kr     *credstore.Keyring
}

func newEnv(t *testing.T) *env {
	t.Helper()
	// credstore refuses early without a session bus; the mock never dials.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keyward-mock-keyring")
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	for _, k := range []string{"KEYWARD_TOKEN", "KEYWARD_ACCESS_KEY_ID", "KEYWARD_SECRET", "KEYWARD_PROFILE", "KEYWARD_SERVER"} {
		t.Setenv(k, "")
	}
	keyring.MockInit()
	e := &env{t: t, config: filepath.Join(t.TempDir(), "config.yaml"), kr: credstore.NewKeyring()}
	e.server = credentialstest.NewServer(t, credentialstest.Options{})
	if code, _, stderr := e.run(nil, "", "profile", "add", "prod", "--server", e.server.URL, "--access-key-id", e.server.KeyID); code != 0 {
		t.Fatalf("profile add: %s", stderr)
	}
	return e
}

// run runs keyward with stdin; tty says whether stdin is a terminal.
func (e *env) run(tty *bool, stdin string, args ...string) (int, string, string) {
	io, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	if tty != nil {
		io.SetTTY(*tty, false)
	}
	f := cmdutil.New(io)
	f.Keyring = e.kr
	code := root.Run(context.Background(), f, append([]string{"--config", e.config}, args...))
	return code, out.String(), errOut.String()
}

func TestLoginReadsTheSecretAtAPromptOnATerminal(t *testing.T) {
	e := newEnv(t)
	tty := true
	code, stdout, stderr := e.run(&tty, e.server.Secret+"\n", "profile", "login", "prod")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout+stderr, e.server.Secret) {
		t.Fatal("the secret was echoed")
	}
	if got, err := e.kr.Get("prod"); err != nil || got != e.server.Secret {
		t.Fatalf("secret not in the keyring under account prod: %v", err)
	}
	if _, err := e.kr.Get("prod:token"); err != nil {
		t.Fatalf("token not cached under prod:token: %v", err)
	}
	code, stdout, _ = e.run(nil, "", "profile", "show", "-o", "json")
	if code != 0 || !strings.Contains(stdout, `"credential": "keyring"`) {
		t.Fatalf("profile show: %s", stdout)
	}
}

func TestLoginDefaultsToTheCurrentProfile(t *testing.T) {
	e := newEnv(t)
	code, stdout, stderr := e.run(nil, e.server.Secret+"\n", "profile", "login", "--secret-stdin", "-o", "json")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"profile": "prod"`, `"storedIn": "keyring"`, `"storedInFile": null`, `"tokenExpiresAt": "`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("login -o json lacks %s:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, e.server.Secret) || strings.Contains(stdout, "eyJ") {
		t.Error("login -o json printed the secret or the token")
	}
}

func TestLoginRefusesALocalProfile(t *testing.T) {
	e := newEnv(t)
	e.run(nil, "", "profile", "add", "dev", "--db", filepath.Join(t.TempDir(), "dev.db"))
	code, _, stderr := e.run(nil, e.server.Secret+"\n", "profile", "login", "dev", "--secret-stdin")
	if code != cmdutil.ExitUsage || !strings.Contains(stderr, `profile: "dev" is a local profile; only remote profiles (--server) log in`) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestRemoveDeletesKeyringEntries(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run(nil, e.server.Secret+"\n", "profile", "login", "prod", "--secret-stdin"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := e.run(nil, "", "profile", "remove", "prod"); code != 0 {
		t.Fatal(stderr)
	}
	for _, account := range []string{"prod", "prod:token"} {
		if _, err := e.kr.Get(account); err == nil {
			t.Errorf("account %s left in the keyring", account)
		}
	}
}

func TestReplacingTheKeyDeletesTheOldSecret(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run(nil, e.server.Secret+"\n", "profile", "login", "prod", "--secret-stdin"); code != 0 {
		t.Fatal(stderr)
	}
	// Same key, other tenant: nothing is dropped.
	e.run(nil, "", "profile", "add", "prod", "--server", e.server.URL, "--access-key-id", e.server.KeyID, "--tenant", "acme")
	if _, err := e.kr.Get("prod:token"); err != nil {
		t.Fatalf("token dropped though server and key are unchanged: %v", err)
	}
	code, _, stderr := e.run(nil, "", "profile", "add", "prod", "--server", e.server.URL, "--access-key-id", "kwk_aaaaaaaaaaaaaaaaaaaa")
	if code != 0 || !strings.Contains(stderr, "Deleted the stored secret of access key "+e.server.KeyID) {
		t.Fatalf("exit %d: %q", code, stderr)
	}
	for _, account := range []string{"prod", "prod:token"} {
		if _, err := e.kr.Get(account); err == nil {
			t.Errorf("account %s of the old key left in the keyring", account)
		}
	}
}
