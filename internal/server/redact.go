package server

import (
	"strings"

	"github.com/keyward/keyward/internal/secret"
)

// redactedSecret stands in for a secret redactSecrets removed.
const redactedSecret = secret.SecretPrefix + "[redacted]"

// redactSecrets replaces each access key secret in s (a well-formed one:
// SecretPrefix, its base62 body and a matching checksum) with
// redactedSecret. A caller who put a secret where an identifier belongs — a
// key reference or a user id in the path — must not find it again in the
// answer, the audit log or the request log. Anything else is kept, names
// that merely start with SecretPrefix ("kws_admins" is a valid group name)
// included.
func redactSecrets(s string) string {
	if !strings.Contains(s, secret.SecretPrefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, secret.SecretPrefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(secret.SecretPrefix)
		for end < len(s) && isBase62(s[end]) {
			end++
		}
		b.WriteString(s[:i])
		if secret.Parse(s[i:end]) == nil {
			b.WriteString(redactedSecret)
		} else {
			b.WriteString(s[i:end])
		}
		s = s[end:]
	}
}

func isBase62(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
