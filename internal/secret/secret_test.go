package secret

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

// Known answers computed independently (Python's zlib.crc32 and a by-hand
// base62 encoder), so that a change to the alphabet, the digit order or the
// padding cannot pass unnoticed.
var knownSecrets = []struct{ body, secret string }{
	{strings.Repeat("0", 43), "kws_00000000000000000000000000000000000000000002CZclj"},
	{strings.Repeat("z", 43), "kws_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz0UsatS"},
	{"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg", "kws_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg37cCQ0"},
}

func TestNewSecretShape(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != SecretLength || !strings.HasPrefix(s, SecretPrefix) {
			t.Fatalf("NewSecret() = %d bytes, prefix %q; want %d bytes, prefix %q", len(s), s[:4], SecretLength, SecretPrefix)
		}
		if err := Parse(s); err != nil {
			t.Fatalf("Parse(NewSecret()) = %v", err)
		}
		if !oracleValid(s) {
			t.Fatal("NewSecret() made a secret the reference check refuses")
		}
		if seen[s] {
			t.Fatal("NewSecret() repeated a secret")
		}
		seen[s] = true
	}
}

func TestNewSecretKnownAnswers(t *testing.T) {
	for _, k := range knownSecrets {
		// Bytes below 62 map to themselves, so feed each character's index.
		random := make([]byte, 0, 64)
		for i := range k.body {
			random = append(random, byte(strings.IndexByte(base62Alphabet, k.body[i])))
		}
		random = append(random, make([]byte, 64-len(random))...)
		got, err := newSecret(bytes.NewReader(random))
		if err != nil {
			t.Fatal(err)
		}
		if got != k.secret {
			t.Errorf("secret for body %s = %s, want %s", k.body, got, k.secret)
		}
	}
}

func TestNewSecretRejectsBiasedBytes(t *testing.T) {
	tests := []struct {
		name   string
		random []byte
		body   string
	}{
		{
			name:   "bytes 248..255 are skipped, not folded onto 0..7",
			random: append(bytes.Repeat(seq(unbiasedLimit, 256-unbiasedLimit), 8), bytes.Repeat([]byte{61}, 64)...),
			body:   strings.Repeat("z", 43),
		},
		{
			name:   "b%62 below the limit",
			random: append(append(seq(62, 62), seq(186, 62)...), make([]byte, 4)...),
			body:   base62Alphabet[:43],
		},
		{
			name: "rejections inside a block shift the body",
			random: append(append([]byte{255, 0, 254, 1, 248, 2}, bytes.Repeat([]byte{247}, 58)...),
				make([]byte, 64)...),
			body: "012" + strings.Repeat(string(base62Alphabet[247%62]), 40),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newSecret(bytes.NewReader(tt.random))
			if err != nil {
				t.Fatal(err)
			}
			if body := got[len(SecretPrefix) : len(SecretPrefix)+secretBodyLength]; body != tt.body {
				t.Errorf("body = %s, want %s", body, tt.body)
			}
			if err := Parse(got); err != nil {
				t.Errorf("Parse = %v", err)
			}
		})
	}
}

func TestNewSecretRandomFailure(t *testing.T) {
	tests := []struct {
		name   string
		random io.Reader
	}{
		{"nothing", bytes.NewReader(nil)},
		{"short first block", bytes.NewReader(make([]byte, 10))},
		// 64 rejected bytes, then the source runs dry.
		{"short second block", bytes.NewReader(bytes.Repeat([]byte{255}, 64))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newSecret(tt.random)
			if err == nil || s != "" {
				t.Fatalf("newSecret() = %q, %v; want an error", s, err)
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v does not wrap the reader's", err)
			}
		})
	}
}

