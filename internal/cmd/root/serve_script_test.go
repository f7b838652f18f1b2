package root_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/cmd/serve"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/server/servertest"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestScriptsRemote runs every CLI scenario a second time against a live
// `keyward serve` (in-process, on 127.0.0.1:0, with the script's clock):
// KEYWARD_SERVER, KEYWARD_ACCESS_KEY_ID and KEYWARD_SECRET point the CLI at
// it as the system Administrator that the operator bootstrapped locally.
// Output, exit codes and errors must be those of the local run; scripts
// mark what is inherently local (database files, locks) with [!remote].
func TestScriptsRemote(t *testing.T) {
	p := scriptParams(t, "testdata/script")
	localSetup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		if err := localSetup(env); err != nil {
			return err
		}
		return startServe(env)
	}
	p.Condition = conditions(true)
	testscript.Run(t, p)
}

// startServe bootstraps a database with a system Administrator, runs
// `keyward serve` on it until the script ends, and checks afterwards that
// the server's log holds no secret and no token. The server's database is
// $SERVE_DB, not $DB: the CLI under test, pointed at the server, must never
// create or touch a local database.
func startServe(env *testscript.Env) error {
	dbPath := filepath.Join(env.WorkDir, "serve", "keyward.db")
	now := clockFile(env.Getenv("KEYWARD_TEST_CLOCK_FILE"))
	keyID, secret, err := bootstrapAdmin(dbPath, now)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(env.WorkDir, "admin.secret"), []byte(secret+"\n"), 0o600); err != nil {
		return err
	}
	logPath := filepath.Join(env.WorkDir, "serve.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	url, stop, err := runServe(&serve.Options{DBPath: dbPath, Addr: "127.0.0.1:0"}, logFile, now)
	if err != nil {
		logFile.Close()
		return err
	}
	env.Setenv("KEYWARD_SERVER", url)
	env.Setenv("KEYWARD_ACCESS_KEY_ID", keyID)
	env.Setenv("KEYWARD_SECRET", secret)
	env.Setenv("ACTOR", "serviceuser:system/admin")
	env.Setenv("SERVE_LOG", logPath)
	env.Setenv("SERVE_DB", dbPath)
	env.Setenv("ADMIN_KEY_ID", keyID)
	env.Defer(func() {
		if err := stop(); err != nil {
			env.T().Fatal("keyward serve: ", err)
		}
		logFile.Close()
		raw, err := os.ReadFile(logPath)
		if err != nil {
			env.T().Fatal(err)
		}
		for _, leak := range []string{secret, "kws_", "eyJ", "Authorization", "Bearer "} {
			if bytes.Contains(raw, []byte(leak)) {
				env.T().Fatal("the server log contains ", strings.TrimSpace(leak[:min(len(leak), 4)]), "…")
			}
		}
	})
	return nil
}

// bootstrapAdmin creates the database at dbPath (and its directory) with
// a system Administrator "admin" and returns its access key id and secret.
func bootstrapAdmin(dbPath string, now func() time.Time) (keyID, secret string, err error) {
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return "", "", err
	}
	svc, err := servertest.Bootstrap(dbPath, now)
	if err != nil {
		return "", "", err
	}
	keyID, secret, err = servertest.NewIdentity(svc, domain.SystemTenant, "admin", "Administrator")
	if cerr := svc.Close(); err == nil {
		err = cerr
	}
	return keyID, secret, err
}

// runServe runs `keyward serve` (serve.Run, in this process) with opts on
// the clock now, logging to log, until stop is called; stop returns
// serve's error. It returns once the server accepts connections.
func runServe(opts *serve.Options, log *os.File, now func() time.Time) (url string, stop func() error, err error) {
	ios, _, _, _ := iostreams.Test()
	ios.Out, ios.ErrOut = log, log
	opts.Factory = &cmdutil.Factory{IOStreams: ios, Now: now, LockTimeout: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	done := make(chan error, 1)
	opts.Listening = func(url string) { listening <- url }
	go func() { done <- serve.Run(ctx, opts) }()
	select {
	case url = <-listening:
	case err := <-done:
		cancel()
		return "", nil, fmt.Errorf("keyward serve: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		return "", nil, errors.New("keyward serve did not start")
	}
	return url, func() error { cancel(); return <-done }, nil
}
