// Package realkeyring holds the tests that run package credentials against
// the real OS keyring; it has no code of its own. They live apart from
// credentials' own tests, which replace the keyring for their whole test
// binary with keyring.MockInit.
//
// Without a usable keyring the tests skip with a message; with
// KEYWARD_TEST_REQUIRE_KEYRING=1 (set by .ci/keyring-session.sh) they fail
// instead. Profile names are unique per run, so the tests never touch a
// developer's entries or collide with tests running in parallel.
package realkeyring
