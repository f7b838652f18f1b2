package apply

import (
	"context"
	"sort"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/manifest"
)

// Export writes the current state to w as apply reads it: every kind in
// apply order, tenants by id and each tenant's objects by id, with no
// secrets, hashes or generated fields. Builtin objects still as keyward
// made them (the default and system tenants) are left out. With tenant set,
// only that tenant and what is in it.
func Export(ctx context.Context, b backend.Backend, w *manifest.Writer, tenant string) error {
	tenantKind := mustKind(backend.KindTenant)
	tenants, err := tenantKind.Load(ctx, b, "")
	if err != nil {
		return err
	}
	sortSpecs(tenants)
	if tenant != "" {
		var only []backend.Spec
		for _, t := range tenants {
			if t.Ref().ID == tenant {
				only = append(only, t)
			}
		}
		if len(only) == 0 {
			return domain.NotFound("tenant %q not found", tenant).WithHint("see `keyward tenant list`")
		}
		tenants = only
	}
	for _, kind := range backend.Kinds() {
		var specs []backend.Spec
		if !kind.Namespaced {
			if kind.Name == backend.KindTenant {
				specs = tenants
			} else if specs, err = kind.Load(ctx, b, ""); err != nil {
				return err
			}
			if err := writeSpecs(w, kind, specs); err != nil {
				return err
			}
			continue
		}
		for _, t := range tenants {
			if specs, err = kind.Load(ctx, b, t.Ref().ID); err != nil {
				return err
			}
			if err := writeSpecs(w, kind, specs); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeSpecs(w *manifest.Writer, kind backend.Kind, specs []backend.Spec) error {
	sortSpecs(specs)
	for _, s := range specs {
		ref := s.Ref()
		if kind.Builtin(ref) && len(backend.DiffSpecs(kind.Default(ref), s)) == 0 {
			continue
		}
		if err := w.Write(s); err != nil {
			return err
		}
	}
	return nil
}

func sortSpecs(specs []backend.Spec) {
	sort.Slice(specs, func(i, j int) bool { return specs[i].Ref().ID < specs[j].Ref().ID })
}
