//go:build !darwin && !windows

package credstore

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindSessionBus(t *testing.T) {
	withBus := t.TempDir()
	if err := os.WriteFile(filepath.Join(withBus, "bus"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	withAddressFile := t.TempDir()
	if err := os.WriteFile(filepath.Join(withAddressFile, "dbus-session"), []byte("DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(address string) func(string) string {
		return func(name string) string {
			if name == "DBUS_SESSION_BUS_ADDRESS" {
				return address
			}
			return ""
		}
	}
	tests := []struct {
		name       string
		address    string
		runUserDir string
		found      bool
	}{
		{"address set", "unix:path=/nonexistent", t.TempDir(), true},
		{"systemd bus socket", "", withBus, true},
		{"systemd address file", "", withAddressFile, true},
		{"nothing", "", t.TempDir(), false},
		{"no runtime dir", "", filepath.Join(t.TempDir(), "missing"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := findSessionBus(env(tt.address), tt.runUserDir)
			if (err == nil) != tt.found {
				t.Errorf("findSessionBus = %v, want found=%v", err, tt.found)
			}
		})
	}
}
