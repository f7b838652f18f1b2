package server

import (
	"net/http"
	"net/netip"
	"testing"
)

// X-Forwarded-For counts only from a trusted proxy, and then the rightmost
// address that is not itself a trusted proxy.
func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: header ignored", nil, "127.0.0.1:5000", []string{"203.0.113.9"}, "127.0.0.1"},
		{"untrusted peer: spoofed header ignored", trusted, "198.51.100.7:5000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"trusted peer: client from header", trusted, "10.1.2.3:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"rightmost untrusted hop", trusted, "10.1.2.3:5000", []string{"192.0.2.1, 203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several headers", trusted, "10.1.2.3:5000", []string{"192.0.2.1", "203.0.113.9"}, "203.0.113.9"},
		{"malformed hop stops the walk", trusted, "10.1.2.3:5000", []string{"203.0.113.9, nonsense, 10.9.9.9"}, "10.9.9.9"},
		{"only proxies", trusted, "10.1.2.3:5000", []string{"10.2.2.2"}, "10.2.2.2"},
		{"IPv6 peer", nil, "[::1]:5000", nil, "::1"},
		{"IPv4-mapped peer", nil, "[::ffff:127.0.0.1]:5000", nil, "127.0.0.1"},
	} {
		s := &Server{trustedProxies: tc.trusted}
		r := &http.Request{RemoteAddr: tc.peer, Header: http.Header{}}
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
