package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/differential"
)

// Table-driven differential runs: a case is one request sent to both sides
// (or the renewal/revocation of the lease an earlier case got on each side);
// the two replies are compared with differential.Compare, and every
// difference must be listed in the deliberate-differences file — and every
// listed one must still occur.

type d = map[string]interface{}

const (
	read   = logical.ReadOperation
	update = logical.UpdateOperation
	list   = logical.ListOperation
	del    = logical.DeleteOperation
	renew  = logical.RenewOperation
	revoke = logical.RevokeOperation
)

type dcase struct {
	name string
	op   logical.Operation
	path string
	data d
	// rules are added to the scenario's rules for this case.
	rules differential.Rules
	// of names the earlier case whose lease a renew/revoke case handles.
	of string
	// capture copies, per side, string values of the reply's data into that
	// side's vars (var name -> data key), for later cases to use (a role tag
	// each engine generated itself, for instance).
	capture map[string]string
}

// c is a case; with data nil the request has no body/query.
func c(name string, op logical.Operation, path string, data d) dcase {
	return dcase{name: name, op: op, path: path, data: data}
}

// renewOf renews, as Vault's expiration manager would, the lease that the
// case named issuing got (each side renews its own lease).
func renewOf(name, issuing string) dcase { return dcase{name: name, op: renew, of: issuing} }

// revokeOf revokes the lease that the case named issuing got.
func revokeOf(name, issuing string) dcase { return dcase{name: name, op: revoke, of: issuing} }

// capturing returns x with the reply's data[key] kept as ${name} for later cases.
func (x dcase) capturing(name, key string) dcase {
	out := map[string]string{name: key}
	for k, v := range x.capture {
		out[k] = v
	}
	x.capture = out
	return x
}

func (x dcase) with(r differential.Rules) dcase {
	x.rules = x.rules.With(r)
	return x
}

// vars are substituted per side into every string of a case's data:
// "${NAME}" becomes vars[NAME].
type vars map[string]string

func (v vars) apply(data d) d {
	if data == nil {
		return nil
	}
	out := d{}
	for k, val := range data {
		switch x := val.(type) {
		case string:
			val = v.expand(x)
		case d:
			val = v.apply(x)
		}
		out[k] = val
	}
	return out
}

// expand substitutes "${NAME}" in one string (data values and paths).
func (v vars) expand(s string) string {
	for name, repl := range v {
		s = strings.ReplaceAll(s, "${"+name+"}", repl)
	}
	return s
}

// envReferenceSecretsAWS names the Go reference plugin (Vault's builtin AWS
// secrets engine served as an external plugin).
const envReferenceSecretsAWS = "VNP_REFERENCE_SECRETS_AWS"

// envDiffReport, when set, names a file that receives every difference
// found (JSON lines), listed or not.
const envDiffReport = "VNP_DIFF_REPORT"

func referencePlugin(t *testing.T, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Fatalf("%s is not set: the differential suite compares against Vault's own engine and cannot run without it "+
			"(absolute path of the reference plugin, e.g. ~/.cache/vault-node-plugins/bin/vault-builtin-aws-v1.21.4)", env)
	}
	if !filepath.IsAbs(p) {
		t.Fatalf("%s=%q is not an absolute path", env, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatalf("%s=%q: %v", env, p, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%q is not an executable file", env, p)
	}
	return p
}

// startPair launches ours and the reference; their logs are printed when the
// test fails.
func startPair(t *testing.T, pluginType, name, refEnv string) *differential.Pair {
	t.Helper()
	return startPairFiles(t, pluginType, name, pluginPath(t), referencePlugin(t, refEnv))
}

// startPairFiles launches the two given plugin files.
func startPairFiles(t *testing.T, pluginType, name, ours, ref string) *differential.Pair {
	t.Helper()
	oursLog, refLog := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	p, err := differential.Start(ctx, differential.Config{
		PluginType:  pluginType,
		Name:        name,
		OursPath:    ours,
		VaultPath:   ref,
		OursLogger:  hclog.New(&hclog.LoggerOptions{Name: "ours", Level: hclog.Debug, Output: oursLog}),
		VaultLogger: hclog.New(&hclog.LoggerOptions{Name: "vault", Level: hclog.Debug, Output: refLog}),
	})
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("VNP_DIFF_LOGS") != "" {
			t.Logf("ours log:\n%s\nreference log:\n%s", oursLog.String(), refLog.String())
		}
	})
	if err != nil {
		t.Fatalf("start plugins: %v", err)
	}
	t.Cleanup(p.Kill)
	return p
}

func mountPair(t *testing.T, p *differential.Pair, shared bool) *differential.Mounts {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	m, err := p.Mount(ctx, shared)
	if err != nil {
		t.Fatalf("mount: %v", err)
	}
	return m
}

// loadDeliberate reads the list of differences we keep on purpose.
func loadDeliberate(t *testing.T, file string) []differential.Deliberate {
	t.Helper()
	listed, err := differential.LoadDeliberate(file)
	if err != nil {
		t.Fatalf("deliberate differences: %v", err)
	}
	return listed.Differences
}

// checker accumulates the case names a test ran, so that a listed
// difference naming a case that does not exist (a typo, a renamed case) is
// reported too.
type checker struct {
	listed []differential.Deliberate
	mu     sync.Mutex
	ran    map[string]bool
}

func newChecker(listed []differential.Deliberate) *checker {
	return &checker{listed: listed, ran: map[string]bool{}}
}

