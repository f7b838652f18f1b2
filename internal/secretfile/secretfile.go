// Package secretfile writes a new secret to a new file by keyward's rules
// (SPEC: --secret-file): the file is created — exclusively, mode 0600 —
// before the secret exists, so an existing file is refused before any key
// is made; the secret is then written, synced and the file closed, and the
// file is removed when writing fails or no secret comes.
package secretfile

import (
	"errors"
	"io/fs"
	"os"
)

// ErrExists is the error of Create for a path that exists.
var ErrExists = fs.ErrExist

// File is a secret file created and waiting for its secret.
type File struct {
	f    *os.File
	path string
}

// Create creates path for a secret: O_EXCL, mode exactly 0600 whatever the
// umask. An existing path gives an error matching ErrExists.
func Create(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	// The umask may only have narrowed 0600; make it exactly that.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return &File{f: f, path: path}, nil
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// Write writes the secret and a newline, syncs and closes the file; on
// failure it removes the file.
func (f *File) Write(secret string) error {
	_, err := f.f.WriteString(secret + "\n")
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.path)
	}
	return err
}

// Abort closes and removes the file: no secret came for it.
func (f *File) Abort() {
	f.f.Close()
	os.Remove(f.path)
}

// IsExists reports whether err is Create's refusal of an existing path.
func IsExists(err error) bool { return errors.Is(err, ErrExists) }
