// Package cidr parses, edits and matches CIDR allow lists: the
// cidrAllowList of service users and access keys, which restricts the source
// addresses a key may be used from.
//
// A list is a []netip.Prefix in canonical form, as [ParseList] returns it:
// every prefix masked (no host bits), IPv4 prefixes as IPv4 (never
// IPv4-mapped IPv6), no duplicates, sorted by [netip.Prefix.Compare] (IPv4
// before IPv6, then by address, then by length). An empty list allows any
// address. [Contains] and [AllowedByAll] rely on that form; build lists with
// ParseList, [Add] and [Remove] only.
package cidr

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// MaxEntries is the most entries an allow list may have.
const MaxEntries = 100

// ParseList parses entries strictly into a canonical allow list. field names
// the list in errors (e.g. "cidrAllowList").
//
// Each entry is an IPv4 or IPv6 prefix in CIDR notation ("10.0.0.0/8",
// "2001:db8::/32") or a bare address, which means that address alone (/32
// for IPv4, /128 for IPv6). Surrounding whitespace is ignored. IPv4-mapped
// IPv6 entries ("::ffff:10.0.0.0/104", "::ffff:10.1.2.3") become the IPv4
// prefix they denote ("10.0.0.0/8", "10.1.2.3/32"). Duplicates, including
// the same prefix spelt differently, are dropped silently; prefixes that
// merely overlap are kept as given. No entries gives an empty, non-nil list.
//
// Strict means nothing is guessed: an entry with host bits set, such as
// "127.0.0.1/31", is refused with "host bits set; did you mean 127.0.0.0/31?"
// rather than masked; an IPv6 zone, a prefix length with a sign or a leading
// zero, an IPv4 octet with a leading zero, and more than MaxEntries entries
// (duplicates counted) are refused too. Every error is a *domain.Error of
// CodeInvalid for field, whose message quotes the first bad entry (or, for
// too many, gives the count).
func ParseList(field string, entries []string) ([]netip.Prefix, error) {
	if len(entries) > MaxEntries {
		return nil, domain.Invalid(field, "%d entries; at most %d allowed", len(entries), MaxEntries)
	}
	list := make([]netip.Prefix, 0, len(entries))
	for _, entry := range entries {
		entry = strings.TrimSpace(entry)
		p, why := parseEntry(entry)
		if why != "" {
			return nil, domain.Invalid(field, "%q: %s", entry, why)
		}
		list = append(list, p)
	}
	return canonicalOrder(list), nil
}

// parseEntry parses one trimmed entry, returning the canonical prefix or why
// the entry was refused.
func parseEntry(entry string) (netip.Prefix, string) {
	if entry == "" {
		return netip.Prefix{}, "empty entry"
	}
	addrText, bitsText, hasBits := strings.Cut(entry, "/")
	if strings.Contains(addrText, "%") {
		return netip.Prefix{}, "IPv6 zones are not allowed"
	}
	addr, err := netip.ParseAddr(addrText)
	if err != nil {
		return netip.Prefix{}, "not an IP address or CIDR prefix (" + parseAddrReason(err) + ")"
	}
	bits := addr.BitLen()
	if hasBits {
		var ok bool
		if bits, ok = parsePrefixLength(bitsText, addr.BitLen()); !ok {
			return netip.Prefix{}, "prefix length must be a whole number from 0 to " + strconv.Itoa(addr.BitLen())
		}
	}
	p := netip.PrefixFrom(addr, bits)
	if masked := p.Masked(); masked != p {
		return netip.Prefix{}, "host bits set; did you mean " + masked.String() + "?"
	}
	// Bits 80–95 of every IPv4-mapped address are ones, so a masked
	// IPv4-mapped prefix is at least /96 and always has an IPv4 equivalent.
	if addr.Is4In6() {
		p = netip.PrefixFrom(addr.Unmap(), bits-96)
	}
	return p, ""
}

// parseAddrReason keeps the why of a netip.ParseAddr error, dropping the
// `ParseAddr("…"): ` that repeats the entry the message already quotes.
func parseAddrReason(err error) string {
	msg := err.Error()
	if _, reason, ok := strings.Cut(msg, "): "); ok && strings.HasPrefix(msg, "ParseAddr(") {
		return reason
	}
	return msg
}

// parsePrefixLength parses a prefix length strictly: decimal digits only,
// no sign, no leading zero, at most maxBits.
func parsePrefixLength(s string, maxBits int) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= maxBits
}

// canonicalOrder sorts list and drops duplicates, in place.
func canonicalOrder(list []netip.Prefix) []netip.Prefix {
	slices.SortFunc(list, netip.Prefix.Compare)
	return slices.Compact(list)
}

// Format returns the entries of list as strings in list's order, the form
// stored in JSON and shown to users; ParseList(field, Format(list)) gives
// list back for any canonical list. An empty or nil list gives an empty,
// non-nil slice, so JSON shows [] rather than null.
func Format(list []netip.Prefix) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.String()
	}
	return out
}
