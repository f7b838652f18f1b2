package cidr

import (
	"slices"
	"testing"
)

func TestAdd(t *testing.T) {
	tests := []struct {
		name       string
		list, more []string
		want       []string
		refusal    string // "" = success
	}{
		{"to empty", nil, []string{"10.0.0.0/8"}, []string{"10.0.0.0/8"}, ""},
		{"nothing to nothing", nil, nil, []string{}, ""},
		{"keeps order", []string{"192.0.2.0/24"}, []string{"2001:db8::/32", "10.0.0.0/8"}, []string{"10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"}, ""},
		{"present already", []string{"10.0.0.0/8"}, []string{"10.0.0.0/8"}, []string{"10.0.0.0/8"}, ""},
		{"up to the limit", hosts(MaxEntries - 1), []string{"192.0.2.1"}, append(hostsCanonical(MaxEntries-1), "192.0.2.1/32"), ""},
		{"present already at the limit", hosts(MaxEntries), []string{"10.0.0.1"}, hostsCanonical(MaxEntries), ""},
		{"over the limit", hosts(MaxEntries), []string{"192.0.2.1"}, nil, "101 entries; at most 100 allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, more := mustParse(t, tt.list...), mustParse(t, tt.more...)
			before := slices.Clone(list)
			got, err := Add(field, list, more)
			if !slices.Equal(list, before) {
				t.Errorf("Add modified list: %v, was %v", list, before)
			}
			if tt.refusal != "" {
				if err == nil {
					t.Fatalf("Add = %v, want an error", got)
				}
				assertInvalid(t, err, tt.refusal)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("Add returned nil, want a non-nil list")
			}
			if f := Format(got); !slices.Equal(f, tt.want) {
				t.Errorf("Add = %q, want %q", f, tt.want)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	three := []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
	tests := []struct {
		name       string
		list, some []string
		want       []string
		refusal    string // "" = success
	}{
		{"one", three, []string{"192.0.2.7/32"}, []string{"10.0.0.0/8", "2001:db8::/32"}, ""},
		{"bare address removes its /32", three, []string{"192.0.2.7"}, []string{"10.0.0.0/8", "2001:db8::/32"}, ""},
		{"mapped spelling", three, []string{"::ffff:10.0.0.0/104"}, []string{"192.0.2.7/32", "2001:db8::/32"}, ""},
		{"several", three, []string{"2001:db8::/32", "10.0.0.0/8"}, []string{"192.0.2.7/32"}, ""},
		{"all leaves an empty list", three, three, []string{}, ""},
		{"nothing", three, nil, []string{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"}, ""},
		{"absent", three, []string{"10.1.0.0/16"}, nil, `"10.1.0.0/16": not in the list`},
		{"absent after present: nothing removed", three, []string{"10.0.0.0/8", "192.0.2.8"}, nil, `"192.0.2.8/32": not in the list`},
		{"from empty", nil, []string{"10.0.0.0/8"}, nil, `"10.0.0.0/8": not in the list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, some := mustParse(t, tt.list...), mustParse(t, tt.some...)
			before := slices.Clone(list)
			got, err := Remove(field, list, some)
			if !slices.Equal(list, before) {
				t.Errorf("Remove modified list: %v, was %v", list, before)
			}
			if tt.refusal != "" {
				if err == nil {
					t.Fatalf("Remove = %v, want an error", got)
				}
				assertInvalid(t, err, tt.refusal)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("Remove returned nil, want a non-nil list")
			}
			if f := Format(got); !slices.Equal(f, tt.want) {
				t.Errorf("Remove = %q, want %q", f, tt.want)
			}
		})
	}
}
