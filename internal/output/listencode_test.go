package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/domain"
)

// pointerMarshaler has MarshalJSON on its pointer: encoding/json uses it
// for slice elements (addressable), so the streamed list must too.
type pointerMarshaler struct{ N int }

func (p *pointerMarshaler) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"n": %d, "html": "<&>"}`, p.N), nil
}

// valueMarshaler has MarshalJSON on the value.
type valueMarshaler struct{ S string }

func (v valueMarshaler) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"s": v.S})
}

// ownList is a slice type with its own encoding: never streamed.
type ownList []int

func (l ownList) MarshalJSON() ([]byte, error) { return []byte(`"own"`), nil }

// userList is n service users as the service returns them, with keys,
// optional fields set and unset, and strings JSON escapes.
func userList(n int) []domain.ServiceUser {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	out := make([]domain.ServiceUser, n)
	for i := range out {
		email := fmt.Sprintf("svc-%05d@example.com", i)
		u := domain.ServiceUser{
			ID: fmt.Sprintf("svc-%05d", i), Tenant: "default", DisplayName: fmt.Sprintf("Service user <%05d> & co", i),
			Description: "line\nbreak, \"quotes\", tab\t, unicode é 東京 \u2028", Status: domain.UserActive,
			CreatedAt: at, CreatedBy: "local:bench", UpdatedAt: at.Add(time.Duration(i) * time.Second),
		}
		if i%2 == 0 {
			u.Email = &email
			u.Policies, u.Groups = []string{"ReadOnly"}, []string{"ops", "dev"}
			typ := "MONITORING"
			u.AccessKeys = []domain.AccessKey{{ID: "kwk_abcdefghijklmnopqrst", Tenant: "default", ServiceUser: u.ID,
				Name: "key-1", Type: &typ, Status: domain.KeyActive, Hint: "•••••x2y3z", ExpiresAt: &at, CreatedAt: at, CreatedBy: "local:bench"}}
		}
		u.Normalize()
		out[i] = u
	}
	return out
}

// TestListEncodersMatchWholeDocument pins WriteJSON's output to
// MarshalJSON's and WriteYAML's to JSONToYAML's, byte for byte, for lists
// (written element by element) and everything else (not).
func TestListEncodersMatchWholeDocument(t *testing.T) {
	one := 1
	tests := []struct {
		name string
		data any
	}{
		{"service users", userList(25)},
		{"one service user", userList(1)},
		{"audit events", []domain.AuditEvent{{Seq: 2, Action: "key:rotate", Detail: "successor <kwk_x> & more"}, {Seq: 1}}},
		{"nil slice", []domain.ServiceUser(nil)},
		{"empty slice", []domain.ServiceUser{}},
		{"strings", []string{"a", "<b>", ""}},
		{"numbers", []int{1, 2, 3}},
		{"nested lists", [][]string{{}, nil, {"x"}}},
		{"pointers with nil", []*int{&one, nil}},
		{"interfaces", []any{1, "two", nil, map[string]any{"k": []int{}}, []any{}}},
		{"pointer marshaler", []pointerMarshaler{{1}, {2}}},
		{"value marshaler", []valueMarshaler{{"<x>"}}},
		{"raw messages", []json.RawMessage{json.RawMessage(`{"a":[1,2,{"b":null}]}`), json.RawMessage(`  "s" `)}},
		{"bytes", []byte("base64 please")},
		{"own marshaler", ownList{1, 2}},
		{"object", userList(1)[0]},
		{"map", map[string]int{"b": 2, "a": 1}},
		{"nil", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := MarshalJSON(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := WriteJSON(&got, tt.data); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteJSON:\n%s\nMarshalJSON:\n%s", got.Bytes(), want)
			}

			if want, err = JSONToYAML(want); err != nil {
				t.Fatal(err)
			}
			got.Reset()
			if err := WriteYAML(&got, tt.data); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteYAML:\n%s\nJSONToYAML:\n%s", got.Bytes(), want)
			}
		})
	}
}

// The exact bytes of a list: a regression in both encoders at once (a Go
// release changing encoding/json) shows here.
func TestWriteJSONListBytes(t *testing.T) {
	var got bytes.Buffer
	data := []struct {
		A int      `json:"a"`
		B []string `json:"b"`
		C *string  `json:"c"`
	}{{1, []string{}, nil}, {2, []string{"<x>"}, nil}}
	if err := WriteJSON(&got, data); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "a": 1,
    "b": [],
    "c": null
  },
  {
    "a": 2,
    "b": [
      "<x>"
    ],
    "c": null
  }
]
`
	if got.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
	}
}

// `serviceuser list -o json` of 10,000 users (-o yaml of 1,000: the
// whole-document conversion it is compared with is slow) prints what the
// whole list encoded at once prints.
func TestPrinterLongList(t *testing.T) {
	users := userList(10000)
	wantJSON, err := MarshalJSON(users)
	if err != nil {
		t.Fatal(err)
	}
	yamlJSON, err := MarshalJSON(users[:1000])
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, err := JSONToYAML(yamlJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		format Format
		users  []domain.ServiceUser
		want   []byte
		start  string
	}{
		{FormatJSON, users, wantJSON, "[\n  {\n    \"id\": \"svc-00000\",\n"},
		{FormatYAML, users[:1000], wantYAML, "- id: svc-00000\n  tenant: default\n"},
	} {
		p, out, _ := printer(Options{Format: tt.format}, false)
		if err := p.List(tt.users, Table{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), tt.want) {
			i := 0
			for i < min(out.Len(), len(tt.want)) && out.Bytes()[i] == tt.want[i] {
				i++
			}
			t.Fatalf("%s differs from the whole list's at byte %d of %d: %q", tt.format, i, len(tt.want), out.Bytes()[max(0, i-40):min(out.Len(), i+40)])
		}
		if !strings.HasPrefix(out.String(), tt.start) {
			t.Errorf("%s starts %q", tt.format, out.String()[:40])
		}
	}
}

// BenchmarkList is the printing half of `serviceuser list -o json|yaml`
// of 10,000 users (BenchmarkServiceUserList* in internal/cmd/root are the
// whole command).
func BenchmarkList(b *testing.B) {
	users := userList(10000)
	for _, format := range []Format{FormatJSON, FormatYAML} {
		b.Run(string(format), func(b *testing.B) {
			p, _, _ := printer(Options{Format: format}, false)
			p.IO.Out = io.Discard
			b.ReportAllocs()
			for b.Loop() {
				if err := p.List(users, Table{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
