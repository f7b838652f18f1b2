package cidr

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

const field = "cidrAllowList"

func TestParseList(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		want    []string
	}{
		{"nil", nil, []string{}},
		{"empty", []string{}, []string{}},
		{"IPv4 prefix", []string{"10.0.0.0/8"}, []string{"10.0.0.0/8"}},
		{"IPv6 prefix", []string{"2001:db8::/32"}, []string{"2001:db8::/32"}},
		{"bare IPv4 is /32", []string{"192.0.2.7"}, []string{"192.0.2.7/32"}},
		{"bare IPv6 is /128", []string{"2001:db8::1"}, []string{"2001:db8::1/128"}},
		{"the spec's fix", []string{"127.0.0.0/31"}, []string{"127.0.0.0/31"}},
		{"any IPv4 and any IPv6", []string{"::/0", "0.0.0.0/0"}, []string{"0.0.0.0/0", "::/0"}},
		{"IPv6 written long and upper case", []string{"2001:0DB8:0000::/48"}, []string{"2001:db8::/48"}},
		{"surrounding whitespace", []string{" 10.0.0.0/8\t", "\n192.0.2.1 "}, []string{"10.0.0.0/8", "192.0.2.1/32"}},
		{"mapped address", []string{"::ffff:192.0.2.7"}, []string{"192.0.2.7/32"}},
		{"mapped prefix", []string{"::ffff:10.0.0.0/104"}, []string{"10.0.0.0/8"}},
		{"mapped prefix in hex", []string{"::ffff:a00:0/104"}, []string{"10.0.0.0/8"}},
		{"mapped /96 is all IPv4", []string{"::ffff:0.0.0.0/96"}, []string{"0.0.0.0/0"}},
		{"mapped /128", []string{"::ffff:192.0.2.7/128"}, []string{"192.0.2.7/32"}},
		{"IPv4-compatible is not mapped", []string{"::192.0.2.7"}, []string{"::c000:207/128"}},
		{
			"sorted: IPv4 first, then address, then length",
			[]string{"2001:db8::/32", "192.168.0.0/16", "10.0.0.0/16", "10.0.0.0/8", "::1", "10.1.0.0/16"},
			[]string{"10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "192.168.0.0/16", "::1/128", "2001:db8::/32"},
		},
		{
			"duplicates, however spelt, dropped",
			[]string{"10.0.0.1", "10.0.0.1/32", "::ffff:10.0.0.1", " 10.0.0.1 ", "2001:DB8::/32", "2001:db8:0::/32"},
			[]string{"10.0.0.1/32", "2001:db8::/32"},
		},
		{"overlapping kept", []string{"10.1.0.0/16", "10.0.0.0/8"}, []string{"10.0.0.0/8", "10.1.0.0/16"}},
		{"exactly MaxEntries", hosts(MaxEntries), hostsCanonical(MaxEntries)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseList(field, tt.entries)
			if err != nil {
				t.Fatalf("ParseList(%q) = %v", tt.entries, err)
			}
			if got == nil {
				t.Fatal("ParseList returned nil, want a non-nil list")
			}
			if f := Format(got); !slices.Equal(f, tt.want) {
				t.Errorf("ParseList(%q) = %q, want %q", tt.entries, f, tt.want)
			}
			for _, p := range got {
				if p.Addr().Is4In6() {
					t.Errorf("%s is IPv4-mapped", p)
				}
			}
		})
	}
}

