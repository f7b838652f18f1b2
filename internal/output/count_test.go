package output

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 access keys"}, {1, "1 access key"}, {2, "2 access keys"}} {
		if got := Count(tc.n, "access key"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
