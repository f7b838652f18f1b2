// Package credentials gives the CLI its bearer tokens for a keyward server:
// an [oauth2.TokenSource] for one remote [Target] (profile name, server URL,
// access key id, CA file), built on the stores of package credstore.
//
// Where the token comes from, first match wins:
//
//  1. KEYWARD_TOKEN: used as it is, never cached, never refreshed (an
//     expired one is refused with a clear error before any request).
//  2. KEYWARD_ACCESS_KEY_ID + KEYWARD_SECRET: exchanged at the server's
//     token endpoint once per process; nothing is written anywhere, so a
//     headless run never touches the OS keyring.
//  3. The profile's secret in the OS keyring (service "keyward", account
//     "<profile>") or, after `profile login --insecure-storage`, in the 0600
//     file under $XDG_STATE_HOME/keyward/. The token is cached beside the
//     secret (account "<profile>:token") and reused until shortly before it
//     expires ([RefreshMargin]); then a new one is exchanged and cached.
//
// Exchanges use the OAuth 2.0 client_credentials grant (RFC 6749 §4.4) via
// golang.org/x/oauth2/clientcredentials: client id = access key id, client
// secret = the key's secret, sent by HTTP Basic. A profile's CA file
// replaces the system roots for the server's certificate ([NewHTTPClient]).
//
// Errors are *domain.Error values (the CLI maps their codes to exit codes);
// none ever contains a secret or a token.
package credentials
