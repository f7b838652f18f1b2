package domain

import (
	"fmt"
	"net/mail"
	"strings"
)

// MaxSlugLen is the longest tenant or service user id.
const MaxSlugLen = 63

// CheckSlug validates a tenant or service user id: `[a-z0-9][a-z0-9-]{0,62}`.
// field names the id in the error ("id", "tenant").
func CheckSlug(field, s string) error {
	if s == "" {
		return Invalid(field, "must not be empty")
	}
	if len(s) > MaxSlugLen {
		return Invalid(field, "%q is %d characters; the maximum is %d", s, len(s), MaxSlugLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0:
		case c >= 'A' && c <= 'Z':
			return Invalid(field, "%q has upper-case letters; use lower case (%q)", s, strings.ToLower(s))
		default:
			return Invalid(field, "%q may contain only a-z, 0-9 and '-', and must start with a letter or digit", s)
		}
	}
	return nil
}

// CheckEmail validates a bare e-mail address (no display name) and returns it
// as given, trimmed. The uniqueness key is EmailKey.
func CheckEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "must not be empty")
	}
	if len(s) <= 254 && isPlainAddress(s) {
		return s, nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", Invalid(field, "%q is not a valid e-mail address", s)
	}
	if len(s) > 254 {
		return "", Invalid(field, "is longer than 254 characters")
	}
	return s, nil
}

// isPlainAddress reports whether s is an address of the common shape
// local@domain.tld, made only of letters, digits and . _ + - with no dot at
// either end of a part or twice in a row: a subset of what mail.ParseAddress
// accepts unchanged, checked without its cost (bulk apply validates every
// address).
func isPlainAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || !dotAtom(s[:at], "._+-") {
		return false
	}
	domain := s[at+1:]
	return strings.IndexByte(domain, '.') > 0 && dotAtom(domain, ".-")
}

// dotAtom reports whether s is non-empty letters, digits and the extra
// characters, with dots only between other characters.
func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// EmailKey is the form under which e-mail uniqueness is checked: addresses
// differing only in case are the same mailbox for every provider that matters.
func EmailKey(email string) string { return strings.ToLower(email) }

// CheckText validates a free-text field (display name, description): at most
// max characters and no control characters, so tables and logs stay one line.
func CheckText(field, s string, max int) error {
	if len([]rune(s)) > max {
		return Invalid(field, "is %d characters; the maximum is %d", len([]rune(s)), max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return Invalid(field, "must not contain control characters (got %s)", fmt.Sprintf("%U", r))
		}
	}
	return nil
}

// MaxNameLen is the longest group or key type name.
const MaxNameLen = 64

// CheckName validates a group or key type name, which follows the rule of
// policy names: `[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`, case-sensitive (so
// PROVISIONING_READONLY and team-a are both names). field names it in the
// error ("name", "groups[0]").
func CheckName(field, s string) error {
	if s == "" {
		return Invalid(field, "must not be empty")
	}
	if len(s) > MaxNameLen {
		return Invalid(field, "%q is %d characters; the maximum is %d", s, len(s), MaxNameLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			return Invalid(field, "%q may contain only letters, digits, '_', '.' and '-', and must start with a letter or digit", s)
		}
	}
	return nil
}
