package secret

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/domain"
)

// FuzzParse checks, for any input s, that Parse does not panic, agrees with
// an independent reference implementation, and fails only with the
// documented error. Then it derives a valid secret from s, checks that Parse
// accepts it, and that changing the byte at pos to c, deleting it, or
// inserting c there makes Parse fail. (TestParseCatchesEverySingleChange
// tries every position and replacement on fresh secrets; doing that per fuzz
// input would slow the fuzzer a hundredfold.) The seed corpus in
// testdata/fuzz/FuzzParse runs with every plain `go test`.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, pos uint8, c byte) {
		err := Parse(s)
		if want := oracleValid(s); (err == nil) != want {
			t.Fatalf("Parse(%q) = %v, reference says valid = %v", s, err, want)
		}
		if err != nil {
			assertNotASecret(t, err)
		}

		valid := secretFromSeed(s)
		if !oracleValid(valid) {
			t.Fatalf("derived secret %q fails the reference check", valid)
		}
		if err := Parse(valid); err != nil {
			t.Fatalf("Parse(%q) = %v, want nil", valid, err)
		}
		i := int(pos) % len(valid)
		changed := []string{valid[:i] + valid[i+1:], valid[:i] + string(c) + valid[i:]}
		if c != valid[i] {
			changed = append(changed, valid[:i]+string(c)+valid[i+1:])
		}
		for _, bad := range changed {
			err := Parse(bad)
			if err == nil {
				t.Fatalf("Parse accepted %q, a one-byte change at %d of %q", bad, i, valid)
			}
			assertNotASecret(t, err)
		}
	})
}

// TestFuzzParseCorpus keeps the committed corpus honest: it must hold both
// valid secrets (so the fuzz property runs on real ones) and invalid inputs.
func TestFuzzParseCorpus(t *testing.T) {
	seeds := readStringCorpus(t, "FuzzParse")
	var valid, invalid int
	for _, s := range seeds {
		if Parse(s) == nil {
			valid++
		} else {
			invalid++
		}
	}
	if valid < 3 || invalid < 5 {
		t.Fatalf("corpus has %d valid and %d invalid seeds, want at least 3 and 5", valid, invalid)
	}
}

// secretPattern and oracleChecksum are a second, deliberately different
// implementation of the format: a regular expression and math/big's base62
// (whose digit order 0-9a-zA-Z differs from keyward's, hence the case swap).
var secretPattern = regexp.MustCompile(`^kws_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$`)

func oracleValid(s string) bool {
	m := secretPattern.FindStringSubmatch(s)
	return m != nil && oracleChecksum(m[1]) == m[2]
}

func oracleChecksum(body string) string {
	sum := new(big.Int).SetUint64(uint64(crc32IEEE([]byte(body))))
	digits := swapCase(sum.Text(62))
	return strings.Repeat("0", 6-len(digits)) + digits
}

// crc32IEEE is a bitwise CRC-32 (reflected polynomial 0xEDB88320), written
// out so that the reference does not share hash/crc32 with the code.
func crc32IEEE(p []byte) uint32 {
	crc := ^uint32(0)
	for _, b := range p {
		crc ^= uint32(b)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ 0xEDB88320
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

// secretFromSeed builds a valid secret whose body is taken from seed's bytes.
func secretFromSeed(seed string) string {
	body := make([]byte, secretBodyLength)
	for i := range body {
		var b byte
		if i < len(seed) {
			b = seed[i]
		}
		body[i] = base62Alphabet[b%62]
	}
	s := make([]byte, SecretLength)
	copy(s, SecretPrefix)
	copy(s[len(SecretPrefix):], body)
	putChecksum(s[len(SecretPrefix)+secretBodyLength:], body)
	return string(s)
}

// replacements are tried at every position of a valid secret: every base62
// character plus bytes a paste or a typo could bring.
var replacements = base62Alphabet + "-_+/= \t\n\x00\xff"

func assertEverySingleChangeFails(t *testing.T, valid string) {
	t.Helper()
	b := []byte(valid)
	for i, orig := range b {
		for j := range len(replacements) {
			c := replacements[j]
			if c == orig {
				continue
			}
			b[i] = c
			if err := Parse(string(b)); err == nil {
				t.Fatalf("Parse accepted %q, %q with byte %d changed", b, valid, i)
			} else {
				assertNotASecret(t, err)
			}
		}
		b[i] = orig
	}
	// Dropping or adding a character must fail too.
	for i := range len(valid) {
		if Parse(valid[:i]+valid[i+1:]) == nil {
			t.Fatalf("Parse accepted %q with byte %d removed", valid, i)
		}
		if Parse(valid[:i]+"a"+valid[i:]) == nil {
			t.Fatalf("Parse accepted %q with a byte inserted at %d", valid, i)
		}
	}
}

// assertNotASecret checks the documented error: unauthenticated, and a
// message made only of fixed text, so it cannot quote its input.
func assertNotASecret(t *testing.T, err error) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeUnauthenticated {
		t.Fatalf("error %v (%T) is not an unauthenticated *domain.Error", err, err)
	}
	switch strings.TrimPrefix(e.Message, "not a keyward secret: ") {
	case reasonEmpty, reasonWhitespace, reasonPrefix, reasonTooShort, reasonTooLong, reasonCharacter, reasonChecksum:
	default:
		t.Fatalf("unexpected message %q", e.Message)
	}
	if e.Hint != "" && e.Hint != "this is an access key id, not its secret" {
		t.Fatalf("unexpected hint %q", e.Hint)
	}
}

// readStringCorpus reads the first (string) value of each seed of a
// committed fuzz corpus.
func readStringCorpus(t *testing.T, fuzzName string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", fuzzName, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var seeds []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "string(") || !strings.HasSuffix(lines[1], ")") {
			t.Fatalf("%s: not a corpus entry starting with a string", file)
		}
		value := lines[1]
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(value, "string("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		seeds = append(seeds, s)
	}
	return seeds
}
