// Package config reads keyward's config file and environment (through a
// viper instance, never the package-level one) and writes the file itself:
// a typed struct, a temp file renamed into place, mode 0600. No secret is
// ever written to it.
package config

import (
	"os"
	"path/filepath"
)

// Getenv looks up an environment variable; tests pass their own.
type Getenv func(string) string

// xdgDir returns $env/keyward, or ~/fallback/keyward when env is unset.
func xdgDir(getenv Getenv, env, fallback string) string {
	if d := getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "keyward")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, fallback, "keyward")
}

// DefaultDBPath is $XDG_DATA_HOME/keyward/keyward.db (or ~/.local/share/…).
func DefaultDBPath(getenv Getenv) string {
	return filepath.Join(xdgDir(getenv, "XDG_DATA_HOME", ".local/share"), "keyward.db")
}

// DefaultConfigPath is $XDG_CONFIG_HOME/keyward/config.yaml (or ~/.config/…).
func DefaultConfigPath(getenv Getenv) string {
	return filepath.Join(xdgDir(getenv, "XDG_CONFIG_HOME", ".config"), "config.yaml")
}

// StateDir is $XDG_STATE_HOME/keyward (or ~/.local/state/keyward).
func StateDir(getenv Getenv) string { return xdgDir(getenv, "XDG_STATE_HOME", ".local/state") }

// Documented forms of the defaults, for help text and generated docs (the
// same on every machine).
const (
	DBPathDoc     = "$XDG_DATA_HOME/keyward/keyward.db"
	ConfigPathDoc = "$XDG_CONFIG_HOME/keyward/config.yaml"
)
