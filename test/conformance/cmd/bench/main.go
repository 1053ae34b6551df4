// Command bench measures one backend plugin file driven the way Vault drives
// it (go-plugin v5, AutoMTLS, brokered InmemStorage) and prints JSON:
// start-to-handshake time, HandleRequest latency/throughput of a
// storage-backed read at several concurrency levels, and the plugin
// process's RSS.
package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

type startStats struct {
	Samples  int       `json:"samples"`
	MedianMs float64   `json:"median_ms"`
	MinMs    float64   `json:"min_ms"`
	MaxMs    float64   `json:"max_ms"`
	AllMs    []float64 `json:"all_ms"`
}

type loadStats struct {
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MeanMs      float64 `json:"mean_ms"`
	MaxMs       float64 `json:"max_ms"`
	RPS         float64 `json:"rps"`
	WallSeconds float64 `json:"wall_s"`
}

type rssStats struct {
	IdleMB          float64 `json:"idle_mb"`
	AfterRequestsMB float64 `json:"after_requests_mb"`
	PeakMB          float64 `json:"peak_mb"`
	RequestsBefore  int     `json:"requests_before_after_sample"`
}

type result struct {
	Plugin        string       `json:"plugin"`
	SizeBytes     int64        `json:"size_bytes"`
	SHA256        string       `json:"sha256"`
	PluginVersion string       `json:"plugin_version"`
	Multiplexed   bool         `json:"multiplexed"`
	Start         startStats   `json:"start"`
	Read          []loadStats  `json:"read"`
	Creds         []credsStats `json:"creds,omitempty"`
	RSS           rssStats     `json:"rss"`
	GoMaxProcs    int          `json:"host_cpus"`
	Timestamp     string       `json:"timestamp"`
}

func main() {
	var (
		pluginPath  = flag.String("plugin", "", "plugin file to benchmark (required)")
		name        = flag.String("name", "aws", "catalog name sent as plugin_name")
		launches    = flag.Int("launches", 10, "number of launches for the start-time median")
		requests    = flag.Int("requests", 5000, "read requests per concurrency level")
		warmup      = flag.Int("warmup", 200, "warm-up read requests before measuring")
		concurrency = flag.String("concurrency", "1,16", "comma-separated concurrency levels")
		verbose     = flag.Bool("v", false, "log go-plugin/plugin output to stderr")
		awsEndpoint = flag.String("aws-endpoint", "", "AWS endpoint (IAM and STS) for the creds latency run; empty skips it")
		awsKey      = flag.String("aws-access-key", "test", "access key for -aws-endpoint")
		awsSecret   = flag.String("aws-secret-key", "test", "secret key for -aws-endpoint")
		credsN      = flag.Int("creds-requests", 200, "creds reads per role for the creds latency run")
	)
	flag.Parse()
	if *pluginPath == "" {
		fmt.Fprintln(os.Stderr, "usage: bench -plugin <file> [-launches N] [-requests N] [-concurrency 1,16]")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*pluginPath)
	if err != nil {
		fatal(err)
	}
	var levels []int
	for _, s := range strings.Split(*concurrency, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fatal(fmt.Errorf("bad concurrency level %q", s))
		}
		levels = append(levels, n)
	}

	logger := hclog.NewNullLogger()
	if *verbose {
		logger = hclog.New(&hclog.LoggerOptions{Name: "bench", Level: hclog.Debug, Output: os.Stderr})
	}
	opts := harness.Options{PluginPath: abs, Name: *name, PluginType: "secret", Logger: logger}

	st, err := os.Stat(abs)
	if err != nil {
		fatal(err)
	}
	sum, err := harness.Checksum(abs)
	if err != nil {
		fatal(err)
	}
	res := result{
		Plugin:     abs,
		SizeBytes:  st.Size(),
		SHA256:     hex.EncodeToString(sum),
		GoMaxProcs: runtime.NumCPU(),
		Timestamp:  time.Now().UTC().Format(time.RFC3339),
	}

	ctx := context.Background()

	// 1. Start-to-handshake: exec to client.Client() returning.
	logf("%s: %d launches", filepath.Base(abs), *launches)
	var starts []float64
	for i := 0; i < *launches; i++ {
		p, err := harness.Start(ctx, opts)
		if err != nil {
			fatal(fmt.Errorf("launch %d: %w", i+1, err))
		}
		starts = append(starts, ms(p.StartDuration))
		p.Kill()
	}
	res.Start = summarizeStarts(starts)

	// 2. One process, one mounted instance, storage over the broker.
	p, err := harness.Start(ctx, opts)
	if err != nil {
		fatal(err)
	}
	defer p.Kill()
	res.Multiplexed = p.Multiplexed
	inst, err := p.Mount(ctx, harness.InstanceOptions{System: benchSystemView()})
	if err != nil {
		fatal(err)
	}
	if v, ok := inst.Backend.(logical.PluginVersioner); ok {
		res.PluginVersion = v.PluginVersion().Version
	}
	time.Sleep(500 * time.Millisecond)
	idle, err := readRSS(p.Pid)
	if err != nil {
		fatal(err)
	}
	res.RSS.IdleMB = idle

	if resp, err := inst.Request(ctx, logical.UpdateOperation, "config/lease", map[string]interface{}{"lease": "30m", "lease_max": "12h"}); err != nil || (resp != nil && resp.IsError()) {
		fatal(fmt.Errorf("write config/lease: %v %v", err, resp))
	}
	read := func() error {
		resp, err := inst.Request(ctx, logical.ReadOperation, "config/lease", nil)
		if err != nil {
			return err
		}
		if resp == nil || resp.Data["lease"] != "30m0s" {
			return fmt.Errorf("unexpected read response %+v", resp)
		}
		return nil
	}
	if err := read(); err != nil {
		fatal(fmt.Errorf("read config/lease: %w", err))
	}
	done := 2
	for i := 0; i < *warmup; i++ {
		if err := read(); err != nil {
			fatal(fmt.Errorf("warm-up read: %w", err))
		}
	}
	done += *warmup

	for _, c := range levels {
		logf("%s: %d reads at concurrency %d", filepath.Base(abs), *requests, c)
		ls := runLoad(c, *requests, read)
		res.Read = append(res.Read, ls)
		done += *requests
	}

	after, err := readRSS(p.Pid)
	if err != nil {
		fatal(err)
	}
	res.RSS.AfterRequestsMB = after
	res.RSS.RequestsBefore = done
	if peak, err := readStatusKB(p.Pid, "VmHWM"); err == nil {
		res.RSS.PeakMB = round(peak/1024, 1)
	}

	if *awsEndpoint != "" {
		creds, err := measureCreds(ctx, abs, inst, awsTarget{Endpoint: *awsEndpoint, AccessKey: *awsKey, SecretKey: *awsSecret}, *credsN)
		if err != nil {
			fatal(err)
		}
		res.Creds = creds
	}

	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := inst.Cleanup(cctx, 10*time.Second); err != nil {
		logf("warning: %v", err)
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fatal(err)
	}
}