func TestParseListRefuses(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		message string // after "cidrAllowList: "
	}{
		{"host bits, the spec's example", []string{"127.0.0.1/31"}, `"127.0.0.1/31": host bits set; did you mean 127.0.0.0/31?`},
		{"host bits /24", []string{"10.0.0.0/8", "192.168.1.1/24"}, `"192.168.1.1/24": host bits set; did you mean 192.168.1.0/24?`},
		{"host bits /0", []string{"1.2.3.4/0"}, `"1.2.3.4/0": host bits set; did you mean 0.0.0.0/0?`},
		{"host bits IPv6", []string{"2001:db8::1/64"}, `"2001:db8::1/64": host bits set; did you mean 2001:db8::/64?`},
		{"host bits mapped", []string{"::ffff:10.0.0.1/104"}, `"::ffff:10.0.0.1/104": host bits set; did you mean ::ffff:10.0.0.0/104?`},
		{"mapped below /96", []string{"::ffff:0.0.0.0/95"}, `"::ffff:0.0.0.0/95": host bits set; did you mean ::fffe:0:0/95?`},
		{"entry quoted trimmed", []string{" 127.0.0.1/31 "}, `"127.0.0.1/31": host bits set; did you mean 127.0.0.0/31?`},
		{"empty entry", []string{"10.0.0.0/8", ""}, `"": empty entry`},
		{"blank entry", []string{"  "}, `"": empty entry`},
		{"hostname", []string{"localhost"}, `"localhost": not an IP address or CIDR prefix (unable to parse IP)`},
		{"leading zero octet", []string{"010.0.0.0/8"}, `"010.0.0.0/8": not an IP address or CIDR prefix (IPv4 field has octet with leading zero)`},
		{"short IPv4", []string{"10.0/16"}, `"10.0/16": not an IP address or CIDR prefix (IPv4 address too short)`},
		{"range", []string{"10.0.0.1-10.0.0.9"}, `"10.0.0.1-10.0.0.9": not an IP address or CIDR prefix (unexpected character (at "-10.0.0.9"))`},
		{"missing length", []string{"10.0.0.0/"}, `"10.0.0.0/": prefix length must be a whole number from 0 to 32`},
		{"length too long IPv4", []string{"10.0.0.0/33"}, `"10.0.0.0/33": prefix length must be a whole number from 0 to 32`},
		{"length too long IPv6", []string{"::/129"}, `"::/129": prefix length must be a whole number from 0 to 128`},
		{"length leading zero", []string{"10.0.0.0/08"}, `"10.0.0.0/08": prefix length must be a whole number from 0 to 32`},
		{"length sign", []string{"10.0.0.0/+8"}, `"10.0.0.0/+8": prefix length must be a whole number from 0 to 32`},
		{"length negative", []string{"10.0.0.0/-1"}, `"10.0.0.0/-1": prefix length must be a whole number from 0 to 32`},
		{"length hex", []string{"10.0.0.0/0x8"}, `"10.0.0.0/0x8": prefix length must be a whole number from 0 to 32`},
		{"length huge", []string{"10.0.0.0/4294967304"}, `"10.0.0.0/4294967304": prefix length must be a whole number from 0 to 32`},
		{"two slashes", []string{"10.0.0.0/8/8"}, `"10.0.0.0/8/8": prefix length must be a whole number from 0 to 32`},
		{"zone in prefix", []string{"fe80::%eth0/64"}, `"fe80::%eth0/64": IPv6 zones are not allowed`},
		{"zone in address", []string{"fe80::1%eth0"}, `"fe80::1%eth0": IPv6 zones are not allowed`},
		{"space inside", []string{"10.0.0.0 /8"}, `"10.0.0.0 /8": not an IP address or CIDR prefix (unexpected character (at " "))`},
		{"too many", hosts(MaxEntries + 1), `101 entries; at most 100 allowed`},
		{"too many counting duplicates", slices.Repeat([]string{"10.0.0.1"}, MaxEntries+1), `101 entries; at most 100 allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseList(field, tt.entries)
			if err == nil {
				t.Fatalf("ParseList(%q) = %v, want an error", tt.entries, got)
			}
			assertInvalid(t, err, tt.message)
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		list []netip.Prefix
		want []string
	}{
		{nil, []string{}},
		{[]netip.Prefix{}, []string{}},
		{
			[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")},
			[]string{"10.0.0.0/8", "2001:db8::/32"},
		},
	}
	for _, tt := range tests {
		got := Format(tt.list)
		if got == nil || !slices.Equal(got, tt.want) {
			t.Errorf("Format(%v) = %#v, want %#v", tt.list, got, tt.want)
		}
	}
}

// assertInvalid checks the error shape every refusal shares.
func assertInvalid(t *testing.T, err error, why string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("error %v (%T) is not an invalid *domain.Error", err, err)
	}
	if want := field + ": " + why; e.Message != want {
		t.Errorf("message = %q\n          want %q", e.Message, want)
	}
	if e.Fields[field] != why {
		t.Errorf("validationMessages = %q, want {%q: %q}", e.Fields, field, why)
	}
}

func mustParse(t testing.TB, entries ...string) []netip.Prefix {
	t.Helper()
	list, err := ParseList(field, entries)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// hosts returns n distinct IPv4 addresses in descending order.
func hosts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.0.%d.%d", (n-i)/256, (n-i)%256)
	}
	return out
}

func hostsCanonical(n int) []string {
	out := hosts(n)
	for i := range out {
		out[i] += "/32"
	}
	slices.Reverse(out)
	return out
}
