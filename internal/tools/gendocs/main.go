// Command gendocs writes keyward's generated files from the code: the
// markdown reference (docs/cli/*.md), the man pages (docs/man/*.1), the
// shell completion scripts (completions/keyward.{bash,zsh,fish,ps1}), and
// the generated sections of hand-written guides (the action catalog in
// docs/policies.md; see sections.go).
//
//	go run ./internal/tools/gendocs            # regenerate in the repository
//	go run ./internal/tools/gendocs -out DIR   # write DIR/docs/cli, DIR/docs/man, DIR/completions
//	go run ./internal/tools/gendocs -out build/release -gzip-man   # for packages (.goreleaser.yaml)
//
// The output is the same on every machine: no "auto generated on" dates,
// man page dates from SOURCE_DATE_EPOCH (else a fixed date), and flag
// defaults as documented ($XDG_DATA_HOME/keyward/keyward.db), never the
// generating user's paths — gendocs fails if one leaks in.
// scripts/check-generated.sh regenerates into a temporary directory and
// fails CI when the committed copies differ.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/cmd/completion"
	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// defaultManDate dates the man pages when SOURCE_DATE_EPOCH is unset, so
// the committed pages do not change with the day they were generated.
// Release builds set SOURCE_DATE_EPOCH to the commit time (.goreleaser.yaml).
var defaultManDate = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Directories written under -out; each is emptied of generated files first,
// so a removed command leaves no stale page behind.
const (
	cliDir        = "docs/cli"
	manDir        = "docs/man"
	completionDir = "completions"
)

func main() {
	out := flag.String("out", ".", "directory to write docs/cli, docs/man, completions/ and the guides' generated sections into")
	src := flag.String("src", ".", "repository root to read the hand-written guides from")
	gzipMan := flag.Bool("gzip-man", false, "compress the man pages (keyward.1.gz), as Debian and RPM packages want them")
	flag.Parse()
	err := generate(*out)
	if err == nil {
		err = writeGuides(*src, *out)
	}
	if err == nil && *gzipMan {
		err = compressManPages(filepath.Join(*out, manDir))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(out string) error {
	date, err := manDate(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	dirs := map[string]string{cliDir: ".md", manDir: ".1", completionDir: ""}
	if err := clean(filepath.Join(out, manDir), ".1.gz"); err != nil {
		return err
	}
	for dir, ext := range dirs {
		if err := clean(filepath.Join(out, dir), ext); err != nil {
			return err
		}
	}
	// A fresh tree for each: cobra/doc adds help commands as it goes, and
	// the man page needs its usage lines escaped.
	md := commandTree()
	prepareTree(md, false)
	if err := doc.GenMarkdownTree(md, filepath.Join(out, cliDir)); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	man := commandTree()
	prepareTree(man, true)
	header := &doc.GenManHeader{Section: "1", Date: &date, Source: "keyward", Manual: "keyward manual"}
	if err := doc.GenManTree(man, header, filepath.Join(out, manDir)); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	cmd := commandTree()
	for _, sh := range completion.Shells {
		var buf bytes.Buffer
		if err := sh.Generate(cmd, &buf, true); err != nil {
			return fmt.Errorf("%s completion: %w", sh.Name, err)
		}
		if err := os.WriteFile(filepath.Join(out, completionDir, sh.File), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	for dir := range dirs {
		if err := checkNoLocalPaths(filepath.Join(out, dir)); err != nil {
			return err
		}
	}
	return nil
}

// commandTree is keyward's command tree as a user sees it, prepared for
// documentation.
func commandTree() *cobra.Command {
	io, _, _, _ := iostreams.Test()
	cmd := root.NewCmdRoot(cmdutil.New(io))
	// `keyward --help` prints the exit codes after the flags (the usage
	// template), which cobra/doc does not render: put them in the page.
	cmd.Long += "\n\n" + exitCodesMarkdown()
	var disable func(c *cobra.Command)
	disable = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			disable(sub)
		}
	}
	disable(cmd)
	return cmd
}

// exitCodesMarkdown is cmdutil.ExitCodesHelp with its table as a code
// block, so markdown keeps the lines apart.
func exitCodesMarkdown() string {
	title, table, _ := strings.Cut(cmdutil.ExitCodesHelp, "\n")
	var b strings.Builder
	b.WriteString(title + "\n\n")
	for _, line := range strings.Split(table, "\n") {
		b.WriteString("    " + strings.TrimSpace(line) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// manDate is SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds
// convention) or defaultManDate when it is unset.
func manDate(epoch string) (time.Time, error) {
	if epoch == "" {
		return defaultManDate, nil
	}
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", epoch)
	}
	if sec <= 0 {
		// goreleaser passes a negative time when it knows no commit.
		return defaultManDate, nil
	}
	return time.Unix(sec, 0).UTC(), nil
}

// clean creates dir and removes the files in it ending in ext (every file
// when ext is empty); subdirectories and other files are left alone.
func clean(dir, ext string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ext) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkNoLocalPaths fails when a generated file names this machine's home
// or XDG directories: a flag default was expanded instead of documented.
func checkNoLocalPaths(dir string) error {
	var local []string
	for _, env := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"} {
		if v := filepath.Clean(os.Getenv(env)); len(v) > 1 && v != "." {
			local = append(local, v)
		}
	}
	if home, err := os.UserHomeDir(); err == nil && len(home) > 1 {
		local = append(local, home)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		for _, p := range local {
			if bytes.Contains(raw, []byte(p)) {
				errs = append(errs, fmt.Errorf("%s contains the local path %s: document the default (e.g. $XDG_DATA_HOME/keyward/keyward.db) instead of expanding it", filepath.Join(dir, e.Name()), p))
			}
		}
	}
	return errors.Join(errs...)
}
