package backend

import (
	"context"
	"errors"

	"github.com/keyward/keyward/internal/domain"
)

// KindTenant is the `kind:` of tenants.
const KindTenant = "Tenant"

// TenantSpec is the declared state of a tenant:
//
//	kind: Tenant
//	id: acme
//	name: Acme Corp
//	settings: {requireEmail: true, keyTtlMax: 180d}
//
// Settings not given are left as they are (a new tenant takes the defaults);
// `keyTtlMax: null` clears the maximum.
type TenantSpec struct {
	ID       string                     `json:"id"`
	Name     *string                    `json:"name,omitempty"`
	Settings domain.TenantSettingsPatch `json:"settings"`
}

func init() {
	RegisterKind(Kind{
		Name:  KindTenant,
		Order: 0,
		New:   func() Spec { return &TenantSpec{} },
		Default: func(ref Ref) Spec {
			return TenantSpecOf(domain.Tenant{ID: ref.ID, Name: ref.ID, Settings: domain.DefaultSettings()})
		},
		Builtin: func(ref Ref) bool { return ref.ID == domain.DefaultTenant || ref.ID == domain.SystemTenant },
		Load: func(ctx context.Context, b Backend, _ string) ([]Spec, error) {
			ts, err := b.ListTenants(ctx)
			if err != nil {
				return nil, err
			}
			if len(ts) == 0 {
				// A database never written to: its first write creates these.
				for _, id := range []string{domain.DefaultTenant, domain.SystemTenant} {
					ts = append(ts, domain.Tenant{ID: id, Name: id, Settings: domain.DefaultSettings()})
				}
			}
			out := make([]Spec, len(ts))
			for i, t := range ts {
				out[i] = TenantSpecOf(t)
			}
			return out, nil
		},
	})
}

// TenantSpecOf returns the complete spec of t: what export writes.
func TenantSpecOf(t domain.Tenant) *TenantSpec {
	name := t.Name
	return &TenantSpec{ID: t.ID, Name: &name, Settings: settingsSpec(t.Settings)}
}

// settingsSpec declares every setting of s, durations in canonical form.
func settingsSpec(s domain.TenantSettings) domain.TenantSettingsPatch {
	keyTTLDefault, tokenTTL, keyTTLMax := s.KeyTTLDefault.String(), s.TokenTTL.String(), ""
	if s.KeyTTLMax != nil {
		keyTTLMax = s.KeyTTLMax.String()
	}
	return domain.TenantSettingsPatch{
		MaxActiveKeysPerUser: &s.MaxActiveKeysPerUser,
		KeyTTLDefault:        &keyTTLDefault,
		KeyTTLMax:            &keyTTLMax,
		RequireKeyExpiry:     &s.RequireKeyExpiry,
		RequireKeyName:       &s.RequireKeyName,
		RequireEmail:         &s.RequireEmail,
		RequireGroup:         &s.RequireGroup,
		OneKeyPerType:        &s.OneKeyPerType,
		TokenTTL:             &tokenTTL,
		TokenReuse:           &s.TokenReuse,
	}
}

// Ref implements Spec.
func (s *TenantSpec) Ref() Ref { return Ref{Kind: KindTenant, ID: s.ID} }

// Validate implements Spec. Settings are checked against the defaults, and
// only for the settings declared: whether they fit the tenant's other
// current settings is Merge's question.
func (s *TenantSpec) Validate() error {
	var v domain.Validation
	v.AddError("id", domain.CheckSlug("id", s.ID))
	if s.Name != nil {
		checkTenantName(&v, s.ID, *s.Name)
	}
	if _, err := s.Settings.Apply(domain.DefaultSettings()); err != nil {
		declared := DeclaredPaths(s)
		var de *domain.Error
		if !errors.As(err, &de) {
			return err
		}
		for field, why := range de.Fields {
			if declared[field] {
				v.Add(field, "%s", why)
			}
		}
	}
	return v.Err()
}

func checkTenantName(v *domain.Validation, id, name string) {
	switch {
	case name == "":
		v.Add("name", "must not be empty (leave it out to use the id)")
	case id == domain.SystemTenant && name != domain.SystemTenant:
		v.Add("name", "the system tenant is reserved and cannot be renamed")
	default:
		v.AddError("name", domain.CheckText("name", name, domain.MaxDisplayNameLen))
	}
}

// Merge implements Spec.
func (s *TenantSpec) Merge(base Spec) (Spec, error) {
	b, ok := base.(*TenantSpec)
	if !ok {
		return nil, errors.New("tenant spec merged onto " + base.Ref().Kind)
	}
	current, err := b.Settings.Apply(domain.DefaultSettings())
	if err != nil {
		return nil, err
	}
	settings, err := s.Settings.Apply(current)
	if err != nil {
		return nil, err
	}
	name := *b.Name
	if s.Name != nil {
		name = *s.Name
	}
	return TenantSpecOf(domain.Tenant{ID: s.ID, Name: name, Settings: settings}), nil
}

// Tenant returns the tenant a complete spec describes (no times).
func (s *TenantSpec) Tenant() (domain.Tenant, error) {
	settings, err := s.Settings.Apply(domain.DefaultSettings())
	name := s.ID
	if s.Name != nil {
		name = *s.Name
	}
	return domain.Tenant{ID: s.ID, Name: name, Settings: settings}, err
}
