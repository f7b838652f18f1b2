// Package credstore keeps the secrets of keyward's remote profiles: the access
// key secret a profile logs in with and the bearer token cached for it.
//
// Every store holds values under service [Service] ("keyward") by account:
// [SecretAccount] (the profile name) for the secret and [TokenAccount]
// ("<profile>:token") for the cached token. Two [Store] implementations exist:
//
//   - [Keyring], the OS keyring through github.com/zalando/go-keyring (the
//     Secret Service over D-Bus on Linux, Keychain on macOS, Credential Manager
//     on Windows). Every call gives up after a timeout (3 s by default), so a
//     locked or missing keyring never hangs a script.
//   - [File], a 0600 JSON file under $XDG_STATE_HOME/keyward/, used only when
//     the operator passes --insecure-storage; the caller prints
//     [InsecureFileWarning] when it writes there.
//
// A [Resolver] applies keyward's precedence for a profile's credentials:
// KEYWARD_TOKEN, or KEYWARD_ACCESS_KEY_ID with KEYWARD_SECRET, from the
// environment; else the keyring; else the insecure file when it is enabled.
// It reports where the credential lives ([Source]) so `profile show` can say
// so without printing it.
//
// Errors match the sentinels [ErrNotFound], [ErrUnavailable] and [ErrTimeout]
// with errors.Is, and carry a *domain.Error (errors.As) whose code the CLI maps
// to an exit status. No error message ever contains a secret or a token.
package credstore
