package credentials

import (
	"net"
	"net/url"
	"strings"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/token"
)

// Target is the server a remote command talks to and the identity it uses:
// the resolved settings of a remote profile, or of --server alone.
type Target struct {
	// Profile names the remote profile whose stored credentials are used and
	// under which the token is cached. Empty when no remote profile applies
	// (--server without one): then only the environment can authenticate.
	Profile string
	// Server is the server's base URL, e.g. https://keyward.example.com:8443.
	Server string
	// AccessKeyID is the profile's access key id; KEYWARD_ACCESS_KEY_ID
	// overrides it.
	AccessKeyID string
	// CAFile, when set, is a PEM file of the CA certificates trusted for the
	// server instead of the system roots.
	CAFile string
}

// CheckServerURL validates a server base URL: absolute http or https, with
// a host and no query or fragment. The error names field.
func CheckServerURL(field, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return domain.Invalid(field, "must be an absolute URL such as https://keyward.example.com:8443")
	case u.Scheme != "https" && u.Scheme != "http":
		return domain.Invalid(field, "must be an http or https URL, not %q", u.Scheme)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return domain.Invalid(field, "must not have a query or fragment")
	case u.User != nil:
		return domain.Invalid(field, "must not contain a user name or password")
	}
	return nil
}

// IsPlainHTTP reports whether raw is an http:// URL of a host other than
// loopback: secrets and tokens sent there cross the network unencrypted.
func IsPlainHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// endpoint returns the URL of path under the server's base URL, keeping any
// path prefix (https://host/keyward → https://host/keyward/oauth/token).
func endpoint(server, path string) string {
	return strings.TrimRight(server, "/") + path
}

// TokenURL is the server's token endpoint.
func (t Target) TokenURL() string { return endpoint(t.Server, token.TokenPath) }

// RevokeURL is the server's revocation endpoint (RFC 7009).
func (t Target) RevokeURL() string { return endpoint(t.Server, token.RevokePath) }
