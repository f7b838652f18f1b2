package root_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmd/root"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/store/boltstore"
)

// flakyServer stands in for a remote backend whose nth ApplyChanges call fails.
type flakyServer struct {
	backend.Backend
	calls, failAt int
	sizes         []int
}

func (f *flakyServer) ApplyChanges(ctx context.Context, changes []backend.Change) ([]backend.ChangeResult, error) {
	f.calls++
	f.sizes = append(f.sizes, len(changes))
	if f.calls == f.failAt {
		return nil, domain.Conflict("the server refused the chunk")
	}
	return f.Backend.ApplyChanges(ctx, changes)
}

// A remote apply sends chunks that fit the server's body limit, and after
// a failure reports exactly what was applied before it; running the same
// file again completes the rest.
func TestApplyRemoteReportsAppliedPrefix(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	db, err := boltstore.Open(filepath.Join(dir, "server.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	server := &flakyServer{Backend: service.New(db, service.Options{Actor: "kw:system:serviceuser/admin"}), failAt: 2}
	defer server.Backend.Close()

	var src strings.Builder
	for i := range 12000 {
		fmt.Fprintf(&src, "---\nkind: ServiceUser\nid: u%05d\ndescription: %s\n", i, strings.Repeat("d", 40))
	}
	run := func() (stdout, stderr string, code int) {
		io, in, out, errOut := iostreams.Test()
		in.WriteString(src.String())
		f := cmdutil.New(io)
		f.NewRemote = func(context.Context, *cmdutil.Factory, *cmdutil.Settings) (backend.Backend, error) {
			return nopClose{server}, nil
		}
		code = root.Run(context.Background(), f, []string{"--server", "https://keyward.example.com", "apply", "-f", "-"})
		return out.String(), errOut.String(), code
	}
	stdout, stderr, code := run()
	if code != cmdutil.ExitConflict {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	first := server.sizes[0]
	if first >= backend.MaxChangesPerCall || first < 1000 {
		t.Fatalf("remote chunk of %d changes; want one that fits the body limit", first)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != first+1 || lines[first-1] != fmt.Sprintf("ServiceUser default/u%05d created", first-1) ||
		lines[first] != fmt.Sprintf("Applied: %d created, 0 updated, 0 deleted, 0 unchanged.", first) {
		t.Fatalf("stdout ends %q (%d lines, first chunk %d)", lines[len(lines)-2:], len(lines), first)
	}
	if want := fmt.Sprintf("applied %d of 12000 changes before this; run the same file again to complete the rest", first); !strings.Contains(stderr, want) {
		t.Fatalf("stderr %q lacks %q", stderr, want)
	}
	stdout, stderr, code = run()
	if code != 0 || !strings.HasSuffix(stdout, fmt.Sprintf("Applied: %d created, 0 updated, 0 deleted, %d unchanged.\n", 12000-first, first)) {
		t.Fatalf("re-run: exit %d, %q, %q", code, stderr, stdout[max(0, len(stdout)-200):])
	}
}

// nopClose keeps the test's backend open when the command closes it.
type nopClose struct{ backend.Backend }

func (nopClose) Close() error { return nil }
