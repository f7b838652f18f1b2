// Package apply implements `keyward apply`.
package apply

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/keyward/keyward/internal/apply"
	"github.com/keyward/keyward/internal/backend"
	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/manifest"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/progress"
	"github.com/spf13/cobra"
)

// bulkInputBytes is the input size (about 6,000 objects) from which the
// database is opened for bulk writes.
const bulkInputBytes = 1 << 20

// remoteChunkBytes keeps each chunk sent to a server well under its 1 MiB
// request body limit.
const remoteChunkBytes = 768 << 10

// Options are the inputs of `apply`.
type Options struct {
	Factory *cmdutil.Factory
	File    string
	DryRun  bool
	Prune   bool
}

// NewCmdApply returns `keyward apply`.
func NewCmdApply(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	cmd := &cobra.Command{
		Use:   "apply -f FILE",
		Short: "Create or update the objects a file declares",
		Long: `Bring the database to the state a file declares: create the objects that
are missing, update the fields that differ, and leave everything else as it
is. Running the same file again changes nothing and says so.

The file (or - for stdin) is YAML or JSON: a stream of documents separated
by ---, or a list, of flat objects with a kind and the fields of
` + "`-o json`" + ` output, in camelCase. Kinds, applied in this order:

    kind: Tenant          id, name, settings{...}
    kind: Policy          tenant, name, description, statements[{effect, actions, resources}]
    kind: Group           tenant, name, description, policies
    kind: KeyType         tenant, name, displayName, description, scope
    kind: ServiceUser     tenant, id, displayName, email, description, status,
                          cidrAllowList, policies, groups, owners
    kind: AccessKey       tenant, serviceUser, name, description, type, expiresAt,
                          cidrAllowList, status; expires, secretFile (at generation)

For example:

    kind: ServiceUser
    tenant: acme            # default: --tenant
    id: ci-bot
    email: ci@example.com   # null removes it
    groups: [ci]            # group membership is declared on the user
    ---
    kind: AccessKey
    tenant: acme
    serviceUser: ci-bot
    name: deploy
    expires: 90d            # lifetime of a key generated now
    secretFile: ci-bot.secret

apiVersion is optional and, when given, must be keyward/v1. A field left
out is left as it is (a new object takes its default); a list given is the
whole list. Managed policies are never declared. A ServiceUser never
generates access keys: an AccessKey entry does, when the user has no key of
that name. The new secret is shown once: written to secretFile (a new file,
mode 0600, relative to the applied file's directory, or the working
directory for stdin), else printed (-o json: accessKey.secret; -q needs a
secretFile). An existing key is never re-created and its secret never shown
again; its description, expiresAt, cidrAllowList and status are updated.

The whole file is read and checked before anything is written: every
invalid object is reported with its position (file:line, document) and
field — including the objects it names that neither exist nor are declared
— and nothing is written (exit 2). Then the changes are written in
transactions of up to 10,000 objects, kind by kind; if one fails, the ones
before it stay, the error names the object and its position, and running
the same file again completes the rest.

--prune also deletes, after confirmation, the objects of the kinds the file
declares, in the tenants it names, that it does not declare: access keys
only when the file has AccessKey objects (then every other key of those
tenants, of any user, is revoked); never tenants or managed
policies; and never an object that something the file leaves out still
names (a policy held by, or a group with, a user not in the file).

--dry-run prints the plan (create, update with the fields that change,
delete, and a count of unchanged objects) and changes nothing; with -o json
the plan is data. See docs/runbooks.md.`,
		Example: `  keyward apply -f users.yaml --dry-run
  keyward apply -f users.yaml
  keyward export -t acme > acme.yaml && keyward apply -f acme.yaml --prune --yes
  generate-users | keyward apply -f - -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "filename", "f", "", "file to apply, or - for stdin (required)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the plan and change nothing")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "also delete objects of the declared kinds, in the named tenants, that the file does not declare (asks first)")
	_ = cmd.MarkFlagRequired("filename")
	return cmd
}

func applyRun(ctx context.Context, opts *Options) error {
	f := opts.Factory
	settings, err := f.Settings()
	if err != nil {
		return err
	}
	p, err := f.Printer()
	if err != nil {
		return err
	}
	src, closeSrc, err := openSource(f, opts.File)
	if err != nil {
		return err
	}
	defer closeSrc()
	mode := cmdutil.ReadWrite
	if opts.DryRun {
		mode = cmdutil.ReadOnly
	}
	// A large input grows the file fast: map it for bulk writes (the file
	// then grows in 16 MB steps, which a small one need not).
	f.Bulk = sourceSize(src) > bulkInputBytes
	b, err := f.Backend(ctx, mode)
	if err != nil {
		return err
	}
	defer tuneGC()()
	var bar *progress.Bar
	if f.IOStreams.IsStderrTTY() {
		bar = progress.New(f.IOStreams.ErrOut, "Checking", sourceSize(src), progress.Bytes)
	}
	plan, err := apply.Build(ctx, b, src, apply.BuildOptions{
		DefaultTenant:   settings.Tenant,
		Prune:           opts.Prune,
		Progress:        func(read int64, _ int) { bar.Set(read) },
		SecretDir:       secretDir(opts.File),
		SecretsNeedFile: p.Opts.Quiet && p.Opts.Format == output.FormatTable,
	})
	bar.Done()
	var invalid *apply.InvalidError
	if errors.As(err, &invalid) && p.Opts.Format == output.FormatTable {
		for _, problem := range invalid.Problems {
			fmt.Fprintln(f.IOStreams.ErrOut, problem.String())
		}
	}
	if err != nil {
		return err
	}
	defer plan.Close()

	out := newReport(f.IOStreams.Out, p.Opts, opts.DryRun)
	out.secretDir = plan.SecretDir
	defer out.warnSecrets(f)
	if opts.DryRun {
		if err := plan.Each(out.planned); err != nil {
			return err
		}
		return out.finish(plan.Counts)
	}
	if deletes := plan.Deletes(); len(deletes) > 0 {
		if err := cmdutil.Confirm(f, fmt.Sprintf("delete %s, not declared in %s", apply.Describe(deletes), src.Name)); err != nil {
			return err
		}
	}
	if f.IOStreams.IsStderrTTY() && plan.Counts.Changes() > 0 {
		bar = progress.New(f.IOStreams.ErrOut, "Applying", int64(plan.Counts.Changes()), progress.Objects)
	}
	execOpts := apply.ExecuteOptions{
		Applied: out.applied,
		Progress: func(done, _ int) {
			bar.Clear()
			out.flush()
			bar.Set(int64(done))
		},
	}
	if settings.Server != "" {
		execOpts.MaxChunkBytes = remoteChunkBytes
	}
	done, err := apply.Execute(ctx, b, plan, execOpts)
	bar.Done()
	if err != nil {
		// What was applied stays applied: report it, then the error.
		if ferr := out.finish(done); ferr != nil {
			return errors.Join(err, ferr)
		}
		var partial *apply.PartialError
		if errors.As(err, &partial) && ctx.Err() != nil {
			fmt.Fprintf(f.IOStreams.ErrOut, "Interrupted after applying %d of %d changes; run the same file again to complete the rest.\n", partial.Applied, partial.Total)
		}
		return err
	}
	return out.finish(done)
}

// openSource opens the file to apply, or stdin for "-".
func openSource(f *cmdutil.Factory, name string) (manifest.Source, func(), error) {
	if name == "-" {
		return manifest.Source{Name: "<stdin>", R: f.IOStreams.In}, func() {}, nil
	}
	file, err := os.Open(name)
	if err != nil {
		return manifest.Source{}, nil, cmdutil.UsageErrorf("filename: %v", err)
	}
	return manifest.Source{Name: name, R: file}, func() { file.Close() }, nil
}

// secretDir is the directory relative secretFile paths are in: the
// applied file's, or the working directory for stdin.
func secretDir(file string) string {
	if file == "-" {
		return ""
	}
	return filepath.Dir(file)
}

// sourceSize is the size of a file source, 0 when unknown.
func sourceSize(src manifest.Source) int64 {
	if file, ok := src.R.(*os.File); ok {
		if fi, err := file.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

// report prints a plan or what was applied: one line per change and a
// summary as text, or one JSON/YAML document.
type report struct {
	w      *bufio.Writer
	opts   output.Options
	dryRun bool
	json   *jsonReport
	// secretDir is where relative secret files are (Plan.SecretDir).
	secretDir string
	// secretsShown counts the new secrets printed.
	secretsShown int
}

func newReport(w io.Writer, opts output.Options, dryRun bool) *report {
	r := &report{w: bufio.NewWriterSize(w, 64<<10), opts: opts, dryRun: dryRun}
	if opts.Format != output.FormatTable {
		r.json = newJSONReport(r.w, opts.Format, dryRun)
	}
	return r
}

// planned prints one plan entry (dry run).
func (r *report) planned(e apply.Entry) error {
	if r.json != nil {
		return r.json.entry(e, e.Action, nil)
	}
	if r.opts.Quiet || e.Action == backend.ActionUnchanged {
		return nil
	}
	sign := map[backend.Action]string{backend.ActionCreate: "+", backend.ActionUpdate: "~", backend.ActionDelete: "-"}[e.Action]
	fmt.Fprintf(r.w, "%s %s\n", sign, e.Ref)
	for _, c := range e.Changes {
		fmt.Fprintf(r.w, "    %s: %s → %s\n", c.Field, showValue(c.From), showValue(c.To))
	}
	return nil
}

// applied prints one change as applied; a key generated with the secret
// printed once, or the file it went to.
func (r *report) applied(e apply.Entry, res backend.ChangeResult) {
	key := r.generatedKey(e, res)
	if r.json != nil {
		r.json.entry(e, res.Action, key)
		return
	}
	if r.opts.Quiet || res.Action == backend.ActionUnchanged {
		return
	}
	past := map[backend.Action]string{backend.ActionCreate: "created", backend.ActionUpdate: "updated", backend.ActionDelete: "deleted"}[res.Action]
	fmt.Fprintf(r.w, "%s %s", e.Ref, past)
	if key != nil {
		if key.Secret != nil {
			fmt.Fprintf(r.w, ": key %s, secret %s\n", key.ID, *key.Secret)
		} else {
			fmt.Fprintf(r.w, ": key %s, secret written to %s (mode 0600)\n", key.ID, *key.SecretFile)
		}
		return
	}
	if res.Action == backend.ActionUpdate && len(e.Changes) > 0 {
		r.w.WriteString(":")
		for i, c := range e.Changes {
			if i > 0 {
				r.w.WriteString(",")
			}
			r.w.WriteString(" " + c.Field)
		}
	}
	r.w.WriteString("\n")
}

// generatedKey is the key res generated, as the report shows it; nil when
// none was.
func (r *report) generatedKey(e apply.Entry, res backend.ChangeResult) *generatedKeyJSON {
	if res.AccessKey == nil {
		return nil
	}
	out := &generatedKeyJSON{ID: res.AccessKey.ID}
	if res.AccessKey.Secret != "" {
		secret := res.AccessKey.Secret
		out.Secret = &secret
		r.secretsShown++
	} else if spec, ok := e.Spec.(*backend.AccessKeySpec); ok && spec.SecretFile != nil {
		path := apply.SecretPath(r.secretDir, *spec.SecretFile)
		out.SecretFile = &path
	}
	return out
}

// warnSecrets tells a human at a terminal that the secrets printed are
// shown only this once.
func (r *report) warnSecrets(f *cmdutil.Factory) {
	switch {
	case r.secretsShown == 0 || !f.IOStreams.IsStdoutTTY():
	case r.secretsShown == 1:
		fmt.Fprintln(f.IOStreams.ErrOut, "! The secret above is shown only this once: copy it now and keep it safe. keyward stores only its hash and cannot show it again.")
	default:
		fmt.Fprintf(f.IOStreams.ErrOut, "! The %d secrets above are shown only this once: copy them now and keep them safe. keyward stores only their hashes and cannot show them again.\n", r.secretsShown)
	}
}

func (r *report) flush() { r.w.Flush() }

// finish prints the summary.
func (r *report) finish(c apply.Counts) error {
	switch {
	case r.json != nil:
		if err := r.json.finish(c); err != nil {
			return err
		}
	case r.opts.Quiet:
	case r.dryRun && c.Changes() == 0:
		fmt.Fprintf(r.w, "No changes: %s already as declared (dry run).\n", objects(c.Unchanged))
	case r.dryRun:
		fmt.Fprintf(r.w, "Plan: %d to create, %d to update, %d to delete, %d unchanged (dry run: nothing was changed).\n", c.Create, c.Update, c.Delete, c.Unchanged)
	case c.Changes() == 0:
		fmt.Fprintf(r.w, "No changes: %s already as declared.\n", objects(c.Unchanged))
	default:
		fmt.Fprintf(r.w, "Applied: %d created, %d updated, %d deleted, %d unchanged.\n", c.Create, c.Update, c.Delete, c.Unchanged)
	}
	return r.w.Flush()
}

func objects(n int) string {
	if n == 1 {
		return "1 object is"
	}
	return fmt.Sprintf("%d objects are", n)
}

// showValue prints a field value in a diff line: strings quoted, null,
// lists and objects as compact JSON (["a","b"], {"effect":"allow",…}).
func showValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	case bool, int:
		return fmt.Sprint(v)
	}
	raw, err := output.MarshalJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return fmt.Sprint(v)
	}
	return compact.String()
}
