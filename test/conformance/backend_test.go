package conformance_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// The plugin must answer MultiplexingSupport with supported=true (Vault then
// shares one process between mounts and keys instances by multiplex_id).
func TestMultiplexingSupported(t *testing.T) {
	p := startPlugin(t)
	if !p.Multiplexed {
		t.Fatal("pluginutil.MultiplexingSupported = false, want true")
	}
	if p.Pid <= 0 {
		t.Fatalf("no pid for the plugin process (ReattachConfig pid %d)", p.Pid)
	}
}

func TestBackendMetadata(t *testing.T) {
	p := startPlugin(t)
	inst := mount(t, p, harness.RandomID(10))

	t.Run("Type", func(t *testing.T) {
		if got := inst.Backend.Type(); got != logical.TypeLogical {
			t.Fatalf("Type() = %v, want %v (logical / secrets engine)", got, logical.TypeLogical)
		}
	})

	t.Run("SpecialPaths", func(t *testing.T) {
		sp := inst.Backend.SpecialPaths()
		if sp == nil {
			t.Fatal("SpecialPaths() = nil (RPC failed or paths unset)")
		}
		t.Logf("special paths: root=%q unauthenticated=%q local=%q seal_wrap=%q", sp.Root, sp.Unauthenticated, sp.LocalStorage, sp.SealWrapStorage)
		if len(sp.LocalStorage) > 0 {
			found := false
			for _, p := range sp.LocalStorage {
				if p == "wal/" {
					found = true
				}
			}
			if !found {
				t.Logf("note: local_storage %q does not contain \"wal/\"", sp.LocalStorage)
			}
		}
	})

	t.Run("PluginVersion", func(t *testing.T) {
		want := packageVersion(t)
		v, ok := inst.Backend.(logical.PluginVersioner)
		if !ok {
			t.Fatalf("backend %T does not implement logical.PluginVersioner", inst.Backend)
		}
		if got := v.PluginVersion().Version; got != want {
			t.Fatalf("PluginVersion() = %q, want %q (package.json version with v prefix)", got, want)
		}
	})

	t.Run("ExistenceCheck", func(t *testing.T) {
		// Vault calls this before every create/update; an error other than
		// unsupported path becomes a 500 for the client.
		_, _, err := inst.Backend.HandleExistenceCheck(testContext(t), &logical.Request{
			Operation: logical.UpdateOperation,
			Path:      "config/lease",
			Data:      map[string]interface{}{"lease": "30m", "lease_max": "12h"},
			Storage:   inst.Storage,
		})
		if err != nil && err != logical.ErrUnsupportedPath {
			t.Fatalf("HandleExistenceCheck(update config/lease) error: %v", err)
		}
	})
}

func TestConfigLease(t *testing.T) {
	p := startPlugin(t)
	inst := mount(t, p, harness.RandomID(10))

	mustOK(t, inst, logical.UpdateOperation, "config/lease", map[string]interface{}{
		"lease":     "30m",
		"lease_max": "12h",
	})

	t.Run("StoredInBrokeredStorage", func(t *testing.T) {
		storedLease(t, inst)
	})

	t.Run("Read", func(t *testing.T) {
		readLease(t, inst, "30m0s", "12h0m0s")
	})

	badCases := []struct {
		name  string
		data  map[string]interface{}
		field string
	}{
		{"BadLease", map[string]interface{}{"lease": "abc", "lease_max": "12h"}, "lease"},
		{"BadLeaseMax", map[string]interface{}{"lease": "30m", "lease_max": "abc"}, "lease_max"},
	}
	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			req := &logical.Request{
				Operation: logical.UpdateOperation,
				Path:      "config/lease",
				Data:      tc.data,
				Storage:   inst.Storage,
			}
			resp, err := inst.Backend.HandleRequest(testContext(t), req)
			msg := errorText(resp, err)
			if msg == "" {
				t.Fatalf("update config/lease %v: no error and no error response (response %+v)", tc.data, resp)
			}
			status, _ := logical.RespondErrorCommon(req, resp, err)
			if status != http.StatusBadRequest {
				t.Errorf("update config/lease %v: HTTP status would be %d, want 400 (error %q)", tc.data, status, msg)
			}
			if !strings.Contains(msg, tc.field) {
				t.Errorf("update config/lease %v: error %q does not name the field %q", tc.data, msg, tc.field)
			}
			// The rejected write must not have replaced the stored config.
			readLease(t, inst, "30m0s", "12h0m0s")
		})
	}
}

// Two backend instances with different multiplex_id values in one process
// must keep separate storage and state.
func TestMultiplexedInstancesIsolated(t *testing.T) {
	p := startPlugin(t)
	if !p.Multiplexed {
		t.Fatal("plugin does not support multiplexing")
	}
	a := mount(t, p, harness.RandomID(10))
	b := mount(t, p, harness.RandomID(10))

	mustOK(t, a, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "1h", "lease_max": "2h"})
	mustOK(t, b, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "5m", "lease_max": "10m"})

	readLease(t, a, "1h0m0s", "2h0m0s")
	readLease(t, b, "5m0s", "10m0s")

	sa, sb := storedLease(t, a), storedLease(t, b)
	if sa["lease"] == sb["lease"] || sa["lease_max"] == sb["lease_max"] {
		t.Errorf("instances share stored values: A=%v B=%v", sa, sb)
	}

	// Overwrite A; B must not change.
	mustOK(t, a, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "3h", "lease_max": "4h"})
	readLease(t, a, "3h0m0s", "4h0m0s")
	readLease(t, b, "5m0s", "10m0s")

	// Unmounting A (Cleanup) must leave B working.
	if err := a.Cleanup(testContext(t), 10*time.Second); err != nil {
		t.Fatal(err)
	}
	readLease(t, b, "5m0s", "10m0s")
}

// Cleanup returns, and Kill (GRPCController.Shutdown) makes the process exit
// on its own, before go-plugin's 2 s grace period ends in SIGKILL.
func TestCleanupAndKill(t *testing.T) {
	p := startPlugin(t)
	inst := mount(t, p, harness.RandomID(10))
	mustOK(t, inst, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "30m", "lease_max": "12h"})

	if err := inst.Cleanup(testContext(t), 10*time.Second); err != nil {
		t.Fatal(err)
	}

	pid := p.Pid
	if pid <= 0 {
		t.Fatalf("no pid for the plugin process")
	}
	if processGone(pid) {
		t.Fatalf("plugin process %d is already gone before Kill", pid)
	}
	start := time.Now()
	p.Kill()
	elapsed := time.Since(start)
	if elapsed >= 2*time.Second {
		t.Errorf("Kill took %s: the plugin did not exit after GRPCController.Shutdown and was SIGKILLed", elapsed)
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("plugin process %d still exists after Kill", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("Kill took %s", elapsed)
}
