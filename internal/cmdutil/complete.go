package cmdutil

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/authz"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/domain"
	"github.com/spf13/cobra"
)

// Dynamic shell completion. The shell runs `keyward __complete <words>`
// on every TAB; cobra parses the words (so --db, --tenant and --profile
// already hold what the user typed) and calls the command's
// ValidArgsFunction or a flag's registered completion function. Those
// functions are built here, in one place, so every noun completes the same
// way:
//
//   - read-only: the local database is opened read-only (never created)
//     with a CompletionLockTimeout lock wait; a remote profile is asked
//     within CompletionTimeout;
//   - silent and fast: any error (locked database, broken config, server
//     down) yields no candidates and ShellCompDirectiveNoFileComp, never a
//     message, so the prompt is not disturbed.
//
// # Adding completion for a new noun
//
// Write a NameLister over the Backend method that lists the objects, then
// wire it to the positional arguments with CompleteArgs (or
// CompleteArgsVariadic for "NAME..."), e.g. for groups:
//
//	// in cmdutil/complete.go, next to CompleteServiceUsers:
//	func CompleteGroups(f *Factory) cobra.CompletionFunc {
//		return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
//			gs, err := b.ListGroups(ctx, tenant)
//			...
//			return names, nil // cobra.CompletionWithDesc(g.Name, g.Description)
//		})
//	}
//
//	// in the command:
//	ValidArgsFunction: cmdutil.CompleteArgsVariadic(cmdutil.CompleteGroups(f), cmdutil.CompleteServiceUsers(f)),
//
// and for a flag that takes such a name:
//
//	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
//
// Action names (policy check, --allow, --deny) complete from the catalog
// with CompleteActions, which needs no database.

// CompletionLockTimeout is how long completion waits for the database lock
// (a running `keyward serve` holds it): the shell is waiting.
const CompletionLockTimeout = 100 * time.Millisecond

// CompletionTimeout bounds one completion lookup against a remote server.
const CompletionTimeout = time.Second

// NameLister lists candidate names (optionally "name\tdescription", see
// cobra.CompletionWithDesc) of one kind of object in tenant.
type NameLister func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error)

// CompleteNames returns a completion function offering the names list
// returns for the current tenant, filtered by the prefix typed so far. It
// opens the backend read-only with the completion timeouts and fails
// silently.
func CompleteNames(f *Factory, list NameLister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(contextOf(cmd), CompletionTimeout)
		defer cancel()
		tenant, err := f.Tenant()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		b, err := f.completionBackend(ctx)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names, err := list(ctx, b, tenant)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(names, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// completionBackend opens the backend for completion: read-only, with the
// short lock timeout.
func (f *Factory) completionBackend(ctx context.Context) (backend.Backend, error) {
	f.LockTimeout = CompletionLockTimeout
	if f.Keyring == nil {
		// A remote profile's token comes from the keyring: a wedged one
		// must not hold the prompt for the usual 3 s.
		f.Keyring = &credstore.Keyring{Timeout: CompletionTimeout / 2}
	}
	return f.Backend(ctx, ReadOnly)
}

func contextOf(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// withPrefix keeps the candidates whose name starts with prefix and is not
// in exclude.
func withPrefix(names []cobra.Completion, prefix string, exclude []string) []cobra.Completion {
	out := make([]cobra.Completion, 0, len(names))
	for _, n := range names {
		name, _, _ := strings.Cut(n, "\t")
		if strings.HasPrefix(name, prefix) && !slices.Contains(exclude, name) {
			out = append(out, n)
		}
	}
	return out
}

// CompleteArgs completes the i-th positional argument with fns[i]; later
// arguments get no candidates (and no file names).
func CompleteArgs(fns ...cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= len(fns) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fns[len(args)](cmd, args, toComplete)
	}
}

// CompleteArgsVariadic is CompleteArgs whose last function also completes
// every further argument ("GROUP USER..."), leaving out names already given.
func CompleteArgsVariadic(fns ...cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(fns) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		i := min(len(args), len(fns)-1)
		names, directive := fns[i](cmd, args, toComplete)
		if len(args) >= len(fns)-1 {
			names = withPrefix(names, toComplete, args[len(fns)-1:])
		}
		return names, directive
	}
}

// CompleteTenants completes tenant ids, described by their names.
func CompleteTenants(f *Factory) cobra.CompletionFunc {
	return CompleteNames(f, func(ctx context.Context, b backend.Backend, _ string) ([]cobra.Completion, error) {
		ts, err := b.ListTenants(ctx)
		if err != nil {
			return nil, err
		}
		names := make([]cobra.Completion, 0, len(ts))
		for _, t := range ts {
			names = append(names, describe(t.ID, t.Name))
		}
		return names, nil
	})
}

// CompleteServiceUsers completes the ids of the current tenant's service
// users, described by their display names.
func CompleteServiceUsers(f *Factory) cobra.CompletionFunc {
	return CompleteServiceUsersWithStatus(f, "")
}

// CompleteServiceUsersWithStatus completes the ids of service users with
// status ("" for any): `enable` offers the disabled ones, `disable` the
// active ones.
func CompleteServiceUsersWithStatus(f *Factory, status domain.UserStatus) cobra.CompletionFunc {
	return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
		us, err := b.ListServiceUsers(ctx, tenant, backend.ListServiceUsersFilter{Status: status})
		if err != nil {
			return nil, err
		}
		names := make([]cobra.Completion, 0, len(us))
		for _, u := range us {
			names = append(names, describe(u.ID, u.DisplayName))
		}
		return names, nil
	})
}

