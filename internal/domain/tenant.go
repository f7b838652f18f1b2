package domain

import (
	"fmt"
	"time"
)

// Reserved tenants. The first write to a database creates both.
const (
	DefaultTenant = "default"
	SystemTenant  = "system"
)

// Tenant is an isolated namespace (an Organization, account or Mandant).
type Tenant struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Settings  TenantSettings `json:"settings"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// TenantSettings are the per-tenant rules SPEC's table lists.
type TenantSettings struct {
	MaxActiveKeysPerUser int       `json:"maxActiveKeysPerUser"`
	KeyTTLDefault        Duration  `json:"keyTtlDefault"`
	KeyTTLMax            *Duration `json:"keyTtlMax"`
	RequireKeyExpiry     bool      `json:"requireKeyExpiry"`
	RequireKeyName       bool      `json:"requireKeyName"`
	RequireEmail         bool      `json:"requireEmail"`
	RequireGroup         bool      `json:"requireGroup"`
	OneKeyPerType        bool      `json:"oneKeyPerType"`
	TokenTTL             Duration  `json:"tokenTtl"`
	TokenReuse           bool      `json:"tokenReuse"`
}

// Limits of the settings.
const (
	MinActiveKeys = 1
	MaxActiveKeys = 10
	MinTokenTTL   = 60 * time.Second
	MaxTokenTTL   = 24 * time.Hour
)

// DefaultSettings returns the settings of a new tenant.
func DefaultSettings() TenantSettings {
	return TenantSettings{
		MaxActiveKeysPerUser: 2,
		KeyTTLDefault:        Days(90),
		TokenTTL:             Duration{D: time.Hour},
		TokenReuse:           true,
	}
}

// TenantSettingsPatch changes some settings; nil fields stay as they are.
// Durations are strings so the service validates them with the field name;
// KeyTTLMax "" or "none" clears the maximum.
type TenantSettingsPatch struct {
	MaxActiveKeysPerUser *int    `json:"maxActiveKeysPerUser,omitempty"`
	KeyTTLDefault        *string `json:"keyTtlDefault,omitempty"`
	KeyTTLMax            *string `json:"keyTtlMax,omitempty" spec:"nullable"`
	RequireKeyExpiry     *bool   `json:"requireKeyExpiry,omitempty"`
	RequireKeyName       *bool   `json:"requireKeyName,omitempty"`
	RequireEmail         *bool   `json:"requireEmail,omitempty"`
	RequireGroup         *bool   `json:"requireGroup,omitempty"`
	OneKeyPerType        *bool   `json:"oneKeyPerType,omitempty"`
	TokenTTL             *string `json:"tokenTtl,omitempty"`
	TokenReuse           *bool   `json:"tokenReuse,omitempty"`
}

// Empty reports whether the patch changes nothing.
func (p TenantSettingsPatch) Empty() bool { return p == TenantSettingsPatch{} }

// Apply returns s changed by p, validated as a whole; errors name the setting
// by its JSON name ("settings.tokenTtl") and say why.
func (p TenantSettingsPatch) Apply(s TenantSettings) (TenantSettings, error) {
	var v Validation
	if p.MaxActiveKeysPerUser != nil {
		s.MaxActiveKeysPerUser = *p.MaxActiveKeysPerUser
	}
	if p.KeyTTLDefault != nil {
		d, err := ParseDuration(*p.KeyTTLDefault)
		if err != nil {
			v.Add("settings.keyTtlDefault", "%v", err)
		}
		s.KeyTTLDefault = d
	}
	if p.KeyTTLMax != nil {
		switch *p.KeyTTLMax {
		case "", "none", "null":
			s.KeyTTLMax = nil
		default:
			d, err := ParseDuration(*p.KeyTTLMax)
			if err == nil && d.Never {
				err = fmt.Errorf("cannot be never; clear the maximum with \"none\"")
			}
			if err != nil {
				v.Add("settings.keyTtlMax", "%v", err)
			}
			s.KeyTTLMax = &d
		}
	}
	if p.TokenTTL != nil {
		d, err := ParseDuration(*p.TokenTTL)
		if err != nil {
			v.Add("settings.tokenTtl", "%v", err)
		}
		s.TokenTTL = d
	}
	setBool(&s.RequireKeyExpiry, p.RequireKeyExpiry)
	setBool(&s.RequireKeyName, p.RequireKeyName)
	setBool(&s.RequireEmail, p.RequireEmail)
	setBool(&s.RequireGroup, p.RequireGroup)
	setBool(&s.OneKeyPerType, p.OneKeyPerType)
	setBool(&s.TokenReuse, p.TokenReuse)
	// Report range and cross-setting problems too; a value that did not
	// parse keeps its parse error (the first reason for a field wins).
	v.AddError("settings", s.Validate())
	return s, v.Err()
}

// Validate checks the ranges and the rules between settings.
func (s TenantSettings) Validate() error {
	var v Validation
	if s.MaxActiveKeysPerUser < MinActiveKeys || s.MaxActiveKeysPerUser > MaxActiveKeys {
		v.Add("settings.maxActiveKeysPerUser", "must be between %d and %d (got %d)", MinActiveKeys, MaxActiveKeys, s.MaxActiveKeysPerUser)
	}
	if s.TokenTTL.Never || s.TokenTTL.D < MinTokenTTL || s.TokenTTL.D > MaxTokenTTL {
		v.Add("settings.tokenTtl", "must be between 60s and 24h (got %s)", s.TokenTTL)
	}
	if s.KeyTTLDefault.Never && s.RequireKeyExpiry {
		v.Add("settings.keyTtlDefault", "cannot be never while requireKeyExpiry is on")
	}
	if s.KeyTTLMax != nil {
		if s.KeyTTLDefault.Never {
			v.Add("settings.keyTtlDefault", "cannot be never while keyTtlMax is set (%s)", *s.KeyTTLMax)
		} else if s.KeyTTLDefault.D > s.KeyTTLMax.D {
			v.Add("settings.keyTtlDefault", "%s is longer than keyTtlMax %s", s.KeyTTLDefault, *s.KeyTTLMax)
		}
	}
	return v.Err()
}

func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}
