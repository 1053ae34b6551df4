package conformance_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// One plugin process serves every mount on one event loop, so a request that
// works for seconds, or allocates gigabytes, stalls every other mount. This
// test runs the hostile inputs found against OpenBao on one mount — a username
// template that loops a billion times on the role it branches to, 2 MB bodies,
// JSON nested 5000 deep — while another mount of the same process is read in
// a loop. The reads' p99 must stay under victimP99Bound, every hostile request
// must be refused with a 4xx naming its limit, both mounts must answer
// afterwards, and the process's RSS must stay under rssBound.
const (
	// Generous for a shared 2-core machine under a full test run; without the
	// template limits a single hostile read holds the loop for minutes.
	victimP99Bound = 250 * time.Millisecond
	rssBound       = 400 << 20
	hostileWorkers = 3
	hammerFor      = 4 * time.Second
)

// A template that config/root's dry run accepts (it renders for any other
// role) but that would loop a billion times for the role "evil".
const evilTemplate = `{{if eq .PolicyName "evil"}}{{range 1000000000}}{{printf "%9000s" "x" | len}}{{end}}{{end}}vault-{{random 8}}`

func TestBoundedWorkPerRequest(t *testing.T) {
	p := startPlugin(t)
	hostile := mount(t, p, harness.RandomID(10))
	victim := mount(t, p, harness.RandomID(10))

	mustOK(t, victim, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "1h", "lease_max": "2h"})
	mustOK(t, hostile, logical.UpdateOperation, "config/root", map[string]interface{}{
		"access_key": "AKIAEXAMPLE", "secret_key": "secret", "region": "us-east-1",
		// Never reached: the username is generated before any AWS call.
		"iam_endpoint": "http://127.0.0.1:1", "sts_endpoint": "http://127.0.0.1:1",
		"username_template": evilTemplate,
	})
	mustOK(t, hostile, logical.UpdateOperation, "roles/evil", map[string]interface{}{
		"credential_type": "iam_user", "policy_arns": "arn:aws:iam::aws:policy/ReadOnlyAccess",
	})

	// Refused up front: config/root's dry run names the template limit.
	resp, err := request(t, hostile, logical.UpdateOperation, "config/root", map[string]interface{}{
		"username_template": `{{range 1000000000}}x{{end}}`,
	})
	if text := errorText(resp, err); !strings.Contains(text, "limit of 10000 steps") {
		t.Fatalf("config/root with a looping template: want an error naming the step limit, got %q", text)
	}

	hostileRequests := []struct {
		name string
		op   logical.Operation
		path string
		data func() map[string]interface{}
		want string
	}{
		{"creds of the looping role", logical.ReadOperation, "creds/evil", func() map[string]interface{} { return nil }, "limit of 10000 steps"},
		{"a 2 MB body", logical.UpdateOperation, "roles/big", func() map[string]interface{} {
			return map[string]interface{}{"credential_type": "iam_user", "policy_document": strings.Repeat("x", 2<<20)}
		}, "over the limit of 1048576 bytes"},
		{"JSON nested 5000 deep", logical.UpdateOperation, "roles/deep", func() map[string]interface{} {
			var v interface{} = "leaf"
			// Deeper nesting mostly costs the Go client: encoding/json takes
			// about a second for 100000 levels on this machine.
			for i := 0; i < 5000; i++ {
				v = []interface{}{v}
			}
			return map[string]interface{}{"credential_type": "iam_user", "iam_tags": v}
		}, "deeper than the limit of 300"},
	}
	// Each kind once, checked for its answer, before the timing run.
	for _, h := range hostileRequests {
		data := h.data()
		started := time.Now()
		resp, err := request(t, hostile, h.op, h.path, data)
		t.Logf("%s: answered in %v", h.name, time.Since(started))
		if text := errorText(resp, err); !strings.Contains(text, h.want) {
			t.Fatalf("%s: want an error containing %q, got %q", h.name, h.want, text)
		}
		if err != nil && !strings.Contains(fmt.Sprintf("%T", err), "StatusBadRequest") && (resp == nil || !resp.IsError()) {
			t.Fatalf("%s: want a 400 (StatusBadRequest or an error response), got %T: %v", h.name, err, err)
		}
	}

	var stop atomic.Bool
	var hostileDone, hostileWrong atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < hostileWorkers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; !stop.Load(); i++ {
				h := hostileRequests[i%len(hostileRequests)]
				resp, err := hostile.Request(testContext(t), h.op, h.path, h.data())
				if !strings.Contains(errorText(resp, err), h.want) {
					hostileWrong.Add(1)
				}
				hostileDone.Add(1)
			}
		}(w)
	}

	var latencies []time.Duration
	peakRSS := 0
	deadline := time.Now().Add(hammerFor)
	for time.Now().Before(deadline) {
		started := time.Now()
		resp := mustOK(t, victim, logical.ReadOperation, "config/lease", nil)
		latencies = append(latencies, time.Since(started))
		if resp == nil || resp.Data["lease"] == nil {
			t.Fatalf("victim read: unexpected response %+v", resp)
		}
		if len(latencies)%20 == 0 {
			if rss := rssBytes(t, p.Pid); rss > peakRSS {
				peakRSS = rss
			}
		}
	}
	stop.Store(true)
	wg.Wait()

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	p99 := latencies[len(latencies)*99/100]
	t.Logf("victim reads: %d, p50 %v, p99 %v, max %v; hostile requests: %d; peak RSS %d MiB",
		len(latencies), latencies[len(latencies)/2], p99, latencies[len(latencies)-1], hostileDone.Load(), peakRSS>>20)
	if hostileDone.Load() < int64(hostileWorkers) {
		t.Fatalf("only %d hostile requests completed: they are not being bounded", hostileDone.Load())
	}
	if n := hostileWrong.Load(); n > 0 {
		t.Errorf("%d hostile requests were not refused with their limit's error", n)
	}
	if p99 > victimP99Bound {
		t.Errorf("victim read p99 %v exceeds %v while another mount is attacked", p99, victimP99Bound)
	}
	if rss := rssBytes(t, p.Pid); rss > peakRSS {
		peakRSS = rss
	}
	if peakRSS > rssBound {
		t.Errorf("plugin RSS peaked at %d MiB, over %d MiB", peakRSS>>20, rssBound>>20)
	}

	// Both mounts still answer, the hostile one included.
	mustOK(t, victim, logical.ReadOperation, "config/lease", nil)
	if resp := mustOK(t, hostile, logical.ReadOperation, "config/root", nil); resp == nil || resp.Data["username_template"] != evilTemplate {
		t.Fatalf("hostile mount read config/root after the attack: %+v", resp)
	}
}

// rssBytes reads VmRSS of pid from /proc.
func rssBytes(t *testing.T, pid int) int {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/status: %v", pid, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "VmRSS:" {
			kib, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("VmRSS %q: %v", line, err)
			}
			return kib << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}