// CompletePolicies completes the names of the current tenant's policies,
// managed and custom, described by their descriptions.
func CompletePolicies(f *Factory) cobra.CompletionFunc {
	return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
		ps, err := b.ListPolicies(ctx, tenant)
		if err != nil {
			return nil, err
		}
		names := make([]cobra.Completion, 0, len(ps))
		for _, p := range ps {
			names = append(names, describe(p.Name, p.Description))
		}
		return names, nil
	})
}

// CompleteGroups completes the names of the current tenant's groups,
// described by their descriptions.
func CompleteGroups(f *Factory) cobra.CompletionFunc {
	return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
		gs, err := b.ListGroups(ctx, tenant)
		if err != nil {
			return nil, err
		}
		names := make([]cobra.Completion, 0, len(gs))
		for _, g := range gs {
			names = append(names, describe(g.Name, g.Description))
		}
		return names, nil
	})
}

// CompleteKeyTypes completes the names of the current tenant's key types,
// described by their display names.
func CompleteKeyTypes(f *Factory) cobra.CompletionFunc {
	return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
		ks, err := b.ListKeyTypes(ctx, tenant)
		if err != nil {
			return nil, err
		}
		names := make([]cobra.Completion, 0, len(ks))
		for _, k := range ks {
			names = append(names, describe(k.Name, k.DisplayName))
		}
		return names, nil
	})
}

// CompleteKeys completes access keys of the current tenant whose status is
// one of statuses (none: any) as USER/NAME, described by the key id and
// status; a word already starting with "kwk_" completes key ids instead.
func CompleteKeys(f *Factory, statuses ...domain.KeyStatus) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		byID := strings.HasPrefix(toComplete, "kwk_")
		return CompleteNames(f, func(ctx context.Context, b backend.Backend, tenant string) ([]cobra.Completion, error) {
			keys, err := b.ListKeys(ctx, tenant, backend.ListKeysFilter{})
			if err != nil {
				return nil, err
			}
			names := make([]cobra.Completion, 0, len(keys))
			for _, k := range keys {
				if len(statuses) > 0 && !slices.Contains(statuses, k.Status) {
					continue
				}
				ref := k.ServiceUser + "/" + k.Name
				if byID {
					names = append(names, describe(k.ID, ref+" "+string(k.Status)))
				} else if k.RevokeAt == nil { // a rotated key has left its name
					names = append(names, describe(ref, k.ID+" "+string(k.Status)))
				}
			}
			return names, nil
		})(cmd, args, toComplete)
	}
}

// CompleteProfiles completes profile names from the config file, described
// by their database or server; it never opens a database and works even
// when the current profile is broken.
func CompleteProfiles(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		_, cfg, err := f.ConfigFile()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]cobra.Completion, 0, len(cfg.Profiles))
		for _, n := range cfg.ProfileNames() {
			p := cfg.Profiles[n]
			where := p.DB
			if p.IsRemote() {
				where = p.Server
			}
			names = append(names, describe(n, where))
		}
		return withPrefix(names, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteActions completes keyward's action names from the catalog
// (described by what they allow), and "NAMESPACE:*" for each namespace; for
// `audit list --action` and the policy commands. Downstream actions are
// free text and cannot be completed.
func CompleteActions(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var names []cobra.Completion
	for _, ns := range authz.Namespaces() {
		names = append(names, cobra.CompletionWithDesc(ns+":*", "every "+ns+" action"))
	}
	for _, a := range authz.Actions() {
		names = append(names, cobra.CompletionWithDesc(a.Name, strings.TrimSuffix(a.Description, ".")))
	}
	return withPrefix(names, toComplete, nil), cobra.ShellCompDirectiveNoFileComp
}

// outputFormats are the values of --output, with what each is for.
var outputFormats = []cobra.Completion{
	cobra.CompletionWithDesc("table", "aligned columns on a terminal, tab-separated when piped"),
	cobra.CompletionWithDesc("json", "complete JSON"),
	cobra.CompletionWithDesc("yaml", "complete YAML"),
}

// RegisterGlobalFlagCompletion wires completion of the root's persistent
// flags: --tenant (tenant ids), --profile (profile names), --output
// (formats), --config (YAML files) and --server (nothing to complete).
func RegisterGlobalFlagCompletion(root *cobra.Command, f *Factory) {
	_ = root.RegisterFlagCompletionFunc(KeyTenant, CompleteTenants(f))
	_ = root.RegisterFlagCompletionFunc(KeyProfile, CompleteProfiles(f))
	_ = root.RegisterFlagCompletionFunc(KeyOutput, cobra.FixedCompletions(outputFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc(KeyServer, cobra.NoFileCompletions)
	_ = root.MarkPersistentFlagFilename(KeyConfig, "yaml", "yml")
}

// describe pairs a name with its description when the description adds
// something.
func describe(name, description string) cobra.Completion {
	if description == "" || description == name {
		return name
	}
	return cobra.CompletionWithDesc(name, description)
}

// SetArgsCompletion sets the ValidArgsFunction of parent's subcommands by
// name, so a noun wires its completion in one block next to AddCommand:
//
//	cmdutil.SetArgsCompletion(cmd, map[string]cobra.CompletionFunc{
//		"show":   cmdutil.CompleteArgs(cmdutil.CompleteTenants(f)),
//		"create": cobra.NoFileCompletions,
//	})
//
// It panics on a name that is not a subcommand: a programming error the
// command-tree tests catch.
func SetArgsCompletion(parent *cobra.Command, byName map[string]cobra.CompletionFunc) {
	for name, fn := range byName {
		found := false
		for _, c := range parent.Commands() {
			if c.Name() == name {
				c.ValidArgsFunction, found = fn, true
			}
		}
		if !found {
			panic("SetArgsCompletion: " + parent.CommandPath() + " has no subcommand " + name)
		}
	}
}
