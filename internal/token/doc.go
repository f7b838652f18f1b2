// Package token issues and verifies keyward's bearer tokens: RFC 9068 JWT
// access tokens (header typ "at+jwt", alg "EdDSA", kid) signed with Ed25519
// keys, the JWK Set that publishes those keys (RFC 7517, RFC 8037), the
// authorization server metadata document (RFC 8414), the introspection
// response (RFC 7662) and an unverified decoder for `keyward token inspect`.
//
// The package holds no storage and serves no HTTP: the server loads the
// signing keys from its database into a [KeySet], issues tokens with an
// [Issuer] and authenticates bearer requests with a [Verifier].
//
// What a token proves, and what it does not: [Verifier.Verify] establishes that
// keyward signed the token, for this issuer and audience, and that it has not
// expired. It knows nothing about revocation, the access key's status, the
// service user's status or the caller's address; the server checks those on
// every request after Verify succeeds.
//
// Key ids: a signing key's kid is its RFC 7638 JWK thumbprint (base64url,
// 43 characters). It is derived from the public key, so it needs no
// coordination between replicas, cannot collide between different keys, and
// lets a stored key be checked for corruption when it is loaded.
package token
