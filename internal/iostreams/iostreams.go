// Package iostreams decides once, for the whole process, whether stdin and
// stdout are terminals and whether colour is on. Commands ask it; they never
// look at os.Stdout themselves.
package iostreams

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are a command's standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	color     bool
	inFd      int
	lineIn    *bufio.Reader
}

// System returns the process's streams. Colour is on only when stdout is a
// terminal and neither NO_COLOR nor TERM=dumb says otherwise (--no-color is
// applied later with SetColorEnabled).
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		inFd:      int(os.Stdin.Fd()),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.color = s.stdoutTTY && !noColor && os.Getenv("TERM") != "dumb"
	return s
}

// Test returns streams over buffers: no terminal, no colour.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, inFd: -1}, in, out, errOut
}

// SetTTY overrides terminal detection (tests).
func (s *IOStreams) SetTTY(stdin, stdout bool) { s.stdinTTY, s.stdoutTTY = stdin, stdout }

// SetStderrTTY overrides terminal detection of stderr (tests).
func (s *IOStreams) SetStderrTTY(on bool) { s.stderrTTY = on }

// IsStderrTTY reports whether stderr is a terminal: where progress bars go.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal: tables and warnings for
// humans; plain tab-separated output otherwise.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// CanPrompt reports whether a human can answer a question: stdin is a
// terminal (questions go to stderr, so stdout may be piped).
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY }

// ColorEnabled reports whether output may contain ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// SetColorEnabled turns colour off (--no-color) or on.
func (s *IOStreams) SetColorEnabled(on bool) { s.color = on && s.stdoutTTY }

// Confirm asks a yes/no question on the terminal; only "y" or "yes" agree.
func (s *IOStreams) Confirm(question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s [y/N]: ", question)
	line, err := s.ReadLine()
	if err != nil && line == "" {
		return false, err
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// ReadLine reads one line from stdin without its newline.
func (s *IOStreams) ReadLine() (string, error) {
	if s.lineIn == nil {
		s.lineIn = bufio.NewReader(s.In)
	}
	line, err := s.lineIn.ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

// ReadSecret reads a secret: with a no-echo prompt on a terminal, else one
// line from stdin. Surrounding white space is removed.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	if s.stdinTTY && s.inFd >= 0 {
		fmt.Fprint(s.ErrOut, prompt)
		b, err := term.ReadPassword(s.inFd)
		fmt.Fprintln(s.ErrOut)
		return strings.TrimSpace(string(b)), err
	}
	line, err := s.ReadLine()
	if err != nil && line == "" {
		if err == io.EOF {
			return "", fmt.Errorf("no secret on stdin")
		}
		return "", err
	}
	return strings.TrimSpace(line), nil
}
