package output

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// needsQuotes reports whether a string would read back as another type, in
// YAML 1.2 or (like yaml.v3 quotes Go strings) as a YAML 1.1 boolean; or
// holds a colon, a hash, a line break or surrounding spaces, which keyward
// always quotes. Most values are plain words (ids, names, e-mails) that a
// cheap scan clears; anything else is decided by parsing it
// (readsBackAsOther), so the answer is always the parser's.
func needsQuotes(s string) bool {
	if s == "" || strings.ContainsAny(s, ":#\n") || strings.TrimSpace(s) != s || isYAML11Bool(s) {
		return true
	}
	if isPlainText(s) {
		return false
	}
	return readsBackAsOther(s)
}

// readsBackAsOther reports whether s, parsed as a YAML document, is not
// the string s (a number, a boolean, null, a date, a list, an alias, ...)
// or does not parse. It is the exact check needsQuotes falls back to.
func readsBackAsOther(s string) bool {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return true
	}
	_, isString := v.(string)
	return !isString
}

// isPlainText reports whether s certainly reads back as itself from a
// plain YAML scalar: it starts with an ASCII letter (no indicator, number,
// date or special float starts so), is not one of the words YAML reads as
// a boolean or null (compared ignoring case, to stay clear of them), and
// holds only printable characters that are not line breaks. Callers have
// already refused ':', '#', line breaks and surrounding spaces, the only
// characters that matter inside a plain scalar outside flow collections.
// False means "ask the parser", not "needs quotes".
func isPlainText(s string) bool {
	c := s[0]
	if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
		return false
	}
	if len(s) <= 5 && isReservedWord(s) {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c > 0x7e {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 || !isPrintableNonBreak(r) { // size 1: invalid UTF-8
			return false
		}
		i += size
	}
	return true
}

// isReservedWord reports whether s is, ignoring case, a word YAML 1.1 or
// 1.2 reads as a boolean or null.
func isReservedWord(s string) bool {
	for _, w := range [...]string{"true", "false", "null", "y", "yes", "n", "no", "on", "off"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// isPrintableNonBreak reports whether the non-ASCII rune r is one YAML
// allows in a document (its printable set) and not a line break (NEL,
// LINE SEPARATOR, PARAGRAPH SEPARATOR) or a byte order mark.
func isPrintableNonBreak(r rune) bool {
	switch {
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false // C1 controls incl. NEL, surrogates, U+FFFE/U+FFFF, RuneError of invalid UTF-8
}

// isYAML11Bool reports whether YAML 1.1 readers (PyYAML, older tools) take
// s for a boolean.
func isYAML11Bool(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return false
}
