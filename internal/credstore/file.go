package credstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/keyward/keyward/internal/domain"
)

// InsecureFileWarning is the one line the caller prints on stderr whenever it
// stores a credential in a [File]; %s is the file's path (see File.Warning).
const InsecureFileWarning = "warning: --insecure-storage: credentials are stored unencrypted in %s; anyone who can read that file can use them"

// fileName is the insecure credential file inside keyward's state directory.
const fileName = "credentials.json"

// File is the [Store] behind --insecure-storage: one JSON object of accounts
// and values in a file of mode 0600, in a directory created with mode 0700.
//
// Every write replaces the file atomically (a 0600 temporary file in the same
// directory, fsynced, then renamed over it), so a reader sees the old content
// or the new, never a torn file. Writes within one process are serialized;
// two processes writing at the same moment may lose one of the updates.
// Get refuses a file that other users may read (as ssh does for keys).
type File struct {
	path string

	mu sync.Mutex
	// rename replaces the file with the written temporary file; tests make it
	// fail to show that a failed write leaves the old file intact.
	rename func(oldpath, newpath string) error
}

// fileContent is the file's JSON layout.
type fileContent struct {
	Version  int               `json:"version"`
	Service  string            `json:"service"`
	Accounts map[string]string `json:"accounts"`
}

// NewFile returns the File store at path; nothing is created until Set.
func NewFile(path string) *File {
	return &File{path: path, rename: os.Rename}
}

// DefaultFilePath is $XDG_STATE_HOME/keyward/credentials.json, or
// ~/.local/state/keyward/credentials.json when XDG_STATE_HOME is unset or not
// absolute (the XDG spec says to ignore relative values).
func DefaultFilePath() (string, error) {
	if state := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(state) {
		return filepath.Join(state, "keyward", fileName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("locate the insecure credential file: %w", err)
	}
	return filepath.Join(home, ".local", "state", "keyward", fileName), nil
}

// Path is the file's location.
func (f *File) Path() string { return f.path }

// Warning is InsecureFileWarning for this file.
func (f *File) Warning() string { return fmt.Sprintf(InsecureFileWarning, f.path) }

// Get returns the value stored for account.
func (f *File) Get(account string) (string, error) {
	accounts, err := f.load()
	if err != nil {
		return "", err
	}
	value, ok := accounts[account]
	if !ok {
		return "", f.notFound(account)
	}
	return value, nil
}

// Set stores value for account, replacing any previous value.
func (f *File) Set(account, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	accounts, err := f.load()
	if err != nil {
		return err
	}
	accounts[account] = value
	return f.save(accounts)
}

// Delete removes account's value; the file goes when its last account does.
func (f *File) Delete(account string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	accounts, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := accounts[account]; !ok {
		return f.notFound(account)
	}
	delete(accounts, account)
	if len(accounts) == 0 {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove insecure credential file: %w", err)
		}
		return nil
	}
	return f.save(accounts)
}

func (f *File) notFound(account string) error {
	return newError(ErrNotFound, domain.CodeNotFound,
		fmt.Sprintf("no credential for account %q in %s", account, f.path))
}

// load reads the accounts; a missing file holds none.
func (f *File) load() (map[string]string, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read insecure credential file: %w", err)
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(f.path)
		if err != nil {
			return nil, fmt.Errorf("read insecure credential file: %w", err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			return nil, &domain.Error{Code: domain.CodeInternal,
				Message: fmt.Sprintf("insecure credential file %s may be read by other users (mode %04o)", f.path, perm),
				Hint:    "run chmod 600 " + f.path}
		}
	}
	var content fileContent
	// The decoder's message could quote part of a secret, so it is not shown.
	if err := json.Unmarshal(data, &content); err != nil {
		return nil, &domain.Error{Code: domain.CodeInternal,
			Message: fmt.Sprintf("insecure credential file %s is not valid JSON", f.path),
			Hint:    "remove it and log in again"}
	}
	if content.Accounts == nil {
		content.Accounts = map[string]string{}
	}
	return content.Accounts, nil
}

// save writes accounts to a temporary file beside the target and renames it
// into place, so the target is never partly written.
func (f *File) save(accounts map[string]string) error {
	data, err := json.MarshalIndent(fileContent{Version: 1, Service: Service, Accounts: accounts}, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')

	dir := filepath.Dir(f.path)
	// 0700 whatever the umask: a umask only ever removes permission bits.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory for insecure credential file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+fileName+".*.tmp") // created with mode 0600
	if err != nil {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	renamed := false
	defer func() {
		if !renamed {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	rename := f.rename
	if rename == nil {
		rename = os.Rename
	}
	if err := rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("write insecure credential file: %w", err)
	}
	renamed = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
