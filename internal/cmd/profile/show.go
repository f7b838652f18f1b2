package profile

import (
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/credstore"
	"github.com/keyward/keyward/internal/output"
	"github.com/keyward/keyward/internal/token"
	"github.com/spf13/cobra"
)

// shown is `profile show`'s object: the profile, and for a remote one where
// its credential lives (never the credential itself).
type shown struct {
	view
	// Credential is env, keyring, insecure file, none, or unknown when the
	// keyring could not be asked; null for a local profile.
	Credential *string `json:"credential"`
	// CredentialFile is the insecure file's path when the credential is there.
	CredentialFile *string `json:"credentialFile"`
	// TokenExpiresAt is the expiry of the token the profile would send
	// first (cached, or KEYWARD_TOKEN); null when there is none.
	TokenExpiresAt *time.Time `json:"tokenExpiresAt"`
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show [<name>]",
		Short: "Show a profile (default: the current one) and where its credential lives",
		Long: `Show a profile (default: the current one). For a remote profile it says
where the credential lives — env (KEYWARD_TOKEN or KEYWARD_ACCESS_KEY_ID +
KEYWARD_SECRET), keyring, insecure file, or none — and when the cached token
expires, without printing either.`,
		Example: "  keyward profile show prod -o json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Settings()
			if err != nil {
				return err
			}
			name, err := nameOrCurrent(s, args)
			if err != nil {
				return err
			}
			p, err := lookup(s, name)
			if err != nil {
				return err
			}
			v := shown{view: view{Name: name, Current: name == s.Config.CurrentProfile, Profile: *p}}
			if p.IsRemote() {
				describeCredential(f, name, &v)
			}
			pr, err := f.Printer()
			if err != nil {
				return err
			}
			return pr.Object(v, name, fields(v))
		},
	}
}

// describeCredential fills in where the profile's credential lives. No OS
// keyring at all means none is there; a keyring that does not answer is
// reported on stderr and the credential shown as unknown: show succeeds.
func describeCredential(f *cmdutil.Factory, name string, v *shown) {
	kind := "unknown"
	v.Credential = &kind
	store, err := f.CredentialStore()
	if err != nil {
		fmt.Fprintln(f.IOStreams.ErrOut, "warning: "+err.Error())
		return
	}
	creds, err := store.Resolve(name)
	if errors.Is(err, credstore.ErrUnavailable) {
		kind = string(credstore.SourceNone)
		return
	}
	if err != nil {
		fmt.Fprintln(f.IOStreams.ErrOut, "warning: cannot tell where the credential is: "+err.Error())
		return
	}
	kind = string(creds.Source.Kind)
	if creds.Source.Kind == credstore.SourceInsecureFile {
		path := creds.Source.Path
		v.CredentialFile = &path
	}
	if d, err := token.Decode(creds.Token); creds.Token != "" && err == nil {
		v.TokenExpiresAt = d.ExpiresAt
	}
}

func fields(v shown) [][2]string {
	out := [][2]string{
		{"name", v.Name}, {"current", fmt.Sprint(v.Current)}, {"tenant", v.Tenant},
	}
	if !v.IsRemote() {
		db := v.DB
		if db == "" {
			db = config.DBPathDoc
		}
		return append(out, [2]string{"db", db})
	}
	credential := *v.Credential
	if v.CredentialFile != nil {
		credential += " " + *v.CredentialFile
	}
	return append(out,
		[2]string{"server", v.Server},
		[2]string{"accessKeyId", v.AccessKeyID},
		[2]string{"caFile", v.CAFile},
		[2]string{"credential", credential},
		[2]string{"tokenExpiresAt", output.TimePtr(v.TokenExpiresAt, "-")},
	)
}