func TestParse(t *testing.T) {
	valid := knownSecrets[2].secret
	tests := []struct {
		name   string
		in     string
		reason string // "" = valid
		hint   string
	}{
		{name: "valid", in: valid},
		{name: "valid all zero", in: knownSecrets[0].secret},
		{name: "valid all z", in: knownSecrets[1].secret},
		{name: "empty", in: "", reason: reasonEmpty},
		{name: "trailing newline", in: valid + "\n", reason: reasonWhitespace},
		{name: "leading space", in: " " + valid, reason: reasonWhitespace},
		{name: "only whitespace", in: " \t", reason: reasonWhitespace},
		{name: "key id", in: "kwk_abcdefghijklmnopqrst", reason: reasonPrefix, hint: "this is an access key id, not its secret"},
		{name: "upper-case prefix", in: "KWS_" + valid[4:], reason: reasonPrefix},
		{name: "other vendor", in: "ghp_" + valid[4:], reason: reasonPrefix},
		{name: "prefix only", in: "kws_", reason: reasonTooShort},
		{name: "truncated by one", in: valid[:len(valid)-1], reason: reasonTooShort},
		{name: "missing checksum", in: valid[:4+43], reason: reasonTooShort},
		{name: "one extra", in: valid + "0", reason: reasonTooLong},
		{name: "pasted twice", in: valid + valid, reason: reasonTooLong},
		{name: "dash in body", in: valid[:10] + "-" + valid[11:], reason: reasonCharacter},
		{name: "underscore in checksum", in: valid[:50] + "_" + valid[51:], reason: reasonCharacter},
		{name: "NUL", in: valid[:20] + "\x00" + valid[21:], reason: reasonCharacter},
		{name: "non-ASCII same length", in: valid[:20] + "\u00e9" + valid[22:], reason: reasonCharacter},
		{name: "one character changed", in: valid[:10] + "x" + valid[11:], reason: reasonChecksum},
		{name: "neighbours swapped", in: valid[:10] + valid[11:12] + valid[10:11] + valid[12:], reason: reasonChecksum},
		{name: "checksum character changed", in: valid[:len(valid)-1] + "1", reason: reasonChecksum},
		{name: "case flipped", in: "kws_" + swapCase(valid[4:]), reason: reasonChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Parse(tt.in)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Parse() = %v, want nil", err)
				}
				return
			}
			var e *domain.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse() = %v (%T), want a *domain.Error", err, err)
			}
			if !errors.Is(err, domain.ErrUnauthenticated) {
				t.Errorf("code = %s, want %s", e.Code, domain.CodeUnauthenticated)
			}
			if want := "not a keyward secret: " + tt.reason; e.Message != want {
				t.Errorf("message = %q, want %q", e.Message, want)
			}
			if e.Hint != tt.hint {
				t.Errorf("hint = %q, want %q", e.Hint, tt.hint)
			}
		})
	}
}

// TestParseCatchesEverySingleChange is the secret-scanning promise: any
// one-character typo in a real secret is recognised offline.
func TestParseCatchesEverySingleChange(t *testing.T) {
	for range 100 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		assertEverySingleChangeFails(t, s)
	}
}

func TestParseErrorNeverQuotesTheSecret(t *testing.T) {
	for range 100 {
		s, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{
			s[:20] + "!" + s[21:],
			s[:len(s)-1] + string(base62Alphabet[(strings.IndexByte(base62Alphabet, s[len(s)-1])+1)%62]),
			s[:len(s)-1],
			s + "a",
			s + "\n",
			"x" + s[1:],
		} {
			msg := Parse(bad).Error()
			// Any 8 characters of a random body appearing in a fixed message by
			// chance has a probability around 1e-11.
			for i := len(SecretPrefix); i+8 <= len(s); i++ {
				if strings.Contains(msg, s[i:i+8]) {
					t.Fatalf("error %q quotes part of the secret", msg)
				}
			}
		}
	}
}

func TestHint(t *testing.T) {
	tests := []struct{ in, want string }{
		{knownSecrets[2].secret, "•••••7cCQ0"},
		{knownSecrets[0].secret, "•••••CZclj"},
		{"", "•••••"},
		{"abc", "•••••"},
		{"abcdefghi", "•••••"}, // 9: too short to show 5
		{"abcdefghij", "•••••fghij"},
		{"éééééééééé", "•••••ééééé"}, // characters, not bytes
	}
	for _, tt := range tests {
		if got := Hint(tt.in); got != tt.want {
			t.Errorf("Hint(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHintShowsOnlyChecksum guards the claim in Hint's doc: the visible
// characters of a real secret's hint all lie inside its checksum.
func TestHintShowsOnlyChecksum(t *testing.T) {
	if hintVisible > checksumLength {
		t.Fatalf("Hint shows %d characters, more than the %d-character checksum", hintVisible, checksumLength)
	}
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Hint(s), "•••••"+s[SecretLength-hintVisible:]; got != want {
		t.Fatalf("Hint = %q, want %q", got, want)
	}
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func TestParseAllocatesNothing(t *testing.T) {
	s := knownSecrets[2].secret
	if n := testing.AllocsPerRun(100, func() { _ = Parse(s) }); n != 0 {
		t.Fatalf("Parse of a valid secret allocates %v times, want 0", n)
	}
}
