package output

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"go.yaml.in/yaml/v3"
)

var sample = Table{
	Headers: []string{"ID", "DISPLAY NAME", "EMAIL"},
	Rows: [][]string{
		{"billing", "Billing Sync", "-"},
		{"ci-bot", "with\ttab and\nnewline", "ci@example.com"},
	},
}

// printer returns a printer over test streams; stdoutTTY pretends stdout is
// a terminal (colour stays off, as iostreams.Test leaves it).
func printer(opts Options, stdoutTTY bool) (p *Printer, out, errOut *bytes.Buffer) {
	io, _, out, errOut := iostreams.Test()
	io.SetTTY(false, stdoutTTY)
	return &Printer{IO: io, Opts: opts}, out, errOut
}

func TestListPiped(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"header and rows", Options{Format: FormatTable},
			"ID\tDISPLAY NAME\tEMAIL\nbilling\tBilling Sync\t-\nci-bot\twith tab and newline\tci@example.com\n"},
		{"no headers", Options{Format: FormatTable, NoHeaders: true},
			"billing\tBilling Sync\t-\nci-bot\twith tab and newline\tci@example.com\n"},
		{"quiet", Options{Format: FormatTable, Quiet: true}, "billing\nci-bot\n"},
		{"quiet without headers", Options{Format: FormatTable, Quiet: true, NoHeaders: true}, "billing\nci-bot\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, _ := printer(tt.opts, false)
			if err := p.List(nil, sample); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("output:\n%q\nwant:\n%q", out, tt.want)
			}
		})
	}
}

