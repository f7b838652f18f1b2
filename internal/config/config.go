package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// File is the config file's content.
type File struct {
	CurrentProfile string              `yaml:"current-profile,omitempty" mapstructure:"current-profile" json:"currentProfile"`
	Profiles       map[string]*Profile `yaml:"profiles,omitempty" mapstructure:"profiles" json:"profiles"`
}

// Profile is a named place to work: a local database, or a remote server
// with the access key id to authenticate as (its secret lives in the OS
// keyring, never here).
type Profile struct {
	DB          string `yaml:"db,omitempty" mapstructure:"db" json:"db"`
	Tenant      string `yaml:"tenant,omitempty" mapstructure:"tenant" json:"tenant"`
	Server      string `yaml:"server,omitempty" mapstructure:"server" json:"server"`
	AccessKeyID string `yaml:"access-key-id,omitempty" mapstructure:"access-key-id" json:"accessKeyId"`
	CAFile      string `yaml:"ca-file,omitempty" mapstructure:"ca-file" json:"caFile"`
}

// IsRemote reports whether the profile talks to a server.
func (p *Profile) IsRemote() bool { return p.Server != "" }

// CheckProfileName validates a profile name, `[a-z0-9][a-z0-9_.-]{0,62}`:
// lower case (viper folds keys to lower case, so names differing in case
// would collide).
func CheckProfileName(name string) error {
	ok := name != "" && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '.' || c == '-')
	}
	if !ok {
		return domain.Invalid("name", "%q is not a profile name; use lower-case letters, digits, '-', '_' and '.'", name)
	}
	return nil
}

// Load reads the config file at path into v (which also reads the
// environment) and returns its content. A missing file is an empty config; a
// corrupt one is an error naming the file and the line.
func Load(v *viper.Viper, path string) (*File, error) {
	f := &File{Profiles: map[string]*Profile{}}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config file %s: %w", path, err)
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
		var perr viper.ConfigParseError
		if errors.As(err, &perr) {
			err = errors.Unwrap(perr)
		}
		return nil, fmt.Errorf("config file %s is not valid YAML: %v", path, err)
	}
	// Decode the typed struct from the same bytes: viper folds map keys and
	// would lose nothing here, but the struct is what keyward writes back.
	if err := yaml.Unmarshal(raw, f); err != nil {
		return nil, fmt.Errorf("config file %s: %v", path, err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string]*Profile{}
	}
	return f, nil
}

// Save writes f to path atomically (temp file in the same directory, then
// rename), mode 0600, creating the directory 0700.
func Save(path string, f *File) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	raw, err := yaml.Marshal(f)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("write config file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("write config file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ProfileNames returns the profile names, sorted.
func (f *File) ProfileNames() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
