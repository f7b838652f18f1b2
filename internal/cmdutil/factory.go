// Package cmdutil holds what every command shares: the Factory that hands
// out streams, settings, printers and the backend lazily (so --help and
// version never open a database), confirmation, and the one mapping from
// errors to exit codes.
package cmdutil

import (
	"context"
	"errors"
	"os"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/credentials"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Mode says whether a command only reads (the database is opened read-only
// and never created) or also writes.
type Mode int

// Access modes.
const (
	ReadOnly Mode = iota
	ReadWrite
)

// Keys of the settings bound to flags, environment (KEYWARD_*) and profiles.
// Nothing else is read from the environment; never --yes.
const (
	KeyDB      = "db"
	KeyTenant  = "tenant"
	KeyProfile = "profile"
	KeyServer  = "server"
	KeyCAFile  = "ca-file"
	KeyOutput  = "output"
	KeyConfig  = "config"
	KeyNoColor = "no-color"
)

// Factory gives commands their dependencies, each made on first use.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Now is the clock handed to the local service (tests inject one).
	Now func() time.Time
	// LockTimeout bounds the wait for the database lock (default 1 s;
	// shell completion uses ~100 ms).
	LockTimeout time.Duration
	// Bulk opens a local database for writing many records (apply).
	Bulk bool
	// NewRemote makes the backend of a remote profile. It authenticates with
	// f.TokenSource(ctx).
	NewRemote func(ctx context.Context, f *Factory, s *Settings) (backend.Backend, error)
	// Keyring is the OS keyring holding remote profiles' secrets and tokens;
	// nil means credstore.NewKeyring() (tests inject one).
	Keyring credstore.Store

	viper *viper.Viper
	flags *pflag.FlagSet

	once     sync.Once
	settings *Settings
	err      error
	backends []backend.Backend

	tokenSource *credentials.Source
}

// Settings are the resolved global settings: flag > env > profile > default.
type Settings struct {
	ConfigPath  string
	Config      *config.File
	ProfileName string
	Profile     *config.Profile // nil when no profile applies
	DB          string
	Tenant      string
	Server      string
	CAFile      string // PEM CA certificates trusted for Server; empty: the system's
	Output      output.Options
	Yes         bool
}

// New returns a Factory over io. BindFlags must be called with the root's
// persistent flags before Settings is used.
func New(io *iostreams.IOStreams) *Factory {
	return &Factory{IOStreams: io, Now: time.Now, NewRemote: RemoteBackend}
}

// BindFlags connects the global flags. Only db, tenant, profile, server,
// output, config and no-color are bound to KEYWARD_* environment variables
// (SPEC: CLI conventions); ca-file is a flag or a profile setting only.
func (f *Factory) BindFlags(flags *pflag.FlagSet) {
	f.flags = flags
	f.viper = viper.New()
	for _, key := range []string{KeyDB, KeyTenant, KeyProfile, KeyServer, KeyCAFile, KeyOutput, KeyConfig, KeyNoColor} {
		if fl := flags.Lookup(key); fl != nil {
			_ = f.viper.BindPFlag(key, fl)
		}
		if key != KeyCAFile {
			_ = f.viper.BindEnv(key, "KEYWARD_"+strings.ToUpper(strings.ReplaceAll(key, "-", "_")))
		}
	}
}

// Settings resolves the global settings once, reading the config file.
func (f *Factory) Settings() (*Settings, error) {
	f.once.Do(func() { f.settings, f.err = f.resolve() })
	return f.settings, f.err
}

func (f *Factory) resolve() (*Settings, error) {
	v := f.viper
	s := &Settings{}
	path, cfg, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	s.ConfigPath, s.Config = path, cfg
	s.ProfileName = v.GetString(KeyProfile)
	if s.ProfileName == "" {
		s.ProfileName = cfg.CurrentProfile
	}
	if s.ProfileName != "" {
		p, ok := cfg.Profiles[s.ProfileName]
		if !ok {
			return nil, domain.NotFound("profile %q not found in %s", s.ProfileName, s.ConfigPath).WithHint("see `keyward profile list`")
		}
		s.Profile = p
		v.SetDefault(KeyDB, p.DB)
		v.SetDefault(KeyTenant, p.Tenant)
		v.SetDefault(KeyServer, p.Server)
		v.SetDefault(KeyCAFile, p.CAFile)
	}
	s.DB = v.GetString(KeyDB)
	if s.DB == "" || s.DB == config.DBPathDoc {
		s.DB = config.DefaultDBPath(os.Getenv)
	}
	s.Tenant = v.GetString(KeyTenant)
	if s.Tenant == "" {
		s.Tenant = domain.DefaultTenant
	}
	s.Server = v.GetString(KeyServer)
	s.CAFile = v.GetString(KeyCAFile)
	if s.Output, err = f.OutputOptions(); err != nil {
		return nil, err
	}
	s.Yes, _ = f.flags.GetBool("yes")
	return s, nil
}

