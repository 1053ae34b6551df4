package conformance_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	bplugin "github.com/hashicorp/vault/sdk/plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// selfSignedCert makes a certificate shaped like go-plugin's AutoMTLS host
// certificate: self-signed CA, SAN localhost, EKU client+server.
func selfSignedCert(t *testing.T, cn string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"vault-node-plugins conformance"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             now.Add(-30 * time.Second),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pemBytes
}

// hostEnv returns the environment without any go-plugin / Vault plugin
// variables, so each test sets exactly what it means to.
func hostEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PLUGIN_") || strings.HasPrefix(k, "VAULT_") || strings.HasPrefix(k, "BAO_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

type manualPlugin struct {
	cmd        *exec.Cmd
	network    string
	addr       string
	serverCert *x509.Certificate
	stderr     *syncBuffer
	exited     chan struct{}
}

// launchManually starts the plugin with the environment go-plugin would set
// for a v5 AutoMTLS client whose certificate is clientCertPEM, and parses the
// handshake line.
func launchManually(t *testing.T, clientCertPEM []byte) *manualPlugin {
	t.Helper()
	path := pluginPath(t)
	cookieKey, cookieValue := bplugin.HandshakeConfig.MagicCookieKey, bplugin.HandshakeConfig.MagicCookieValue

	cmd := exec.Command(path)
	cmd.Env = append(hostEnv(),
		cookieKey+"="+cookieValue,
		"PLUGIN_PROTOCOL_VERSIONS=5",
		"PLUGIN_MIN_PORT=10000",
		"PLUGIN_MAX_PORT=25000",
		"PLUGIN_CLIENT_CERT="+string(clientCertPEM),
		"VAULT_VERSION=1.21.4",
		"VAULT_PLUGIN_AUTOMTLS_ENABLED=true",
		"VAULT_PLUGIN_METADATA_MODE=false",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	mp := &manualPlugin{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = mp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	lineCh := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lineCh <- line
		_, _ = io.Copy(io.Discard, r)
	}()
	go func() {
		_ = cmd.Wait()
		close(mp.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-mp.exited:
		case <-time.After(5 * time.Second):
			t.Errorf("plugin process %d did not exit after SIGKILL", cmd.Process.Pid)
		}
		if t.Failed() {
			t.Logf("plugin stderr:\n%s", mp.stderr.String())
		}
	})

	var line string
	select {
	case line = <-lineCh:
	case <-time.After(30 * time.Second):
		t.Fatal("no handshake line on stdout within 30 s")
	}
	line = strings.TrimSpace(line)
	parts := strings.Split(line, "|")
	if len(parts) != 6 {
		t.Fatalf("handshake %q: %d fields, want 6 (no 7th field unless PLUGIN_MULTIPLEX_GRPC is set)", line, len(parts))
	}
	if parts[0] != "1" || parts[1] != "5" || parts[4] != "grpc" {
		t.Fatalf("handshake %q: want core 1, app 5, protocol grpc", line)
	}
	if parts[2] != "unix" && parts[2] != "tcp" {
		t.Fatalf("handshake %q: network %q, want unix or tcp", line, parts[2])
	}
	mp.network, mp.addr = parts[2], parts[3]
	der, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		t.Fatalf("handshake cert field is not unpadded standard base64: %v", err)
	}
	mp.serverCert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("handshake cert field is not a DER certificate: %v", err)
	}
	return mp
}

func (mp *manualPlugin) target() string {
	if mp.network == "unix" {
		return "unix://" + mp.addr
	}
	return mp.addr
}

// healthCheck dials the plugin with the given client certificates (trusting
// only the plugin's advertised certificate for name localhost, as go-plugin
// does) and calls grpc.health.v1.Health/Check{service:"plugin"}.
func (mp *manualPlugin) healthCheck(t *testing.T, clientCerts []tls.Certificate) (healthpb.HealthCheckResponse_ServingStatus, error) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(mp.serverCert)
	creds := credentials.NewTLS(&tls.Config{
		Certificates: clientCerts,
		RootCAs:      roots,
		ServerName:   "localhost",
		MinVersion:   tls.VersionTLS12,
	})
	conn, err := grpc.NewClient(mp.target(), grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatalf("grpc.NewClient(%s): %v", mp.target(), err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "plugin"})
	if err != nil {
		return healthpb.HealthCheckResponse_UNKNOWN, err
	}
	return resp.GetStatus(), nil
}

