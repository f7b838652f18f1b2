package serve

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/cmdutil"
	"github.com/keyward/keyward/internal/domain"
	"github.com/keyward/keyward/internal/iostreams"
	"github.com/keyward/keyward/internal/server/servertest"
	"github.com/keyward/keyward/internal/store/boltstore"
)

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr     string
		cert     string
		key      string
		insecure bool
		ok       bool
	}{
		{"127.0.0.1:8443", "", "", false, true},
		{"[::1]:8443", "", "", false, true},
		{"localhost:0", "", "", false, true},
		{"127.0.0.2:80", "", "", false, true},
		{"0.0.0.0:8443", "", "", false, false},
		{":8443", "", "", false, false},
		{"192.0.2.1:8443", "", "", false, false},
		{"keyward.example.com:8443", "", "", false, false},
		{"0.0.0.0:8443", "", "", true, true},
		{"0.0.0.0:8443", "c.pem", "k.pem", false, true},
		{"127.0.0.1:8443", "c.pem", "", false, false},
		{"nonsense", "", "", false, false},
	} {
		_, err := checkListen(&Options{Addr: tc.addr, TLSCert: tc.cert, TLSKey: tc.key, InsecureListen: tc.insecure})
		if (err == nil) != tc.ok {
			t.Errorf("%s cert=%q key=%q insecure=%v: %v", tc.addr, tc.cert, tc.key, tc.insecure, err)
		}
		if err != nil && domain.CodeOf(err) != domain.CodeInvalid {
			t.Errorf("%s: error %v is not invalid input (exit 2)", tc.addr, err)
		}
	}
}

// lockedBuffer collects the server's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs Run in the background and returns its URL, the log, and
// a stop function returning Run's error.
func startServe(t *testing.T, opts *Options) (string, *lockedBuffer, func() error) {
	t.Helper()
	log := &lockedBuffer{}
	ios, _, _, _ := iostreams.Test()
	ios.ErrOut = log
	opts.Factory = &cmdutil.Factory{IOStreams: ios, Now: time.Now, LockTimeout: time.Second}
	listening := make(chan string, 1)
	opts.Listening = func(u string) { listening <- u }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, opts) }()
	select {
	case u := <-listening:
		return u, log, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", nil, nil
}

// Run serves until cancelled, then drains, writes the batches, releases the
// database and returns nil (exit 0).
func TestRunServesAndShutsDownGracefully(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "keyward.db")
	svc, err := servertest.Bootstrap(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyID, secret, err := servertest.NewIdentity(svc, domain.SystemTenant, "admin", "Administrator")
	svc.Close()
	if err != nil {
		t.Fatal(err)
	}
	base, log, stop := startServe(t, &Options{DBPath: dbPath, Addr: "127.0.0.1:0"})
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("url = %s", base)
	}
	// The database is held: a second open times out (exit 6).
	if _, err := boltstore.Open(dbPath, boltstore.Options{Timeout: 50 * time.Millisecond}); domain.CodeOf(err) != domain.CodeBusy {
		t.Fatalf("second open while serving: %v", err)
	}
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {keyID}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	out := log.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"request"`, `"path":"/oauth/token"`, `"msg":"stopped"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, secret) {
		t.Fatal("the log holds the secret")
	}
	// The last use was flushed at shutdown, and the lock released.
	db, err := boltstore.Open(dbPath, boltstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rec boltstore.KeyRecord
	db.View(func(tx *boltstore.Tx) error { rec, _, _ = tx.Key(keyID); return nil })
	if rec.LastUsedAt == nil || rec.LastUsedIP == nil || *rec.LastUsedIP != "127.0.0.1" {
		t.Fatalf("last use not flushed: %+v", rec.AccessKey)
	}
}

// With --tls-cert and --tls-key, serve speaks HTTPS only.
func TestRunTLS(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, pool := selfSignedCert(t, dir)
	base, _, stop := startServe(t, &Options{DBPath: filepath.Join(dir, "k.db"), Addr: "127.0.0.1:0", TLSCert: certPath, TLSKey: keyPath})
	defer func() {
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}()
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("url = %s", base)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz over TLS: %d", resp.StatusCode)
	}
	plain, err := http.Get("http://" + strings.TrimPrefix(base, "https://") + "/healthz")
	if err == nil {
		plain.Body.Close()
		if plain.StatusCode == 200 {
			t.Fatal("plain HTTP served")
		}
	}
}

func selfSignedCert(t *testing.T, dir string) (certPath, keyPath string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "keyward test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certPath, keyPath, pool
}