var reportMu sync.Mutex

// check compares two trees for one case and reports failures on t.
func (ck *checker) check(t *testing.T, caseName string, ours, vault map[string]interface{}, rules differential.Rules) {
	t.Helper()
	ck.mu.Lock()
	ck.ran[caseName] = true
	ck.mu.Unlock()
	diffs := differential.Compare(ours, vault, rules)
	unlisted, vanished := differential.Classify(caseName, diffs, ck.listed)
	writeReport(caseName, diffs, unlisted)
	writeTrace(caseName, ours, vault)
	for _, u := range unlisted {
		t.Errorf("case %q: unlisted difference at %s: ours %s, vault %s", caseName, u.Where, u.Ours, u.Vault)
	}
	for _, v := range vanished {
		t.Errorf("case %q: deliberate difference at %s no longer occurs (listed: ours %s, vault %s, topic %s); remove it from the list",
			caseName, v.Where, v.Ours, v.Vault, v.Topic)
	}
	if len(unlisted) > 0 {
		t.Logf("case %q full replies:\n  ours:  %s\n  vault: %s", caseName, compact(ours), compact(vault))
	}
}

// finish fails when a listed difference names a case of prefix that never
// ran.
func (ck *checker) finish(t *testing.T, prefix func(string) bool) {
	t.Helper()
	for _, l := range ck.listed {
		if prefix(l.Case) && !ck.ran[l.Case] {
			t.Errorf("deliberate difference names case %q, which this suite does not run (at %s: %s)", l.Case, l.Where, l.Topic)
		}
	}
}

func writeReport(caseName string, diffs, unlisted []differential.Difference) {
	file := os.Getenv(envDiffReport)
	if file == "" || len(diffs) == 0 {
		return
	}
	isUnlisted := map[string]bool{}
	for _, u := range unlisted {
		isUnlisted[u.Where] = true
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	for _, df := range diffs {
		line, _ := json.Marshal(map[string]interface{}{
			"case": caseName, "where": df.Where, "ours": df.Ours, "vault": df.Vault, "listed": !isUnlisted[df.Where],
		})
		fmt.Fprintln(f, string(line))
	}
}

// envDiffTrace, when set, names a file that receives both replies of every
// case (JSON lines), differences or not: to review what the reference
// answers.
const envDiffTrace = "VNP_DIFF_TRACE"

func writeTrace(caseName string, ours, vault map[string]interface{}) {
	file := os.Getenv(envDiffTrace)
	if file == "" {
		return
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	line, _ := json.Marshal(map[string]interface{}{"case": caseName, "ours": ours, "vault": vault})
	fmt.Fprintln(f, string(line))
}

func compact(v interface{}) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

// scenario runs cases in order on one pair of mounts, each side with its
// own vars, and keeps every exchange by case name for later renew/revoke
// cases.
type scenario struct {
	m     *differential.Mounts
	vars  map[differential.Side]vars
	rules differential.Rules
	ck    *checker
	got   map[string][2]differential.Exchange
}

func (s *scenario) run(t *testing.T, cases []dcase) {
	t.Helper()
	if s.got == nil {
		s.got = map[string][2]differential.Exchange{}
	}
	names := map[string]bool{}
	for _, x := range cases {
		if names[x.name] {
			t.Fatalf("duplicate case name %q", x.name)
		}
		names[x.name] = true
	}
	for _, x := range cases {
		x := x
		t.Run(x.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			var pair [2]differential.Exchange
			for i, side := range []differential.Side{differential.Ours, differential.Vault} {
				req, err := s.request(x, side, i)
				if err != nil {
					t.Fatalf("case %q (%s): %v", x.name, side, err)
				}
				pair[i] = differential.Send(ctx, side, s.m.Instance(side), req)
			}
			s.got[x.name] = pair
			for name, key := range x.capture {
				for i, side := range []differential.Side{differential.Ours, differential.Vault} {
					if r := pair[i].Resp; r != nil && !r.IsError() {
						if v, ok := r.Data[key].(string); ok {
							s.vars[side][name] = v
						}
					}
				}
			}
			s.ck.check(t, x.name, differential.Tree(pair[0]), differential.Tree(pair[1]), s.rules.With(x.rules))
		})
	}
}

func (s *scenario) request(x dcase, side differential.Side, i int) (*logical.Request, error) {
	switch x.op {
	case renew, revoke:
		issued, ok := s.got[x.of]
		if !ok {
			return nil, fmt.Errorf("issuing case %q has not run", x.of)
		}
		ex := issued[i]
		if x.op == renew && ex.Resp != nil && ex.Resp.Auth != nil && ex.Resp.Secret == nil {
			// A login's token, renewed as core's token store asks the auth method.
			return differential.RenewAuthRequest(ex, 0, s.m.System(side))
		}
		if ex.Resp == nil || ex.Resp.Secret == nil {
			return nil, fmt.Errorf("issuing case %q got no lease on this side (status %v, error %v)",
				x.of, differential.Tree(ex)["status"], differential.Tree(ex)["error"])
		}
		if x.op == renew {
			return differential.RenewRequest(ex, 0, s.m.System(side))
		}
		return differential.RevokeRequest(ex, s.m.System(side))
	}
	return &logical.Request{Operation: x.op, Path: s.vars[side].expand(x.path), Data: s.vars[side].apply(x.data)}, nil
}
