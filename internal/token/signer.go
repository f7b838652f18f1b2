package token

import (
	"crypto/ed25519"
	"runtime"
	"sync"
)

// DefaultSigners is how many goroutines sign tokens when IssuerConfig.Signers
// is 0: half the CPUs Go may use, at least one.
func DefaultSigners() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// signers runs Ed25519 signatures on a fixed set of goroutines, roughly in
// the order they are asked for (blocked senders on a channel are queued
// first in, first out by the Go runtime; the language does not promise it).
//
// Signing is most of what a token costs the server (about 20 µs, half its
// CPU time per token). Done on each request's own goroutine, a burst of
// token requests keeps every CPU busy signing and the Go scheduler then
// answers them in no particular order: on a 2-core machine under wrk
// (bench/token.sh, tokenReuse off) the median was 1.4 ms but the 99th
// percentile 24 ms at 36,000 tokens/s, and a bare net/http handler that
// only signed did no better (31 ms). Queued to one signer per two CPUs,
// signatures are made in about arrival order, and the other CPUs stay free
// to read requests, write answers and serve the cheap requests (bearer
// reads, health checks), which no longer wait behind signatures: the 99th
// percentile fell to 7–8 ms at about 29,000 tokens/s.
type signers struct {
	// jobs is unbuffered, so a send succeeds only when a signer has taken
	// the job (and will answer it); blocked senders queue in order.
	jobs chan *signJob
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// signJob is one signature to make; done receives it.
type signJob struct {
	key  ed25519.PrivateKey
	msg  []byte
	done chan []byte
}

var signJobs = sync.Pool{New: func() any { return &signJob{done: make(chan []byte, 1)} }}

// startSigners starts n signing goroutines; stop them with close.
func startSigners(n int) *signers {
	s := &signers{jobs: make(chan *signJob), quit: make(chan struct{})}
	s.wg.Add(n)
	for range n {
		go s.run()
	}
	return s
}

func (s *signers) run() {
	defer s.wg.Done()
	for {
		select {
		case j := <-s.jobs:
			j.done <- ed25519.Sign(j.key, j.msg)
		case <-s.quit:
			return
		}
	}
}

// sign returns the signature of msg by key, made by a signer in turn. After
// close it signs on the caller's goroutine.
func (s *signers) sign(key ed25519.PrivateKey, msg []byte) []byte {
	j := signJobs.Get().(*signJob)
	j.key, j.msg = key, msg
	var sig []byte
	select {
	case s.jobs <- j:
		sig = <-j.done
	case <-s.quit:
		sig = ed25519.Sign(key, msg)
	}
	j.key, j.msg = nil, nil
	signJobs.Put(j)
	return sig
}

// close stops the signers once the signatures they have taken are made.
func (s *signers) close() {
	s.once.Do(func() {
		close(s.quit)
		s.wg.Wait()
	})
}
