package apply

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/manifest"
)

func init() { registerCheck(backend.KindAccessKey, func() check { return &accessKeyCheck{} }) }

// accessKeyCheck refuses, before anything is written, keys whose new
// secret would have nowhere to go: a secretFile that exists already (a
// secret file is never overwritten), is named twice, or lies in a missing
// directory; and, when the output shows no secrets (-q), a key generated
// without a secretFile.
type accessKeyCheck struct {
	generated []generatedKey
}

// generatedKey is an access key the plan generates.
type generatedKey struct {
	ref        backend.Ref
	secretFile string // as written; "" for none
	pos        manifest.Position
}

func (c *accessKeyCheck) observe(o observed) {
	if o.current != nil {
		return // never re-created: its secret file does not matter
	}
	k := o.declared.(*backend.AccessKeySpec)
	g := generatedKey{ref: cloneRef(k.Ref()), pos: o.pos}
	if k.SecretFile != nil {
		g.secretFile = *k.SecretFile
		g.pos.Line = max(manifest.FieldLine(o.node, "secretFile"), o.pos.Line)
	}
	c.generated = append(c.generated, g)
}

func (c *accessKeyCheck) finish(v *planView) ([]manifest.Problem, error) {
	var problems []manifest.Problem
	add := func(g generatedKey, format string, args ...any) {
		problems = append(problems, manifest.Problem{Source: v.source(), Pos: g.pos, Object: g.ref.String(), Field: "secretFile", Message: fmt.Sprintf(format, args...)})
	}
	first := map[string]generatedKey{}
	for _, g := range c.generated {
		if g.secretFile == "" {
			if v.pl.opts.SecretsNeedFile {
				add(g, "is required: the key is generated, and -q prints no secret, which would be lost")
			}
			continue
		}
		path := SecretPath(v.pl.plan.SecretDir, g.secretFile)
		if f, dup := first[path]; dup {
			add(g, "%s is also the secret file of %s (line %d); each new secret needs its own file", path, f.ref, f.pos.Line)
			continue
		}
		first[path] = g
		_, err := os.Lstat(path)
		switch {
		case err == nil:
			add(g, "%s already exists; keyward never overwrites a secret file (move it away, or name a new file)", path)
		case !errors.Is(err, fs.ErrNotExist):
			add(g, "%s: %v", path, errors.Unwrap(err))
		default:
			if dir, err := os.Stat(filepath.Dir(path)); err != nil || !dir.IsDir() {
				add(g, "%s: the directory %s does not exist", path, filepath.Dir(path))
			}
		}
	}
	return problems, nil
}

// SecretPath is where a secretFile written in a file whose directory is
// dir goes: relative paths are relative to dir ("" for stdin: the working
// directory).
func SecretPath(dir, secretFile string) string {
	if dir == "" || filepath.IsAbs(secretFile) {
		return secretFile
	}
	return filepath.Join(dir, secretFile)
}
