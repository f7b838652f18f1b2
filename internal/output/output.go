// Package output prints keyward's results: tables on a terminal,
// tab-separated rows when piped, or complete JSON/YAML. Each resource owns
// its columns (in its command package) and hands this package a Table.
package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/charmbracelet/x/ansi"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/muesli/termenv"
)

// Format is the value of --output.
type Format string

// Output formats.
const (
	FormatTable Format = "table"
	FormatJSON  Format = "json"
	FormatYAML  Format = "yaml"
)

// ParseFormat validates an --output value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case "", FormatTable:
		return FormatTable, nil
	case FormatJSON, FormatYAML:
		return f, nil
	}
	return "", domain.Invalid("output", "%q is not a format; use table, json or yaml", s)
}

// Options are the global output flags.
type Options struct {
	Format    Format
	Quiet     bool // ids only
	NoHeaders bool
}

// Table is the tabular view of a list. The first column is the id, which
// --quiet prints alone.
type Table struct {
	Headers []string
	Rows    [][]string
	// MaxWidths caps, on a terminal only, the width (in cells) of the
	// columns it names by index, so one long free-text value cannot stretch
	// the table: a longer cell is cut and ends in "…". Piped rows, JSON and
	// YAML always carry the full value.
	MaxWidths map[int]int
}

// Printer writes results to one IOStreams according to Options.
type Printer struct {
	IO   *iostreams.IOStreams
	Opts Options
}

// List prints a list: data (a slice) as JSON/YAML, or t as a table.
func (p *Printer) List(data any, t Table) error {
	switch p.Opts.Format {
	case FormatJSON, FormatYAML:
		return p.Data(data)
	}
	w := bufio.NewWriterSize(p.IO.Out, 64<<10)
	if p.Opts.Quiet {
		for _, r := range t.Rows {
			w.WriteString(r[0])
			w.WriteByte('\n')
		}
		return w.Flush()
	}
	if p.IO.IsStdoutTTY() {
		if len(t.Rows) == 0 {
			fmt.Fprintln(p.IO.ErrOut, "No results.")
			return nil
		}
		w.WriteString(p.render(t.Headers, t.truncatedRows(), !p.Opts.NoHeaders))
		w.WriteByte('\n')
		return w.Flush()
	}
	if !p.Opts.NoHeaders {
		writeTSV(w, t.Headers)
	}
	for _, r := range t.Rows {
		writeTSV(w, r)
	}
	return w.Flush()
}

// truncatedRows returns the rows with the cells of MaxWidths cut to their
// width; the rows themselves when nothing needs cutting.
func (t Table) truncatedRows() [][]string {
	if len(t.MaxWidths) == 0 {
		return t.Rows
	}
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = r
		cloned := false
		for col, width := range t.MaxWidths {
			if col >= len(r) || ansi.StringWidth(r[col]) <= width {
				continue
			}
			if !cloned { // the caller's rows stay as they are
				out[i], cloned = slices.Clone(r), true
			}
			out[i][col] = ansi.Truncate(r[col], width, ellipsis)
		}
	}
	return out
}

// ellipsis ends a cell cut to fit its column.
const ellipsis = "…"

// Object prints one object: data as JSON/YAML, its id with --quiet, or the
// field/value pairs.
func (p *Printer) Object(data any, id string, fields [][2]string) error {
	switch p.Opts.Format {
	case FormatJSON, FormatYAML:
		return p.Data(data)
	}
	if p.Opts.Quiet {
		_, err := fmt.Fprintln(p.IO.Out, id)
		return err
	}
	w := bufio.NewWriter(p.IO.Out)
	if p.IO.IsStdoutTTY() {
		width := 0
		for _, f := range fields {
			width = max(width, len(f[0]))
		}
		label := lipgloss.NewStyle()
		if p.IO.ColorEnabled() {
			label = p.renderer().NewStyle().Bold(true)
		}
		for _, f := range fields {
			fmt.Fprintf(w, "%s  %s\n", label.Render(fmt.Sprintf("%-*s", width+1, f[0]+":")), f[1])
		}
		return w.Flush()
	}
	for _, f := range fields {
		writeTSV(w, []string{f[0], f[1]})
	}
	return w.Flush()
}

// Data prints data as JSON or YAML (never a table). A list is written
// element by element (WriteJSON, WriteYAML).
func (p *Printer) Data(data any) error {
	w := bufio.NewWriterSize(p.IO.Out, 64<<10)
	write := WriteJSON
	if p.Opts.Format == FormatYAML {
		write = WriteYAML
	}
	if err := write(w, data); err != nil {
		return err
	}
	return w.Flush()
}

// MarshalJSON is keyward's JSON: indented two spaces, no HTML escaping,
// ending in a newline.
func MarshalJSON(data any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(data)
	return buf.Bytes(), err
}

// tsvCellCleaner keeps a cell on its line and in its column.
var tsvCellCleaner = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

// writeTSV writes one tab-separated line. Cells rarely hold a tab or a line
// break, so the common case writes them as they are.
func writeTSV(w io.StringWriter, cells []string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteString("\t")
		}
		if strings.ContainsAny(c, "\t\n\r") {
			c = tsvCellCleaner.Replace(c)
		}
		w.WriteString(c)
	}
	w.WriteString("\n")
}

func (p *Printer) renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(p.IO.Out)
	if !p.IO.ColorEnabled() {
		r.SetColorProfile(termenv.Ascii)
	}
	return r
}

func (p *Printer) render(headers []string, rows [][]string, showHeaders bool) string {
	r := p.renderer()
	header := r.NewStyle().Padding(0, 1)
	if p.IO.ColorEnabled() {
		header = header.Bold(true).Foreground(lipgloss.Color("12"))
	}
	cell := r.NewStyle().Padding(0, 1)
	t := table.New().Border(lipgloss.RoundedBorder()).Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return header
			}
			return cell
		})
	if showHeaders {
		t.Headers(headers...)
	}
	return t.Render()
}

// Time formats a time for tables: RFC 3339 UTC, or "-" when zero.
func Time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// TimePtr formats an optional time; nil prints as none.
func TimePtr(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return Time(*t)
}

// Str formats an optional string; nil or empty prints "-".
func Str(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

// Join formats a list for a table cell; empty prints "-".
func Join(l []string) string {
	if len(l) == 0 {
		return "-"
	}
	return strings.Join(l, ",")
}

// Count formats n of a regular noun for messages: "1 access key", "3 access keys".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
