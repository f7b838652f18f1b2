//go:build !darwin && !windows

package realkeyring

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/credstore"
)

// These tests break the D-Bus session bus the Secret Service is reached
// through. They need no keyring and always run.

func init() {
	helpers["unreachable-bus"] = unreachableBusHelper
	helpers["silent-bus"] = silentBusHelper
}

// TestUnreachableBusFailsClearly points D-Bus at a socket that does not
// exist. It runs in a child process: godbus keeps the first session bus
// connection for the life of the process, so this process may already be
// talking to a real bus.
func TestUnreachableBusFailsClearly(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=unreachable-bus", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	if !strings.HasPrefix(got, "no OS keyring available (") || !strings.HasSuffix(got, credstore.Alternatives) {
		t.Errorf("message %q does not say there is no keyring and what to use instead", got)
	}
}

// unreachableBusHelper is the child of TestUnreachableBusFailsClearly. It
// exits 1 unless every call fails as unavailable (not as a timeout: an
// unreachable bus must fail at once) and prints the message.
func unreachableBusHelper() {
	k := credstore.NewKeyring()
	_, getErr := k.Get("keyward-test-unreachable")
	for _, err := range []error{getErr, k.Set("keyward-test-unreachable", "kws_x"), k.Delete("keyward-test-unreachable")} {
		if !errors.Is(err, credstore.ErrUnavailable) {
			fmt.Printf("want ErrUnavailable, got %v\n", err)
			os.Exit(1)
		}
	}
	fmt.Println(getErr)
}

// TestSilentBusTimesOut points D-Bus at a socket that accepts connections
// and never answers, like a wedged bus or keyring daemon: the real go-keyring
// call hangs, and the Keyring's timeout must turn that into a clear error.
func TestSilentBusTimesOut(t *testing.T) {
	dir, err := os.MkdirTemp("", "kw") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	socket := filepath.Join(dir, "bus")
	listener, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = listener.Close() })
	go func() {
		var held []net.Conn // never read from, never answered
		for {
			conn, err := listener.Accept()
			if err != nil {
				for _, c := range held {
					_ = c.Close()
				}
				return
			}
			held = append(held, conn)
		}
	}()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=silent-bus", "DBUS_SESSION_BUS_ADDRESS=unix:path="+socket)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	want := "OS keyring did not answer within 100ms (is it locked or missing?); " + credstore.Alternatives
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
}

// silentBusHelper is the child of TestSilentBusTimesOut. It exits 1 unless
// the call times out, and prints the message.
func silentBusHelper() {
	k := &credstore.Keyring{Timeout: 100 * time.Millisecond}
	_, err := k.Get("keyward-test-silent")
	if !errors.Is(err, credstore.ErrTimeout) {
		fmt.Printf("want ErrTimeout, got %v\n", err)
		os.Exit(1)
	}
	fmt.Println(err)
}
