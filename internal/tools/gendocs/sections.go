package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyward/keyward/internal/authz"
)

// Parts of the hand-written guides come from code, so they cannot drift:
// between the markers
//
//	<!-- generated:NAME begin (go run ./internal/tools/gendocs) -->
//	<!-- generated:NAME end -->
//
// gendocs puts the section's current text; the prose around them is left
// as written.

// guideSections maps a guide (relative to the repository) to its generated
// sections.
var guideSections = map[string]map[string]func() string{
	"docs/policies.md": {
		"actions":   authz.CatalogMarkdown,
		"resources": authz.ResourcesMarkdown,
	},
}

// writeGuides reads each guide from src, fills its generated sections and
// writes it under out (src and out may be the same directory).
func writeGuides(src, out string) error {
	for guide, sections := range guideSections {
		raw, err := os.ReadFile(filepath.Join(src, guide))
		if err != nil {
			return err
		}
		text := string(raw)
		for name, gen := range sections {
			if text, err = fillSection(text, name, gen()); err != nil {
				return fmt.Errorf("%s: %w", guide, err)
			}
		}
		dst := filepath.Join(out, guide)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// fillSection replaces what is between the begin and end markers of
// section name with body.
func fillSection(text, name, body string) (string, error) {
	begin := "<!-- generated:" + name + " begin (go run ./internal/tools/gendocs) -->\n"
	end := "<!-- generated:" + name + " end -->"
	i := strings.Index(text, begin)
	j := strings.Index(text, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("no generated section %q: want the lines %q and %q", name, strings.TrimSpace(begin), end)
	}
	body = strings.TrimRight(body, "\n") + "\n"
	return text[:i+len(begin)] + body + text[j:], nil
}