func TestAutoMTLS(t *testing.T) {
	hostCert, hostPEM := selfSignedCert(t, "localhost")
	mp := launchManually(t, hostPEM)

	t.Run("ServerCertificate", func(t *testing.T) {
		// What Go's verification in the host needs: verifiable against a
		// pool holding only itself, for localhost, as server and as client.
		pool := x509.NewCertPool()
		pool.AddCert(mp.serverCert)
		for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
			if _, err := mp.serverCert.Verify(x509.VerifyOptions{
				Roots:     pool,
				DNSName:   "localhost",
				KeyUsages: []x509.ExtKeyUsage{usage},
			}); err != nil {
				t.Errorf("plugin certificate does not verify for localhost with usage %v: %v", usage, err)
			}
		}
	})

	t.Run("WrongClientCertRefused", func(t *testing.T) {
		other, _ := selfSignedCert(t, "localhost")
		st, err := mp.healthCheck(t, []tls.Certificate{other})
		if err == nil {
			t.Fatalf("health check with a certificate Vault did not send succeeded (status %v); the plugin must require PLUGIN_CLIENT_CERT", st)
		}
		t.Logf("refused as expected: %v", err)
	})

	t.Run("NoClientCertRefused", func(t *testing.T) {
		st, err := mp.healthCheck(t, nil)
		if err == nil {
			t.Fatalf("health check without a client certificate succeeded (status %v)", st)
		}
		t.Logf("refused as expected: %v", err)
	})

	t.Run("PlaintextClientRefused", func(t *testing.T) {
		conn, err := grpc.NewClient(mp.target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatalf("grpc.NewClient(%s): %v", mp.target(), err)
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "plugin"}); err == nil {
			t.Fatalf("health check over plaintext succeeded (status %v)", resp.GetStatus())
		}
	})

	t.Run("ClientCertSignedByAnotherCARefused", func(t *testing.T) {
		// A certificate issued by a CA of the attacker's making, for the same name as Vault's.
		caCert, _ := selfSignedCert(t, "localhost")
		ca, err := x509.ParseCertificate(caCert.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		key, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
			NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caCert.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		leaf := tls.Certificate{Certificate: [][]byte{der, caCert.Certificate[0]}, PrivateKey: key}
		if st, err := mp.healthCheck(t, []tls.Certificate{leaf}); err == nil {
			t.Fatalf("health check with a certificate from another CA succeeded (status %v)", st)
		}
	})

	t.Run("VaultClientCertAccepted", func(t *testing.T) {
		st, err := mp.healthCheck(t, []tls.Certificate{hostCert})
		if err != nil {
			t.Fatalf("health check with PLUGIN_CLIENT_CERT's certificate failed: %v", err)
		}
		if st != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health status for service \"plugin\" = %v, want SERVING", st)
		}
	})
}

func TestMagicCookie(t *testing.T) {
	path := pluginPath(t)
	cookieKey := bplugin.HandshakeConfig.MagicCookieKey
	cases := []struct {
		name string
		env  []string
	}{
		{"Missing", nil},
		{"Wrong", []string{cookieKey + "=not-the-cookie"}},
		// The database plugin cookie, as sent by Vault's type autodetection.
		{"DatabaseCookie", []string{"VAULT_DATABASE_PLUGIN=926a0820-aea2-be28-51d6-83cdf00e8edb"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, path)
			cmd.Env = append(hostEnv(), tc.env...)
			cmd.Env = append(cmd.Env, "PLUGIN_PROTOCOL_VERSIONS=5")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("plugin did not exit within 20 s without a valid magic cookie")
			}
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) {
				t.Fatalf("run without valid cookie: err = %v, want exit status 1", err)
			}
			if code := exitErr.ExitCode(); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout must stay empty (no handshake), got %q", stdout.String())
			}
			if strings.TrimSpace(stderr.String()) == "" {
				t.Errorf("stderr is empty, want a human-readable message")
			} else {
				t.Logf("stderr: %s", strings.TrimSpace(stderr.String()))
			}
		})
	}
}
