package server

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/keyward/keyward/internal/cidr"
)

// clientIP is the address a request came from, for CIDR checks, limits and
// logs: the peer, unless the peer is a trusted proxy, in which case the
// rightmost address of X-Forwarded-For that is not itself a trusted proxy
// (the last hop a trusted proxy saw). Without trusted proxies the header is
// ignored, so a client cannot choose its own address.
func (s *Server) clientIP(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if len(s.trustedProxies) == 0 || !cidr.Contains(s.trustedProxies, peer) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return addr // a malformed hop: trust nothing to its left
			}
			addr = hop.Unmap()
			if !cidr.Contains(s.trustedProxies, addr) {
				return addr
			}
		}
	}
	return addr
}

// peerAddr parses the host part of RemoteAddr ("127.0.0.1:5555",
// "[::1]:5555"), unmapped; the zero Addr when it cannot.
func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}
