package output

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// exactNeedsQuotes is needsQuotes as it was before the plain-text fast
// path: every string through the YAML parser. needsQuotes must agree with
// it on every input.
func exactNeedsQuotes(s string) bool {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return true
	}
	_, isString := v.(string)
	return !isString || s == "" || isYAML11Bool(s) || strings.ContainsAny(s, ":#\n") || strings.TrimSpace(s) != s
}

// TestNeedsQuotes pins the quoting decision for YAML 1.1 and 1.2 special
// forms and for ordinary values, and that it is the exact check's. False
// is not "written plain": the YAML emitter still quotes what it cannot
// write plain (a leading indicator such as '!' or '|', a line separator),
// in single quotes; needsQuotes adds double quotes for what would read back
// as another type.
func TestNeedsQuotes(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// Booleans and null, YAML 1.2 and 1.1.
		{"true", true}, {"True", true}, {"TRUE", true}, {"false", true}, {"FALSE", true},
		{"tRUE", false}, {"yes", true}, {"Yes", true}, {"YES", true}, {"yEs", false},
		{"no", true}, {"No", true}, {"NO", true}, {"on", true}, {"On", true}, {"ON", true},
		{"off", true}, {"Off", true}, {"OFF", true}, {"y", true}, {"Y", true}, {"n", true}, {"N", true},
		{"null", true}, {"Null", true}, {"NULL", true}, {"nULL", false}, {"~", true}, {"", true},
		{"none", false}, {"nil", false}, {"yess", false}, {"only", false},
		// Numbers.
		{"0", true}, {"123", true}, {"-1", true}, {"+1", true}, {"1_000", true}, {"1.5", true},
		{".5", true}, {"1.", true}, {"1e3", true}, {"1E3", true}, {"1e+06", true}, {"-1.5e-7", true},
		{"0x1F", true}, {"0o17", true}, {"0b101", true}, {"017", true},
		{".inf", true}, {"-.Inf", true}, {"+.INF", true}, {".nan", true}, {".NaN", true},
		{"inf", false}, {"nan", false}, {"e3", false}, {"x1F", false}, {"1a", false}, {"0xZZ", false},
		// Dates and times.
		{"2026-11-23", true}, {"2026-11-23T12:00:00Z", true}, {"2026-11-23 12:00:00", true}, {"12:30", true},
		// Indicators and leading specials.
		{":", true}, {"a: b", true}, {"a:b", true}, {"- x", true}, {"-", true}, {"-x", false}, {"--", false},
		{"---", true}, {"...", true}, {"#x", true}, {"a #b", true}, {"a#b", true},
		{"*a", true}, {"&a", true}, {"!t", false}, {"!!str", false}, {"%x", true}, {"@x", true}, {"`x", true},
		{"'x", true}, {"\"x", true}, {"'x'", false}, {"\"x\"", false}, {"{", true}, {"}", true}, {"{}", true}, {"[", true},
		{"]", true}, {"[]", true}, {"[a, b]", true}, {"{a: b}", true}, {"|", false}, {"|x", true}, {">", false}, {">x", true},
		{"?", true}, {"? x", true}, {"?x", false}, {",", true}, {",x", true}, {"<<", false}, {"<x", false}, {"=", false},
		// Spaces and line breaks.
		{" x", true}, {"x ", true}, {" ", true}, {"\tx", true}, {"x\t", true}, {"a\tb", false}, {"a  b", false},
		{"a\nb", true}, {"a\n", true}, {"a\rb", false}, {"a\r\nb", true}, {"a\u0085b", false}, {"a\u2028b", false}, {"a\u2029b", false},
		// Control characters, byte order mark, invalid UTF-8.
		{"a\x00b", true}, {"a\x07b", true}, {"a\x7fb", true}, {"a\ufeffb", false}, {"a\xffb", true}, {"\xff", true},
		// Ordinary values.
		{"svc-00000", false}, {"default", false}, {"Service user 00000", false}, {"svc-00000@example.com", false},
		{"created by benchfill for bench/cli.sh", false}, {"active", false}, {"ReadOnly", false}, {"MONITORING", false},
		{"local:bench", true}, {"kwk_abcdefghijklmnopqrst", false}, {"•••••x2y3z", false}, {"Service user <1> & co", false},
		{"kw:default:serviceuser/svc", true}, {"a, b [c] {d} (e) 'f' \"g\" *h &i !j %k @l `m |n >o ?p -q =r \\s", false},
		// Unicode.
		{"unicode é 東京", false}, {"é", false}, {"東京", false}, {"😀", false}, {"a😀b", false}, {"ü-x", false}, {"\u00a0x", true},
		{"x\u00a0", true}, {"a\u0080b", true},
		// Long values.
		{strings.Repeat("a", 2000), false}, {strings.Repeat("ab ", 700) + "c", false},
	}
	for _, tt := range tests {
		if got := needsQuotes(tt.in); got != tt.want {
			t.Errorf("needsQuotes(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if exact := exactNeedsQuotes(tt.in); exact != tt.want {
			t.Errorf("exact check of %q = %v, want %v (the table is wrong)", tt.in, exact, tt.want)
		}
	}
}

// TestNeedsQuotesShortStrings compares needsQuotes with the exact check on
// every string of up to three characters that starts with a letter (the
// fast path's domain) over an alphabet of every ASCII punctuation mark,
// space, tab, digits and a few letters.
func TestNeedsQuotesShortStrings(t *testing.T) {
	first := "aenoyftxNOYFT"
	rest := " \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~09aeflnorsuxyENOY"
	if testing.Short() {
		rest = " -.:#*&!?'\"0ay"
	}
	check := func(s string) {
		if got, want := needsQuotes(s), exactNeedsQuotes(s); got != want {
			t.Errorf("needsQuotes(%q) = %v, exact check says %v", s, got, want)
		}
	}
	for _, a := range first {
		check(string(a))
		for _, b := range rest {
			check(string(a) + string(b))
			for _, c := range rest {
				check(string(a) + string(b) + string(c))
			}
		}
	}
}

// FuzzNeedsQuotes compares needsQuotes with the exact check:
// go test -fuzz FuzzNeedsQuotes ./internal/output/
func FuzzNeedsQuotes(f *testing.F) {
	for _, s := range []string{"svc-00000", "yes", "a b", "1e3", "a: b", "é", "a\u2028b", "x\xff", "?x", "a ---"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := needsQuotes(s), exactNeedsQuotes(s); got != want {
			t.Errorf("needsQuotes(%q) = %v, exact check says %v", s, got, want)
		}
	})
}