func TestListPipedEmpty(t *testing.T) {
	p, out, errOut := printer(Options{Format: FormatTable}, false)
	if err := p.List([]int{}, Table{Headers: sample.Headers}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "ID\tDISPLAY NAME\tEMAIL\n" || errOut.String() != "" {
		t.Errorf("empty piped list = %q, stderr %q; want the header only", out, errOut)
	}
}

func TestListTerminal(t *testing.T) {
	p, out, errOut := printer(Options{Format: FormatTable}, true)
	if err := p.List(nil, sample); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "\x1b") {
		t.Errorf("table with colour off contains an ANSI escape:\n%q", s)
	}
	for _, want := range []string{"╭", "╰", "ID", "DISPLAY NAME", "Billing Sync", "ci@example.com"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if errOut.String() != "" {
		t.Errorf("stderr = %q", errOut)
	}

	p, out, _ = printer(Options{Format: FormatTable, NoHeaders: true}, true)
	if err := p.List(nil, sample); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "DISPLAY NAME") {
		t.Errorf("--no-headers table has the header:\n%s", out)
	}

	p, out, errOut = printer(Options{Format: FormatTable}, true)
	if err := p.List(nil, Table{Headers: sample.Headers}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "" || errOut.String() != "No results.\n" {
		t.Errorf("empty table: stdout %q, stderr %q", out, errOut)
	}
}

// user is a service user as the service returns it: lists normalised.
func user() domain.ServiceUser {
	u := domain.ServiceUser{ID: "ci-bot", Tenant: "default", DisplayName: "ci-bot", Status: domain.UserActive,
		CreatedAt: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), CreatedBy: "local:tester", UpdatedAt: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	u.Normalize()
	return u
}

func TestJSONComplete(t *testing.T) {
	p, out, _ := printer(Options{Format: FormatJSON}, true)
	if err := p.List([]domain.ServiceUser{user()}, Table{}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := []string{"id", "tenant", "displayName", "email", "description", "status", "cidrAllowList", "policies", "groups", "owners", "accessKeys", "allowedKeyTypes", "createdAt", "createdBy", "updatedAt"}
	if len(got) != 1 || len(got[0]) != len(want) {
		t.Fatalf("got %v, want one object with %d fields", got, len(want))
	}
	for _, k := range want {
		if _, ok := got[0][k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if got[0]["email"] != nil {
		t.Errorf("email = %v, want null", got[0]["email"])
	}
	for _, k := range []string{"cidrAllowList", "policies", "accessKeys"} {
		if l, ok := got[0][k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v, want []", k, got[0][k])
		}
	}
	if !strings.HasPrefix(out.String(), "[\n  {\n    \"id\": \"ci-bot\",") || !strings.HasSuffix(out.String(), "]\n") {
		t.Errorf("not indented two spaces with a final newline:\n%s", out)
	}

	// An empty list is [], an object with --quiet is still the object.
	p, out, _ = printer(Options{Format: FormatJSON, Quiet: true}, false)
	if err := p.List([]domain.ServiceUser{}, Table{}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "[]\n" {
		t.Errorf("empty list = %q, want []", out)
	}
	if raw, _ := MarshalJSON(map[string]string{"u": "<a&b>"}); !strings.Contains(string(raw), "<a&b>") {
		t.Errorf("HTML escaped: %s", raw)
	}
}

func TestYAML(t *testing.T) {
	type doc struct {
		Zeta     string   `json:"zeta"`
		Alpha    string   `json:"alpha"`
		Bool     string   `json:"bool"`
		Yes      string   `json:"yes"`
		Number   string   `json:"number"`
		Float    string   `json:"float"`
		Null     string   `json:"null"`
		Tilde    string   `json:"tilde"`
		Empty    string   `json:"empty"`
		Colon    string   `json:"colon"`
		Hash     string   `json:"hash"`
		Spaces   string   `json:"spaces"`
		Newline  string   `json:"newline"`
		Date     string   `json:"date"`
		Plain    string   `json:"plain"`
		RealBool bool     `json:"realBool"`
		RealNum  int      `json:"realNum"`
		Nil      *string  `json:"nil"`
		List     []string `json:"list"`
		Empties  []string `json:"empties"`
	}
	in := doc{Zeta: "first", Alpha: "second", Bool: "true", Yes: "yes", Number: "123", Float: "1.5e3", Null: "null", Tilde: "~",
		Colon: "a: b", Hash: "x #y", Spaces: " padded ", Newline: "two\nlines", Date: "2026-11-23", Plain: "ci-bot",
		RealBool: true, RealNum: 7, List: []string{"a", "false"}, Empties: []string{}}
	p, out, _ := printer(Options{Format: FormatYAML}, false)
	if err := p.Data(in); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	// Field order is the JSON order.
	var keys []string
	for _, line := range strings.Split(s, "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") {
			keys = append(keys, strings.Trim(k, `"`))
		}
	}
	wantKeys := []string{"zeta", "alpha", "bool", "yes", "number", "float", "null", "tilde", "empty", "colon", "hash", "spaces", "newline", "date", "plain", "realBool", "realNum", "nil", "list", "empties"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("keys in order %v, want %v\n%s", keys, wantKeys, s)
	}
	for _, line := range []string{`bool: "true"`, `number: "123"`, `"null": "null"`, `"yes": "yes"`, `tilde: "~"`, `date: "2026-11-23"`, `colon: "a: b"`, `spaces: " padded "`, `empty: ""`, `plain: ci-bot`, `realBool: true`, `realNum: 7`, `nil: null`, `empties: []`, `  - "false"`} {
		if !strings.Contains(s, line+"\n") {
			t.Errorf("YAML lacks line %q:\n%s", line, s)
		}
	}
	// Every value reads back as what JSON says it is.
	var fromYAML, fromJSON map[string]any
	if err := yaml.Unmarshal([]byte(s), &fromYAML); err != nil {
		t.Fatalf("YAML does not parse: %v\n%s", err, s)
	}
	raw, _ := json.Marshal(in)
	if err := json.Unmarshal(raw, &fromJSON); err != nil {
		t.Fatal(err)
	}
	for k, want := range fromJSON {
		got := fromYAML[k]
		if n, ok := got.(int); ok {
			got = float64(n)
		}
		if l, ok := got.([]any); ok && len(l) == 0 {
			got = []any{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s reads back as %#v (%T), want %#v", k, got, got, want)
		}
	}
}

func TestObject(t *testing.T) {
	fields := [][2]string{{"id", "ci-bot"}, {"email", "-"}, {"description", "two\tcells"}}
	p, out, _ := printer(Options{Format: FormatTable}, false)
	if err := p.Object(nil, "ci-bot", fields); err != nil {
		t.Fatal(err)
	}
	if want := "id\tci-bot\nemail\t-\ndescription\ttwo cells\n"; out.String() != want {
		t.Errorf("piped object = %q, want %q", out, want)
	}

	p, out, _ = printer(Options{Format: FormatTable, Quiet: true}, true)
	if err := p.Object(nil, "ci-bot", fields); err != nil {
		t.Fatal(err)
	}
	if out.String() != "ci-bot\n" {
		t.Errorf("quiet object = %q", out)
	}

	p, out, _ = printer(Options{Format: FormatTable}, true)
	if err := p.Object(nil, "ci-bot", fields); err != nil {
		t.Fatal(err)
	}
	if want := "id:           ci-bot\nemail:        -\ndescription:  two\tcells\n"; out.String() != want {
		t.Errorf("terminal object =\n%q\nwant\n%q", out, want)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatTable, "table": FormatTable, "JSON": FormatJSON, "yaml": FormatYAML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), `output: "xml" is not a format; use table, json or yaml`) {
		t.Errorf("ParseFormat(xml) = %v", err)
	}
}

func TestCellFormatters(t *testing.T) {
	s := "x"
	empty := ""
	ts := time.Date(2026, 11, 23, 13, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct{ got, want string }{
		{Time(time.Time{}), "-"},
		{Time(ts), "2026-11-23T12:00:00Z"},
		{TimePtr(nil, "never"), "never"},
		{TimePtr(&ts, "never"), "2026-11-23T12:00:00Z"},
		{Str(nil), "-"},
		{Str(&empty), "-"},
		{Str(&s), "x"},
		{Join(nil), "-"},
		{Join([]string{"a", "b"}), "a,b"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d = %q, want %q", i, tt.got, tt.want)
		}
	}
}

// A column with a width cap is cut (ending in "…") on a terminal only;
// piped rows carry the whole value, and the caller's rows are not changed.
func TestListMaxWidths(t *testing.T) {
	long := "successor kwk_abcdefghijklmnopqrst; kwk_bcdefghijklmnopqrstu revoked at 2026-11-25T12:00:00Z"
	wide := "東京東京東京" // 12 cells
	tbl := Table{
		Headers:   []string{"SEQ", "DETAIL"},
		Rows:      [][]string{{"1", long}, {"2", "short"}, {"3", wide}},
		MaxWidths: map[int]int{1: 10},
	}
	tests := []struct {
		name          string
		tty           bool
		want, notWant []string
	}{
		{"terminal", true, []string{"│ successor… │", "short", "東京東京…"}, []string{long, wide}},
		{"piped", false, []string{"1\t" + long + "\n", "2\tshort\n", "3\t" + wide + "\n"}, []string{"…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, _ := printer(Options{Format: FormatTable}, tt.tty)
			if err := p.List(nil, tbl); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
	if tbl.Rows[0][1] != long || tbl.Rows[2][1] != wide {
		t.Errorf("the caller's rows were changed: %q", tbl.Rows)
	}
}
