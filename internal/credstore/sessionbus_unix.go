//go:build !darwin && !windows

package credstore

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
)

// sessionBusCheck reports an error when godbus would find no session bus. In
// that case godbus runs dbus-launch, which (with dbus-x11 installed) starts a
// bus daemon that outlives keyward: one stray daemon per command in every
// headless shell. Refusing first keeps a missing keyring cheap and clean.
func sessionBusCheck() error {
	return findSessionBus(os.Getenv, filepath.Join("/run/user", strconv.Itoa(os.Getuid())))
}

// findSessionBus mirrors godbus's discovery: DBUS_SESSION_BUS_ADDRESS, then
// the bus socket or address file systemd puts in runUserDir.
func findSessionBus(getenv func(string) string, runUserDir string) error {
	if getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runUserDir, name)); err == nil {
			return nil
		}
	}
	return errors.New("no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set")
}
