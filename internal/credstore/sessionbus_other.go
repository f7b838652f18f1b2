//go:build darwin || windows

package credstore

// sessionBusCheck has nothing to check where the keyring is not on D-Bus.
func sessionBusCheck() error { return nil }
