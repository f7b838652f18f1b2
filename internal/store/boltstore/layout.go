// Package boltstore keeps keyward's data in one bbolt file. It knows buckets,
// keys and encodings, and nothing of keyward's rules: the service
// (internal/service) validates, enforces limits and audits, inside the
// transactions this package hands out.
//
// # On-disk layout, schema v2
//
// Every value is JSON unless noted. Keys are bytes of the strings shown.
//
//	meta/
//	  schema                 decimal schema version, "1"
//	  pepper                 32 random bytes: HMAC key of secret hashes
//	  authzgen               8 bytes big-endian: the authorization generation,
//	                         bumped by every write that changes a principal
//	signingkeys/
//	  <kid>                  token signing key (private; see docs/security.md)
//	tenants/
//	  <tenant>               domain.Tenant
//	t/<tenant>/              one nested bucket per tenant; deleting a tenant drops it
//	  users/<id>             domain.ServiceUser without accessKeys/allowedKeyTypes;
//	                         its policies, groups (membership) and owners by name
//	  emails/<lower(email)>  user id (unique e-mail index)
//	  keys/<user>\x00<keyid> access key record (hash of the secret, never the secret;
//	                         its hint shows 5 characters of the checksum)
//	  policies/<name>        PolicyRecord: a custom policy without attachments,
//	                         plus the generation that last wrote it (managed
//	                         policies are built in, never stored)
//	  policyrevs/<name>      8 bytes big-endian: the revision of policies/<name>,
//	                         readable without decoding the policy
//	  groups/<name>          domain.Group without members (stored on the users)
//	  keytypes/<name>        domain.KeyType
//	keyindex/
//	  <keyid>                "<tenant>\x00<user>": key ids are global
//	secretindex/
//	  <hmac-sha256 of secret> key id
//	revocations/
//	  <unix seconds, 8 bytes big-endian><keyid>  empty: a rotated key revoked
//	                         at that time (its revokeAt); due entries are
//	                         deleted with their keys by the next write
//	revokedtokens/
//	  <unix seconds, 8 bytes big-endian><jti>  empty: an access token revoked
//	                         one by one (/oauth/revoke), until its exp (the
//	                         Unix seconds); the token itself is never stored.
//	                         The server loads the unexpired entries when it
//	                         starts and deletes expired ones
//	audit/
//	  <seq, 8 bytes big-endian> domain.AuditEvent
//
// Indexes are written in the same transaction as the records they index.
// They are derived data: rebuildIndexes (indexes.go) recomputes them from
// the records, and Check (check.go) verifies that they match.
//
// # Schema versions and migrations
//
//   - 0: a file without meta/schema. Either empty (a new file), or written
//     by a pre-release keyward that kept the records above — meta/pepper,
//     tenants/, t/<tenant>/users and keys — but no derived index: no
//     t/<tenant>/emails, keyindex/ or secretindex/.
//     testdata/schema0.db is such a file.
//   - 1: the layout above without revokedtokens/. Migration 0→1 creates
//     the missing buckets and builds every index from the records.
//   - 2: the layout above. Migration 1→2 creates revokedtokens/. The
//     change is additive, but the version is raised all the same: a
//     keyward of schema 1 refuses the file rather than serve it without
//     its token revocations, which would make revoked tokens valid again.
//
// A read-write open migrates on its first write transaction; a read-only
// open reads an old file as it is (a missing bucket reads as empty). A
// newer version than SchemaVersion is refused.
package boltstore

// SchemaVersion is the layout this binary reads and writes.
const SchemaVersion = 2

// Top-level buckets.
var (
	bucketMeta        = []byte("meta")
	bucketSigningKeys = []byte("signingkeys")
	bucketTenants     = []byte("tenants")
	bucketTenantData  = []byte("t")
	bucketKeyIndex    = []byte("keyindex")
	bucketSecretIndex = []byte("secretindex")
	bucketRevocations = []byte("revocations")
	// bucketRevokedTokens holds individually revoked tokens (revokedtokens.go).
	bucketRevokedTokens = []byte("revokedtokens")
	bucketAudit         = []byte("audit")

	topLevelBuckets = [][]byte{bucketMeta, bucketSigningKeys, bucketTenants, bucketTenantData, bucketKeyIndex, bucketSecretIndex, bucketRevocations, bucketRevokedTokens, bucketAudit}
)

// Keys in the meta bucket.
var (
	metaSchema = []byte("schema")
	metaPepper = []byte("pepper")
	// metaAuthzGeneration holds the authorization generation (authzgen.go).
	metaAuthzGeneration = []byte("authzgen")
)

// Buckets nested in t/<tenant>/.
var (
	bucketUsers    = []byte("users")
	bucketEmails   = []byte("emails")
	bucketKeys     = []byte("keys")
	bucketPolicies = []byte("policies")
	bucketGroups   = []byte("groups")
	bucketKeyTypes = []byte("keytypes")
	// bucketPolicyRevisions indexes policies/<name> by revision (policies.go).
	bucketPolicyRevisions = []byte("policyrevs")

	tenantBuckets = [][]byte{bucketUsers, bucketEmails, bucketKeys, bucketPolicies, bucketGroups, bucketKeyTypes, bucketPolicyRevisions}
)

// keySep separates parts of composite keys; ids never contain it.
const keySep = "\x00"
