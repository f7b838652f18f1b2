package token

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MaxTokenTTL is the longest lifetime keyward gives a token (the upper bound
// of a tenant's tokenTtl). A retired signing key must stay published at least
// this long after it stopped signing; pass it to [KeySet.Prune].
const MaxTokenTTL = 24 * time.Hour

// ErrNoActiveKey is returned by [Issuer.Issue] when the key set has no active
// signing key (every key is retired).
var ErrNoActiveKey = errors.New("token: no active signing key")

// KeySet is the set of signing keys one server uses: at most one active key,
// which signs new tokens, and retired keys, which still verify the tokens they
// signed until [KeySet.Prune] removes them. Every key in the set, active or
// retired, is published by [KeySet.JWKS].
//
// The zero KeySet is empty. A KeySet is safe for concurrent use. Readers (Issue, Verify, JWKS) see an
// immutable snapshot and never block; changes (Set, Rotate, Prune) replace the
// snapshot atomically and regenerate the JWKS bytes once.
type KeySet struct {
	mu    sync.Mutex // serialises writers
	state atomic.Pointer[keySetState]
}

// keySetState is one immutable version of a KeySet.
type keySetState struct {
	keys   []SigningKey // active first, then retired, most recently retired first
	active *SigningKey  // keys[0] when it is not retired, else nil
	public map[string]ed25519.PublicKey
	// header is the base64url-encoded JOSE header for tokens signed by active.
	header string
	jwks   []byte
}

// NewKeySet returns a KeySet holding keys. It refuses keys that are not
// Ed25519 private keys, a kid that is not the key's thumbprint, duplicate
// kids, and more than one key without RetiredAt. A set with no active key
// verifies but cannot issue.
func NewKeySet(keys ...SigningKey) (*KeySet, error) {
	ks := &KeySet{}
	if err := ks.Set(keys...); err != nil {
		return nil, err
	}
	return ks, nil
}

// Set replaces every key in the set, with the rules of [NewKeySet]; on error
// the set is unchanged. Use it after the database's copy changed.
func (ks *KeySet) Set(keys ...SigningKey) error {
	st, err := newKeySetState(keys)
	if err != nil {
		return err
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.state.Store(st)
	return nil
}

// Keys returns a copy of the set, active key first, for persisting. The
// private keys are shared with the set and must not be modified.
func (ks *KeySet) Keys() []SigningKey {
	return slices.Clone(ks.load().keys)
}

// Active returns the key that signs new tokens, false when every key is retired.
func (ks *KeySet) Active() (SigningKey, bool) {
	st := ks.load()
	if st.active == nil {
		return SigningKey{}, false
	}
	return *st.active, true
}

// Rotate makes next the active key and retires the previously active key (if
// any) at now; the retired key keeps verifying until Prune removes it. next
// must not be retired and its kid must not already be in the set.
func (ks *KeySet) Rotate(next SigningKey, now time.Time) error {
	if next.RetiredAt != nil {
		return fmt.Errorf("rotate to %s: the key is retired", next.KID)
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	old := ks.load().keys
	keys := make([]SigningKey, 0, len(old)+1)
	keys = append(keys, next)
	for _, k := range old {
		if k.RetiredAt == nil {
			t := now.UTC()
			k.RetiredAt = &t
		}
		keys = append(keys, k)
	}
	st, err := newKeySetState(keys)
	if err != nil {
		return err
	}
	ks.state.Store(st)
	return nil
}

// Prune removes the retired keys whose tokens have all expired: those with
// RetiredAt + maxTTL ≤ now, where maxTTL is the longest token lifetime the
// key could have signed ([MaxTokenTTL]; add the verifier's leeway if it has
// one). It returns the kids it removed. The active key is never removed.
func (ks *KeySet) Prune(now time.Time, maxTTL time.Duration) []string {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	var kept []SigningKey
	var removed []string
	for _, k := range ks.load().keys {
		if k.RetiredAt != nil && !now.Before(k.RetiredAt.Add(maxTTL)) {
			removed = append(removed, k.KID)
			continue
		}
		kept = append(kept, k)
	}
	if len(removed) == 0 {
		return nil
	}
	st, err := newKeySetState(kept)
	if err != nil {
		// A subset of a valid set is valid.
		panic("token: pruned key set invalid: " + err.Error())
	}
	ks.state.Store(st)
	return removed
}

// JWKS returns the JWK Set document (RFC 7517 §5) publishing every key in the
// set as an RFC 8037 OKP key: {"keys":[{"kty":"OKP","crv":"Ed25519","x",
// "kid","use":"sig","alg":"EdDSA"}, ...]}, active key first. The bytes are
// computed when the set changes and shared between callers: do not modify them.
func (ks *KeySet) JWKS() []byte {
	return ks.load().jwks
}

// publicKey returns the verification key for kid.
func (ks *KeySet) publicKey(kid string) (ed25519.PublicKey, bool) {
	pub, ok := ks.load().public[kid]
	return pub, ok
}

func (ks *KeySet) load() *keySetState {
	if st := ks.state.Load(); st != nil {
		return st
	}
	return emptyKeySetState
}

var emptyKeySetState = func() *keySetState {
	st, err := newKeySetState(nil)
	if err != nil {
		panic(err)
	}
	return st
}()

// jwk is one RFC 8037 public key in the JWK Set.
type jwk struct {
	KeyType   string `json:"kty"`
	Curve     string `json:"crv"`
	X         string `json:"x"`
	KID       string `json:"kid"`
	Use       string `json:"use"`
	Algorithm string `json:"alg"`
}

// joseHeader is the protected header of every token keyward signs.
type joseHeader struct {
	Algorithm string `json:"alg"`
	KID       string `json:"kid"`
	Type      string `json:"typ"`
}

func newKeySetState(keys []SigningKey) (*keySetState, error) {
	st := &keySetState{public: make(map[string]ed25519.PublicKey, len(keys))}
	var active *SigningKey
	var retired []SigningKey
	for i := range keys {
		k := keys[i]
		if len(k.Private) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("signing key %s: not an Ed25519 private key", k.KID)
		}
		pub := k.Public()
		if k.KID != Thumbprint(pub) {
			return nil, fmt.Errorf("signing key %s: kid is not the key's thumbprint", k.KID)
		}
		if _, dup := st.public[k.KID]; dup {
			return nil, fmt.Errorf("signing key %s: listed twice", k.KID)
		}
		st.public[k.KID] = pub
		if k.RetiredAt == nil {
			if active != nil {
				return nil, fmt.Errorf("signing keys %s and %s are both active; retire one", active.KID, k.KID)
			}
			active = &k
			continue
		}
		retired = append(retired, k)
	}
	slices.SortStableFunc(retired, func(a, b SigningKey) int { return b.RetiredAt.Compare(*a.RetiredAt) })
	if active != nil {
		st.keys = append(st.keys, *active)
		st.active = &st.keys[0]
	}
	st.keys = append(st.keys, retired...)

	doc := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, 0, len(st.keys))}
	for _, k := range st.keys {
		doc.Keys = append(doc.Keys, jwk{
			KeyType: "OKP", Curve: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.Public()),
			KID: k.KID, Use: "sig", Algorithm: algEdDSA,
		})
	}
	var err error
	if st.jwks, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	if st.active != nil {
		h, err := json.Marshal(joseHeader{Algorithm: algEdDSA, KID: st.active.KID, Type: tokenType})
		if err != nil {
			return nil, err
		}
		st.header = base64.RawURLEncoding.EncodeToString(h)
	}
	return st, nil
}
