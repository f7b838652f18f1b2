// Package realkeyring holds the tests that run credstore against the real OS
// keyring; it has no code of its own.
//
// They live apart from credstore's own tests because keyring.MockInit, which
// those use, replaces go-keyring's provider for the whole test binary and
// cannot be undone.
//
// Without a usable keyring the tests skip with a message; with
// KEYWARD_TEST_REQUIRE_KEYRING=1 they fail instead, and they also leave the
// entries of profile "keyward-ci-probe" in the keyring so that CI can read
// them back from outside Go:
//
//	secret-tool lookup service keyward username keyward-ci-probe        # kws_ci-probe-secret
//	secret-tool lookup service keyward username keyward-ci-probe:token  # ci-probe-token
//
// .ci/keyring-session.sh runs a command inside a throwaway D-Bus session with
// an unlocked gnome-keyring, where these tests must pass.
package realkeyring
