package token

import (
	"net/url"
	"strings"

	"github.com/keyward/keyward/internal/domain"
)

// Paths of the endpoints the server serves and Metadata advertises.
const (
	// TokenPath is the RFC 6749 token endpoint (client_credentials).
	TokenPath = "/oauth/token"
	// IntrospectPath is the RFC 7662 introspection endpoint.
	IntrospectPath = "/oauth/introspect"
	// RevokePath is the RFC 7009 revocation endpoint.
	RevokePath = "/oauth/revoke"
	// JWKSPath serves [KeySet.JWKS].
	JWKSPath = "/.well-known/jwks.json"
	// MetadataPath serves [Metadata] (RFC 8414 §3).
	MetadataPath = "/.well-known/oauth-authorization-server"
)

// Metadata is the RFC 8414 authorization server metadata document served at
// [MetadataPath]. Every list is non-nil so it encodes as an array.
type Metadata struct {
	// Issuer is the issuer identifier, identical to the tokens' iss.
	Issuer string `json:"issuer"`
	// TokenEndpoint is the URL of the client_credentials token endpoint.
	TokenEndpoint string `json:"token_endpoint"`
	// JWKSURI is the URL of the JWK Set ([KeySet.JWKS]).
	JWKSURI string `json:"jwks_uri"`
	// IntrospectionEndpoint is the URL of the RFC 7662 endpoint.
	IntrospectionEndpoint string `json:"introspection_endpoint"`
	// RevocationEndpoint is the URL of the RFC 7009 endpoint.
	RevocationEndpoint string `json:"revocation_endpoint"`
	// ResponseTypesSupported is required by RFC 8414 but empty: keyward has no
	// authorization endpoint.
	ResponseTypesSupported []string `json:"response_types_supported"`
	// GrantTypesSupported is ["client_credentials"].
	GrantTypesSupported []string `json:"grant_types_supported"`
	// TokenEndpointAuthMethodsSupported lists how a client sends its key id
	// and secret: client_secret_basic and client_secret_post.
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	// IntrospectionEndpointAuthMethodsSupported: as for the token endpoint.
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
	// RevocationEndpointAuthMethodsSupported: as for the token endpoint.
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported"`
}

// NewMetadata returns the metadata of a server whose issuer identifier is
// issuer and whose endpoints are under baseURL (empty means issuer, the usual
// case; they differ behind a proxy that rewrites paths). Both must be absolute
// http or https URLs without query or fragment; a trailing slash is ignored.
// It returns a CodeInvalid *domain.Error naming "issuer" or "baseURL" otherwise.
func NewMetadata(issuer, baseURL string) (Metadata, error) {
	if err := checkServerURL("issuer", issuer); err != nil {
		return Metadata{}, err
	}
	if baseURL == "" {
		baseURL = issuer
	} else if err := checkServerURL("baseURL", baseURL); err != nil {
		return Metadata{}, err
	}
	base := strings.TrimRight(baseURL, "/")
	clientSecret := []string{"client_secret_basic", "client_secret_post"}
	return Metadata{
		Issuer:                            issuer,
		TokenEndpoint:                     base + TokenPath,
		JWKSURI:                           base + JWKSPath,
		IntrospectionEndpoint:             base + IntrospectPath,
		RevocationEndpoint:                base + RevokePath,
		ResponseTypesSupported:            []string{},
		GrantTypesSupported:               []string{"client_credentials"},
		TokenEndpointAuthMethodsSupported: clientSecret,
		IntrospectionEndpointAuthMethodsSupported: clientSecret,
		RevocationEndpointAuthMethodsSupported:    clientSecret,
	}, nil
}

func checkServerURL(field, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return domain.Invalid(field, "must be an absolute URL such as https://keyward.example.com")
	case u.Scheme != "https" && u.Scheme != "http":
		return domain.Invalid(field, "must be an http or https URL, not %s", u.Scheme)
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return domain.Invalid(field, "must not have a query or fragment")
	}
	return nil
}
