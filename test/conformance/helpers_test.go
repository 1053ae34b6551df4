package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// envPlugin names the environment variable holding the absolute path of the
// built plugin file under test. scripts/lib/go-harness.mjs always sets it.
const envPlugin = "VNP_PLUGIN"

// Per-test bound for everything that talks to the plugin.
const testTimeout = 60 * time.Second

func pluginPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv(envPlugin)
	if p == "" {
		t.Fatalf("%s is not set: set it to the absolute path of the built plugin file (e.g. %s=$PWD/dist/vault-plugin-secrets-aws)", envPlugin, envPlugin)
	}
	if !filepath.IsAbs(p) {
		t.Fatalf("%s=%q is not an absolute path", envPlugin, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatalf("%s=%q: %v", envPlugin, p, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%q is not an executable file (mode %v)", envPlugin, p, st.Mode())
	}
	return p
}

// packageVersion returns "v" + the version field of the repository's
// package.json (the version the plugin must report).
func packageVersion(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "package.json"))
	if err != nil {
		t.Fatalf("read package.json: %v", err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatalf("parse package.json: %v", err)
	}
	if pkg.Version == "" {
		t.Fatal("package.json has no version")
	}
	return "v" + pkg.Version
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testContext returns a context bounded by testTimeout.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// startPlugin launches the plugin under test the way Vault does. The
// go-plugin log (which includes the plugin's stderr) is printed if the test
// fails; the process is killed when the test ends.
func startPlugin(t *testing.T) *harness.Plugin {
	t.Helper()
	path := pluginPath(t)
	logs := &syncBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "harness",
		Level:  hclog.Debug,
		Output: logs,
	})
	ctx := testContext(t)
	p, err := harness.Start(ctx, harness.Options{
		PluginPath: path,
		Name:       "aws-node",
		PluginType: "secret",
		Version:    "",
		Logger:     logger,
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("plugin/go-plugin log:\n%s", logs.String())
		}
	})
	if err != nil {
		t.Fatalf("start plugin %s: %v", path, err)
	}
	t.Cleanup(p.Kill)
	return p
}

// mount sets up a backend instance and fails the test on error.
func mount(t *testing.T, p *harness.Plugin, multiplexID string) *harness.Instance {
	t.Helper()
	inst, err := p.Mount(testContext(t), harness.InstanceOptions{MultiplexID: multiplexID})
	if err != nil {
		t.Fatalf("mount instance %q: %v", multiplexID, err)
	}
	return inst
}

func request(t *testing.T, inst *harness.Instance, op logical.Operation, path string, data map[string]interface{}) (*logical.Response, error) {
	t.Helper()
	return inst.Request(testContext(t), op, path, data)
}

// mustOK sends a request that must succeed with no error response.
func mustOK(t *testing.T, inst *harness.Instance, op logical.Operation, path string, data map[string]interface{}) *logical.Response {
	t.Helper()
	resp, err := request(t, inst, op, path, data)
	if err != nil {
		t.Fatalf("%s %s: unexpected error: %v (response %+v)", op, path, err, resp)
	}
	if resp != nil && resp.IsError() {
		t.Fatalf("%s %s: unexpected error response: %v", op, path, resp.Error())
	}
	return resp
}

// readLease reads config/lease and checks both fields.
func readLease(t *testing.T, inst *harness.Instance, wantLease, wantMax string) {
	t.Helper()
	resp := mustOK(t, inst, logical.ReadOperation, "config/lease", nil)
	if resp == nil {
		t.Fatalf("read config/lease (instance %s): nil response", inst.MultiplexID)
	}
	if got := resp.Data["lease"]; got != wantLease {
		t.Errorf("read config/lease (instance %s): lease = %#v, want %q (data %v)", inst.MultiplexID, got, wantLease, resp.Data)
	}
	if got := resp.Data["lease_max"]; got != wantMax {
		t.Errorf("read config/lease (instance %s): lease_max = %#v, want %q (data %v)", inst.MultiplexID, got, wantMax, resp.Data)
	}
}

// storedLease returns the JSON object stored at config/lease in the
// instance's InmemStorage, failing if it is missing or not a JSON object
// with keys lease and lease_max.
func storedLease(t *testing.T, inst *harness.Instance) map[string]interface{} {
	t.Helper()
	entry, err := inst.Storage.Get(context.Background(), "config/lease")
	if err != nil {
		t.Fatalf("InmemStorage.Get(config/lease): %v", err)
	}
	if entry == nil {
		keys, _ := logical.CollectKeys(context.Background(), inst.Storage)
		t.Fatalf("no entry at storage key config/lease (keys present: %v)", keys)
	}
	var raw map[string]interface{}
	if err := json.Unmarshal(entry.Value, &raw); err != nil {
		t.Fatalf("storage key config/lease is not a JSON object: %v (value %q)", err, entry.Value)
	}
	// Accept both spellings: lease/lease_max, or Lease/LeaseMax as the Go
	// engines store it (a Go struct without json tags, durations in ns).
	obj := map[string]interface{}{}
	for k, v := range raw {
		switch strings.ToLower(strings.ReplaceAll(k, "_", "")) {
		case "lease":
			obj["lease"] = v
		case "leasemax":
			obj["lease_max"] = v
		}
	}
	for _, k := range []string{"lease", "lease_max"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("stored config/lease JSON lacks key %q (or its Go spelling): %s", k, entry.Value)
		}
	}
	t.Logf("stored config/lease (instance %s): %s", inst.MultiplexID, entry.Value)
	return obj
}

// processGone reports whether pid no longer exists (signal 0 fails with
// ESRCH and /proc/<pid> is absent).
func processGone(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err == nil || !errors.Is(err, syscall.ESRCH) {
		return false
	}
	if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
		return false
	}
	return true
}

// errorText returns the error message carried by an error or an error
// response, lower-cased, or "" if there is none.
func errorText(resp *logical.Response, err error) string {
	var parts []string
	if err != nil {
		parts = append(parts, err.Error())
	}
	if resp != nil && resp.IsError() {
		parts = append(parts, resp.Error().Error())
	}
	return strings.ToLower(strings.Join(parts, "; "))
}
