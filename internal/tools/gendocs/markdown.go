package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// Help texts are written for a terminal, but cobra/doc hands Short and Long
// to markdown (docs/cli) and to md2man (docs/man) as they are. There,
// "<id>" is read as an HTML tag and vanishes, and "key:*" may start an
// emphasis. prepareTree escapes those in prose, leaving code alone.

// prepareTree makes every command's texts safe for markdown; forMan also
// escapes the usage line, which the man page prints as bold markdown (the
// markdown reference prints it in a code block).
func prepareTree(c *cobra.Command, forMan bool) {
	c.Short = escapeProse(c.Short)
	c.Long = escapeProse(c.Long)
	if forMan {
		c.Use = escapeInline(c.Use)
	}
	for _, sub := range c.Commands() {
		prepareTree(sub, forMan)
	}
}

// escapeProse escapes the markdown specials of text outside code: fenced
// blocks, lines indented by four spaces or a tab, and `code spans`.
func escapeProse(text string) string {
	lines := strings.Split(text, "\n")
	fenced := false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			fenced = !fenced
		case fenced, strings.HasPrefix(line, "    "), strings.HasPrefix(line, "\t"):
		default:
			lines[i] = escapeInline(line)
		}
	}
	return strings.Join(lines, "\n")
}

// escapeInline backslash-escapes '<' and '*' outside `code spans`.
func escapeInline(line string) string {
	var b strings.Builder
	inCode := false
	for _, r := range line {
		switch {
		case r == '`':
			inCode = !inCode
		case !inCode && (r == '<' || r == '*'):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