func runLoad(concurrency, total int, op func() error) loadStats {
	var next int64
	var errs int64
	lat := make([][]time.Duration, concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, total/concurrency+1)
			for atomic.AddInt64(&next, 1) <= int64(total) {
				t0 := time.Now()
				if err := op(); err != nil {
					atomic.AddInt64(&errs, 1)
				}
				local = append(local, time.Since(t0))
			}
			lat[w] = local
		}(w)
	}
	wg.Wait()
	wall := time.Since(start)

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	ls := loadStats{
		Concurrency: concurrency,
		Requests:    len(all),
		Errors:      int(errs),
		WallSeconds: round(wall.Seconds(), 3),
		RPS:         round(float64(len(all))/wall.Seconds(), 1),
	}
	if len(all) > 0 {
		ls.P50Ms = round(ms(percentile(all, 0.50)), 3)
		ls.P99Ms = round(ms(percentile(all, 0.99)), 3)
		ls.MeanMs = round(ms(sum/time.Duration(len(all))), 3)
		ls.MaxMs = round(ms(all[len(all)-1]), 3)
	}
	return ls
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	idx := int(math.Ceil(q*float64(len(sorted)))) - 1
	if idx < 0 {
		idx = 0
	}
	if idx >= len(sorted) {
		idx = len(sorted) - 1
	}
	return sorted[idx]
}

func summarizeStarts(v []float64) startStats {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	out := startStats{Samples: len(s)}
	for _, x := range v {
		out.AllMs = append(out.AllMs, round(x, 1))
	}
	if len(s) == 0 {
		return out
	}
	if len(s)%2 == 1 {
		out.MedianMs = s[len(s)/2]
	} else {
		out.MedianMs = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	out.MedianMs = round(out.MedianMs, 1)
	out.MinMs = round(s[0], 1)
	out.MaxMs = round(s[len(s)-1], 1)
	return out
}

// readRSS returns VmRSS of pid in MB.
func readRSS(pid int) (float64, error) {
	kb, err := readStatusKB(pid, "VmRSS")
	if err != nil {
		return 0, err
	}
	return round(kb/1024, 1), nil
}

func readStatusKB(pid int, field string) (float64, error) {
	if pid <= 0 {
		return 0, errors.New("unknown plugin pid")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, field+":") {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, field+":"))
		if len(fields) == 0 {
			break
		}
		return strconv.ParseFloat(fields[0], 64)
	}
	return 0, fmt.Errorf("%s not found in /proc/%d/status", field, pid)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	os.Exit(1)
}