// ConfigFile reads the config file (--config, KEYWARD_CONFIG or the
// default path) without resolving a profile. A missing file is empty.
func (f *Factory) ConfigFile() (path string, cfg *config.File, err error) {
	path = f.viper.GetString(KeyConfig)
	if path == "" || path == config.ConfigPathDoc {
		path = config.DefaultConfigPath(os.Getenv)
	}
	cfg, err = config.Load(f.viper, path)
	return path, cfg, err
}

// OutputOptions resolves the output flags (and KEYWARD_OUTPUT,
// KEYWARD_NO_COLOR) without reading the config file, so version and errors
// print even when the config is broken.
func (f *Factory) OutputOptions() (output.Options, error) {
	var o output.Options
	var err error
	if o.Format, err = output.ParseFormat(f.viper.GetString(KeyOutput)); err != nil {
		return o, err
	}
	if f.viper.GetBool(KeyNoColor) {
		f.IOStreams.SetColorEnabled(false)
	}
	o.Quiet, _ = f.flags.GetBool("quiet")
	o.NoHeaders, _ = f.flags.GetBool("no-headers")
	return o, nil
}

// Printer returns the printer for the global output flags.
func (f *Factory) Printer() (*output.Printer, error) {
	o, err := f.OutputOptions()
	if err != nil {
		return nil, err
	}
	return &output.Printer{IO: f.IOStreams, Opts: o}, nil
}

// Tenant returns the tenant commands act in (--tenant, KEYWARD_TENANT, the
// profile's, or "default").
func (f *Factory) Tenant() (string, error) {
	s, err := f.Settings()
	if err != nil {
		return "", err
	}
	return s.Tenant, nil
}

// Backend opens the backend: the remote server of the profile or --server,
// else the local database (read-only and never created in ReadOnly mode).
func (f *Factory) Backend(ctx context.Context, mode Mode) (backend.Backend, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	var b backend.Backend
	if s.Server != "" {
		if f.NewRemote == nil {
			return nil, errors.New("this keyward cannot talk to a server")
		}
		b, err = f.NewRemote(ctx, f, s)
	} else {
		b, err = f.Local(mode)
	}
	if err != nil {
		return nil, err
	}
	f.backends = append(f.backends, b)
	return b, nil
}

// Local opens the local service over the database file.
func (f *Factory) Local(mode Mode) (*service.Service, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	db, err := boltstore.Open(s.DB, boltstore.Options{ReadOnly: mode == ReadOnly, Timeout: f.LockTimeout, Bulk: f.Bulk && mode == ReadWrite})
	if err != nil {
		return nil, err
	}
	opts := service.Options{Now: f.Now}
	if mode == ReadWrite {
		// Only writes are audited; looking up the OS user costs a read of
		// the user database (or an NSS call) that reads can skip.
		opts.Actor = LocalActor()
	}
	return service.New(db, opts), nil
}

// Close closes every backend handed out.
func (f *Factory) Close() error {
	var errs []error
	for _, b := range f.backends {
		errs = append(errs, b.Close())
	}
	f.backends = nil
	return errors.Join(errs...)
}

// LocalActor names the operator of the local CLI in audit events:
// "local:<os user>".
func LocalActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "local:" + u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return "local:" + n
	}
	return "local:unknown"
}

// TenantBackend returns the tenant commands act in and the backend opened
// in mode: what nearly every command needs first.
func (f *Factory) TenantBackend(ctx context.Context, mode Mode) (string, backend.Backend, error) {
	tenant, err := f.Tenant()
	if err != nil {
		return "", nil, err
	}
	b, err := f.Backend(ctx, mode)
	if err != nil {
		return "", nil, err
	}
	return tenant, b, nil
}
