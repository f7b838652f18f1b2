package root_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/credentials/credentialstest"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands and conditions for remote profiles, tokens and the OS
// keyring.
//
// Scripts that touch the real keyring ([keyring] condition) name their
// profiles kwt-$UNIQ-...: scripts and test packages run in parallel against
// one keyring session (and, on a developer's machine, against their own
// keyring), so names must never collide with each other or with real ones.

// requireKeyringEnv makes a missing keyring fail the [keyring] condition
// instead of skipping the script.
const requireKeyringEnv = "KEYWARD_TEST_REQUIRE_KEYRING"

var (
	keyringOnce sync.Once
	keyringErr  error
)

// scriptCondition answers [keyring]: whether the OS keyring of the test's
// session can be used. Under KEYWARD_TEST_REQUIRE_KEYRING=1 an unusable
// keyring is an error, so the script fails instead of skipping.
func scriptCondition(cond string) (bool, error) {
	if cond != "keyring" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	keyringOnce.Do(func() {
		_, err := credstore.NewKeyring().Get("keyward-script-probe-" + strings.ToLower(rand.Text()[:8]))
		if err != nil && !errors.Is(err, credstore.ErrNotFound) {
			keyringErr = err
		}
	})
	if keyringErr != nil && os.Getenv(requireKeyringEnv) == "1" {
		return false, fmt.Errorf("%s=1 but the OS keyring is not usable: %v", requireKeyringEnv, keyringErr)
	}
	return keyringErr == nil, nil
}

// uniqueName is a lower-case random suffix for keyring entry names.
func uniqueName() string { return strings.ToLower(rand.Text()[:10]) }

// cmdTokenServer starts a token server (client_credentials + RFC 7009
// revocation) in the test process for the rest of the script, on the
// script's test clock:
//
//	tokenserver [-tls] [-ttl DURATION]
//
// It sets $SERVER (base URL), $KEY_ID, $SECRET, $CA_FILE (with -tls) and
// writes the key's secret to $WORK/secret (one line).
func cmdTokenServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! tokenserver")
	}
	opts := credentialstest.Options{Now: scriptClock(ts.Getenv("KEYWARD_TEST_CLOCK_FILE"))}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-tls":
			opts.TLS = true
		case "-ttl":
			i++
			if i == len(args) {
				ts.Fatalf("usage: tokenserver [-tls] [-ttl DURATION]")
			}
			d, err := domain.ParseDuration(args[i])
			ts.Check(err)
			opts.TTL = d.D
		default:
			ts.Fatalf("usage: tokenserver [-tls] [-ttl DURATION]")
		}
	}
	srv, err := credentialstest.Start(opts)
	ts.Check(err)
	ts.Defer(srv.Close)
	ts.Setenv("SERVER", srv.URL)
	ts.Setenv("KEY_ID", srv.KeyID)
	ts.Setenv("SECRET", srv.Secret)
	ts.Setenv("CA_FILE", srv.CAFile)
	ts.Check(os.WriteFile(ts.MkAbs("secret"), []byte(srv.Secret+"\n"), 0o600))
}

// scriptClock reads the script's test clock file, like keyward does in
// runWithTestClock.
func scriptClock(path string) func() time.Time {
	return func() time.Time {
		raw, err := os.ReadFile(path)
		if err != nil {
			return time.Now()
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(raw)))
		if err != nil {
			return time.Now()
		}
		return t
	}
}

// cmdSilentBus points $DBUS_SESSION_BUS_ADDRESS at a socket that accepts
// connections and never answers, like a wedged keyring daemon:
//
//	silentbus
func cmdSilentBus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: silentbus")
	}
	dir, err := os.MkdirTemp("", "kw") // short: unix socket paths are limited
	ts.Check(err)
	socket := filepath.Join(dir, "bus")
	listener, err := net.Listen("unix", socket)
	ts.Check(err)
	var mu sync.Mutex
	var held []net.Conn // never read from, never answered
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, conn)
			mu.Unlock()
		}
	}()
	ts.Defer(func() {
		_ = listener.Close()
		mu.Lock()
		for _, c := range held {
			_ = c.Close()
		}
		mu.Unlock()
		_ = os.RemoveAll(dir)
	})
	ts.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+socket)
}
