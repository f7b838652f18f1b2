package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/progress"
	"github.com/spf13/cobra"
)

// BackupOptions are the inputs of `db backup`.
type BackupOptions struct {
	Factory *cmdutil.Factory
	Path    string
	Force   bool
}

func newCmdBackup(f *cmdutil.Factory, runF func(context.Context, *BackupOptions) error) *cobra.Command {
	opts := &BackupOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to a new file",
		Long: `Write a consistent copy of the database, taken in one read transaction, to
FILE: a new file, mode 0600, synced to disk before the command succeeds.
Other processes may keep reading meanwhile. An existing FILE is refused
(exit 5) unless --force, which replaces it atomically. With a remote
profile the server streams the copy (system Administrators only), so a
running server can be backed up.

The copy holds the pepper and the signing keys: keep it as safe as the
database.`,
		Example: `  keyward db backup /secure/keyward-$(date +%F).db
  keyward db backup latest.db --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return backupRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	return cmd
}

func backupRun(ctx context.Context, opts *BackupOptions) error {
	f := opts.Factory
	if _, err := os.Lstat(opts.Path); err == nil && !opts.Force {
		return existsError(opts.Path)
	}
	b, err := f.Backend(ctx, cmdutil.ReadOnly)
	if err != nil {
		return err
	}
	// Write to a new file next to FILE: O_EXCL on FILE itself, or a
	// temporary file renamed over it with --force. Either way a failed
	// backup leaves no partial file behind.
	target := opts.Path
	if opts.Force {
		target = filepath.Join(filepath.Dir(opts.Path), fmt.Sprintf(".%s.%d.tmp", filepath.Base(opts.Path), os.Getpid()))
	}
	file, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return existsError(target)
	}
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			file.Close()
			os.Remove(target)
		}
	}()
	if err := file.Chmod(0o600); err != nil {
		return err
	}
	var bar *progress.Bar
	if f.IOStreams.IsStderrTTY() {
		bar = progress.New(f.IOStreams.ErrOut, "Backing up", 0, progress.Bytes)
	}
	n, err := b.Backup(ctx, &progress.Writer{W: file, Bar: bar})
	bar.Done()
	if err != nil {
		return err
	}
	if err := file.Sync(); err != nil {
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	if opts.Force {
		if err := os.Rename(target, opts.Path); err != nil {
			return err
		}
	}
	if err := syncDir(filepath.Dir(opts.Path)); err != nil {
		return err
	}
	ok = true
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if f.IOStreams.IsStdoutTTY() && !p.Opts.Quiet {
		fmt.Fprintf(f.IOStreams.ErrOut, "Backed up %d bytes to %s.\n", n, opts.Path)
	}
	return p.Object(struct {
		Path string `json:"path"`
		Size int64  `json:"size"`
	}{opts.Path, n}, opts.Path, [][2]string{{"path", opts.Path}, {"size", fmt.Sprint(n)}})
}

func existsError(path string) error {
	return domain.Conflict("%s already exists", path).WithHint("pass --force to replace it")
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
