// Package tenant implements `keyward tenant`.
package tenant

import (
	"strconv"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/output"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// NewCmdTenant returns `keyward tenant` and its subcommands.
func NewCmdTenant(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant <command>",
		Short: "Manage tenants: isolated namespaces with their own settings",
		Long: `A tenant is an isolated namespace of service users, keys and policies,
with settings that govern them. The first write to a database creates the
"default" tenant and the reserved "system" tenant, whose Administrators may
act in every tenant.`,
		Example: `  keyward tenant create acme --name "Acme Corp" --require-email
  keyward tenant update acme --key-ttl-max 180d
  keyward tenant list`,
	}
	cmd.AddCommand(newCmdCreate(f, nil), newCmdList(f, nil), newCmdShow(f, nil), newCmdUpdate(f, nil), newCmdDelete(f, nil))
	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
		"create": cobra.NoFileCompletions,
		"list":   cobra.NoFileCompletions,
		"show":   cmdutil.CompleteArgs(cmdutil.CompleteTenants(f)),
		"update": cmdutil.CompleteArgs(cmdutil.CompleteTenants(f)),
		"delete": cmdutil.CompleteArgs(cmdutil.CompleteTenants(f)),
	})
	return cmd
}

// settingsFlags binds one flag per tenant setting; Patch returns only the
// flags the user set.
type settingsFlags struct {
	maxActiveKeys                                                       int
	keyTTLDefault, keyTTLMax, tokenTTL                                  string
	requireKeyExpiry, requireKeyName, requireEmail, requireGroup, oneKT bool
	tokenReuse                                                          bool
}

func (s *settingsFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&s.maxActiveKeys, "max-active-keys-per-user", 2, "active keys allowed per service user (1..10)")
	fs.StringVar(&s.keyTTLDefault, "key-ttl-default", "90d", "expiry of keys generated without one (e.g. 90d, 12h, or never)")
	fs.StringVar(&s.keyTTLMax, "key-ttl-max", "", `longest key lifetime allowed ("none" for no maximum)`)
	fs.BoolVar(&s.requireKeyExpiry, "require-key-expiry", false, "refuse keys that never expire")
	fs.BoolVar(&s.requireKeyName, "require-key-name", false, "require a name for every key")
	fs.BoolVar(&s.requireEmail, "require-email", false, "require an e-mail address for every service user")
	fs.BoolVar(&s.requireGroup, "require-group", false, "require at least one group for every service user")
	fs.BoolVar(&s.oneKT, "one-key-per-type", false, "allow one active key per key type per user")
	fs.StringVar(&s.tokenTTL, "token-ttl", "1h", "lifetime of bearer tokens (60s..24h)")
	fs.BoolVar(&s.tokenReuse, "token-reuse", true, "return a cached token with at least half its life left instead of a new one")
}

func (s *settingsFlags) patch(fs *pflag.FlagSet) domain.TenantSettingsPatch {
	var p domain.TenantSettingsPatch
	set := func(name string) bool { return fs.Changed(name) }
	if set("max-active-keys-per-user") {
		p.MaxActiveKeysPerUser = &s.maxActiveKeys
	}
	if set("key-ttl-default") {
		p.KeyTTLDefault = &s.keyTTLDefault
	}
	if set("key-ttl-max") {
		p.KeyTTLMax = &s.keyTTLMax
	}
	if set("token-ttl") {
		p.TokenTTL = &s.tokenTTL
	}
	for name, dst := range map[string]**bool{
		"require-key-expiry": &p.RequireKeyExpiry, "require-key-name": &p.RequireKeyName,
		"require-email": &p.RequireEmail, "require-group": &p.RequireGroup,
		"one-key-per-type": &p.OneKeyPerType, "token-reuse": &p.TokenReuse,
	} {
		if set(name) {
			v, _ := fs.GetBool(name)
			*dst = &v
		}
	}
	return p
}

// table is the list view of tenants.
func table(ts []domain.Tenant) output.Table {
	t := output.Table{Headers: []string{"ID", "NAME", "MAX KEYS", "KEY TTL", "KEY TTL MAX", "TOKEN TTL", "CREATED"}}
	for _, x := range ts {
		t.Rows = append(t.Rows, []string{x.ID, x.Name, strconv.Itoa(x.Settings.MaxActiveKeysPerUser),
			x.Settings.KeyTTLDefault.String(), ttlMax(x.Settings), x.Settings.TokenTTL.String(), output.Time(x.CreatedAt)})
	}
	return t
}

func ttlMax(s domain.TenantSettings) string {
	if s.KeyTTLMax == nil {
		return "none"
	}
	return s.KeyTTLMax.String()
}

// fields is the show view of a tenant.
func fields(x domain.Tenant) [][2]string {
	s := x.Settings
	b := strconv.FormatBool
	return [][2]string{
		{"id", x.ID}, {"name", x.Name},
		{"maxActiveKeysPerUser", strconv.Itoa(s.MaxActiveKeysPerUser)},
		{"keyTtlDefault", s.KeyTTLDefault.String()}, {"keyTtlMax", ttlMax(s)},
		{"requireKeyExpiry", b(s.RequireKeyExpiry)}, {"requireKeyName", b(s.RequireKeyName)},
		{"requireEmail", b(s.RequireEmail)}, {"requireGroup", b(s.RequireGroup)},
		{"oneKeyPerType", b(s.OneKeyPerType)}, {"tokenTtl", s.TokenTTL.String()}, {"tokenReuse", b(s.TokenReuse)},
		{"createdAt", output.Time(x.CreatedAt)}, {"updatedAt", output.Time(x.UpdatedAt)},
	}
}

func printTenant(f *cmdutil.Factory, t domain.Tenant) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	return p.Object(t, t.ID, fields(t))
}
