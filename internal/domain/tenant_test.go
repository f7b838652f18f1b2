package domain

import (
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestTenantSettingsPatchApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		base    *TenantSettings // nil = DefaultSettings()
		patch   TenantSettingsPatch
		check   func(TenantSettings) bool
		wantErr string // "" = valid
	}{
		{name: "empty patch keeps defaults", check: func(s TenantSettings) bool { return s == DefaultSettings() }},
		{name: "max keys 1", patch: TenantSettingsPatch{MaxActiveKeysPerUser: ptr(1)}, check: func(s TenantSettings) bool { return s.MaxActiveKeysPerUser == 1 }},
		{name: "max keys 10", patch: TenantSettingsPatch{MaxActiveKeysPerUser: ptr(10)}, check: func(s TenantSettings) bool { return s.MaxActiveKeysPerUser == 10 }},
		{name: "max keys 0", patch: TenantSettingsPatch{MaxActiveKeysPerUser: ptr(0)}, wantErr: "settings.maxActiveKeysPerUser: must be between 1 and 10 (got 0)"},
		{name: "max keys 11", patch: TenantSettingsPatch{MaxActiveKeysPerUser: ptr(11)}, wantErr: "settings.maxActiveKeysPerUser: must be between 1 and 10 (got 11)"},
		{name: "key ttl default never", patch: TenantSettingsPatch{KeyTTLDefault: ptr("never")}, check: func(s TenantSettings) bool { return s.KeyTTLDefault.Never }},
		{name: "key ttl default bad", patch: TenantSettingsPatch{KeyTTLDefault: ptr("soon")}, wantErr: `settings.keyTtlDefault: "soon" is not a duration`},
		{name: "key ttl max", patch: TenantSettingsPatch{KeyTTLMax: ptr("365d")}, check: func(s TenantSettings) bool { return s.KeyTTLMax != nil && *s.KeyTTLMax == Days(365) }},
		{name: "key ttl max shorter than default", patch: TenantSettingsPatch{KeyTTLMax: ptr("30d")}, wantErr: "settings.keyTtlDefault: 90d is longer than keyTtlMax 30d"},
		{name: "key ttl max and shorter default", patch: TenantSettingsPatch{KeyTTLMax: ptr("30d"), KeyTTLDefault: ptr("7d")}, check: func(s TenantSettings) bool { return s.KeyTTLDefault == Days(7) }},
		{name: "key ttl max never", patch: TenantSettingsPatch{KeyTTLMax: ptr("never")}, wantErr: `settings.keyTtlMax: cannot be never; clear the maximum with "none"`},
		{name: "key ttl max bad", patch: TenantSettingsPatch{KeyTTLMax: ptr("1y")}, wantErr: `settings.keyTtlMax: "1y" is not a duration`},
		{name: "key ttl max with never default", patch: TenantSettingsPatch{KeyTTLMax: ptr("30d"), KeyTTLDefault: ptr("never")}, wantErr: "settings.keyTtlDefault: cannot be never while keyTtlMax is set (30d)"},
		{name: "key ttl max cleared by none", base: &TenantSettings{MaxActiveKeysPerUser: 2, KeyTTLDefault: Days(1), KeyTTLMax: ptr(Days(2)), TokenTTL: Duration{D: time.Hour}}, patch: TenantSettingsPatch{KeyTTLMax: ptr("none")}, check: func(s TenantSettings) bool { return s.KeyTTLMax == nil }},
		{name: "key ttl max cleared by empty", base: &TenantSettings{MaxActiveKeysPerUser: 2, KeyTTLDefault: Days(1), KeyTTLMax: ptr(Days(2)), TokenTTL: Duration{D: time.Hour}}, patch: TenantSettingsPatch{KeyTTLMax: ptr("")}, check: func(s TenantSettings) bool { return s.KeyTTLMax == nil }},
		{name: "require expiry with never default", patch: TenantSettingsPatch{RequireKeyExpiry: ptr(true), KeyTTLDefault: ptr("never")}, wantErr: "settings.keyTtlDefault: cannot be never while requireKeyExpiry is on"},
		{name: "require expiry", patch: TenantSettingsPatch{RequireKeyExpiry: ptr(true)}, check: func(s TenantSettings) bool { return s.RequireKeyExpiry }},
		{name: "token ttl 60s", patch: TenantSettingsPatch{TokenTTL: ptr("60s")}, check: func(s TenantSettings) bool { return s.TokenTTL.D == time.Minute }},
		{name: "token ttl 24h", patch: TenantSettingsPatch{TokenTTL: ptr("1d")}, check: func(s TenantSettings) bool { return s.TokenTTL.D == 24*time.Hour }},
		{name: "token ttl 59s", patch: TenantSettingsPatch{TokenTTL: ptr("59s")}, wantErr: "settings.tokenTtl: must be between 60s and 24h (got 59s)"},
		{name: "token ttl 25h", patch: TenantSettingsPatch{TokenTTL: ptr("25h")}, wantErr: "settings.tokenTtl: must be between 60s and 24h (got 25h)"},
		{name: "token ttl never", patch: TenantSettingsPatch{TokenTTL: ptr("never")}, wantErr: "settings.tokenTtl: must be between 60s and 24h (got never)"},
		{name: "token ttl bad", patch: TenantSettingsPatch{TokenTTL: ptr("1 hour")}, wantErr: `settings.tokenTtl: "1 hour" is not a duration`},
		{name: "booleans", patch: TenantSettingsPatch{RequireKeyName: ptr(true), RequireEmail: ptr(true), RequireGroup: ptr(true), OneKeyPerType: ptr(true), TokenReuse: ptr(false)},
			check: func(s TenantSettings) bool {
				return s.RequireKeyName && s.RequireEmail && s.RequireGroup && s.OneKeyPerType && !s.TokenReuse
			}},
		{name: "several errors named together", patch: TenantSettingsPatch{MaxActiveKeysPerUser: ptr(0), TokenTTL: ptr("1s")},
			wantErr: "settings.maxActiveKeysPerUser: must be between 1 and 10 (got 0); settings.tokenTtl: must be between 60s and 24h (got 1s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := DefaultSettings()
			if tt.base != nil {
				base = *tt.base
			}
			got, err := tt.patch.Apply(base)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Apply = %v; want error containing %q", err, tt.wantErr)
				}
				if CodeOf(err) != CodeInvalid {
					t.Errorf("code = %s, want invalid", CodeOf(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !tt.check(got) {
				t.Errorf("Apply = %+v", got)
			}
		})
	}
}

func TestDefaultSettings(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if s.MaxActiveKeysPerUser != 2 || s.KeyTTLDefault.String() != "90d" || s.KeyTTLMax != nil || s.TokenTTL.String() != "1h" || !s.TokenReuse ||
		s.RequireKeyExpiry || s.RequireKeyName || s.RequireEmail || s.RequireGroup || s.OneKeyPerType {
		t.Errorf("defaults differ from SPEC's table: %+v", s)
	}
	if !(TenantSettingsPatch{}).Empty() || (TenantSettingsPatch{TokenReuse: ptr(false)}).Empty() {
		t.Error("Empty is wrong")
	}
}
