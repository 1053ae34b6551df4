package conformance_test

// How the engine answers AWS failures, in Vault's HTTP status codes (logical.RespondErrorCommon on
// the (response, error) pair the plugin returns). Upstream's creds path answers an AWS failure with
// an error response (400) plus awsutil.CheckAWSError, whose ErrUpstreamRateLimited Vault turns into
// 502 for throttling; config/rotate-root returns the error itself (500). Run against both the Go
// reference plugin and ours; IAM is a local server answering every call with one AWS error.

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/vault/sdk/logical"
)

func TestAwsFailureStatusCodes(t *testing.T) {
	var answer atomic.Value // "<status> <code>"
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var status int
		var code string
		fmt.Sscanf(answer.Load().(string), "%d %s", &status, &code)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>Injected</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code)
	}))
	defer iam.Close()

	inst := mount(t, startPlugin(t), "aws-failures")
	// Stored directly: the Go engine's config/root write also registers a rotation job, which this
	// harness's system view does not implement.
	entry, err := logical.StorageEntryJSON("config/root", map[string]interface{}{
		"access_key": "AKIAEXAMPLE", "secret_key": "secret", "region": "us-east-1", "iam_endpoint": iam.URL, "max_retries": 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Storage.Put(testContext(t), entry); err != nil {
		t.Fatal(err)
	}
	mustOK(t, inst, logical.UpdateOperation, "roles/r", map[string]interface{}{"credential_type": "iam_user", "policy_arns": "arn:aws:iam::aws:policy/ReadOnlyAccess"})

	cases := []struct {
		aws        string
		op         logical.Operation
		path       string
		wantStatus int
		wantPrefix string
	}{
		{"400 Throttling", logical.ReadOperation, "creds/r", 502, "Error creating IAM user: "},
		{"500 ServiceFailure", logical.ReadOperation, "creds/r", 400, "Error creating IAM user: "},
		{"403 AccessDenied", logical.ReadOperation, "creds/r", 400, "Error creating IAM user: "},
		{"400 Throttling", logical.UpdateOperation, "config/rotate-root", 500, "error calling GetUser: "},
		{"500 ServiceFailure", logical.UpdateOperation, "config/rotate-root", 500, "error calling GetUser: "},
	}
	for _, c := range cases {
		answer.Store(c.aws)
		resp, err := request(t, inst, c.op, c.path, nil)
		status, text := logical.RespondErrorCommon(&logical.Request{Operation: c.op, Path: c.path}, resp, err)
		if status != c.wantStatus || text == nil || !strings.HasPrefix(text.Error(), c.wantPrefix) {
			t.Errorf("%s with IAM answering %s: got %d %v, want %d with text starting %q", c.path, c.aws, status, text, c.wantStatus, c.wantPrefix)
		}
	}
}

// TestAwsFailureClassesAcrossCredentialTypes: each way AWS can fail gets the same status and the
// same message shape ("<step>: <call>: <what happened>") from every credential type, through the
// built plugin: unreachable (a closed port), hung (a socket that accepts and never answers; the
// plugin's silence limit ends it after about 13 s), throttled (502, as Vault) and denied. IAM
// and STS are one loopback endpoint; STS GetCallerIdentity (the client's probe) succeeds unless
// the endpoint is unreachable or hung.
func TestAwsFailureClassesAcrossCredentialTypes(t *testing.T) {
	scenarios := []struct {
		name       string
		endpoint   func(t *testing.T) string
		wantStatus int
		// what happened, after "<call>: " (a regular expression)
		wantWhat string
	}{
		{"unreachable", closedEndpoint, 400, `AWS could not be reached: .*ECONNREFUSED`},
		{"hung", hungEndpoint, 400, `AWS did not answer in time: .*timed out`},
		{"throttled", answering(400, "Throttling", "Rate exceeded"), 502, `Throttling: Rate exceeded$`},
		{"denied", answering(403, "AccessDenied", "not authorized"), 400, `AccessDenied: not authorized$`},
	}
	for _, sc := range scenarios {
		sc := sc
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			endpoint := sc.endpoint(t)
			inst := mount(t, startPlugin(t), "aws-failure-"+sc.name)
			entry, err := logical.StorageEntryJSON("config/root", map[string]interface{}{
				"access_key": "AKIAEXAMPLE", "secret_key": "secret", "region": "us-east-1",
				"iam_endpoint": endpoint, "sts_endpoint": endpoint, "max_retries": 0,
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := inst.Storage.Put(testContext(t), entry); err != nil {
				t.Fatal(err)
			}
			policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
			mustOK(t, inst, logical.UpdateOperation, "roles/iam", map[string]interface{}{"credential_type": "iam_user", "policy_document": policy})
			mustOK(t, inst, logical.UpdateOperation, "roles/assumed", map[string]interface{}{"credential_type": "assumed_role", "role_arns": "arn:aws:iam::123456789012:role/r"})
			mustOK(t, inst, logical.UpdateOperation, "roles/federation", map[string]interface{}{"credential_type": "federation_token", "policy_document": policy})

			// The call that fails: the STS probe when STS cannot be reached at all, else the credential call.
			probe := regexp.QuoteMeta("could not obtain sts client: "+endpoint+" [us-east-1]: STS GetCallerIdentity") + ": "
			calls := map[string]string{
				"creds/iam":        "Error creating IAM user: IAM CreateUser: ",
				"creds/assumed":    "Error assuming role: STS AssumeRole: ",
				"creds/federation": "Error generating STS keys: STS GetFederationToken: ",
			}
			for path, call := range calls {
				lead := regexp.QuoteMeta(call)
				if path != "creds/iam" && (sc.name == "unreachable" || sc.name == "hung") {
					lead = probe
				}
				started := time.Now()
				resp, err := request(t, inst, logical.ReadOperation, path, nil)
				status, text := logical.RespondErrorCommon(&logical.Request{Operation: logical.ReadOperation, Path: path}, resp, err)
				if elapsed := time.Since(started); elapsed > 60*time.Second {
					t.Errorf("%s took %s, more than the 60 s an AWS failure may take", path, elapsed)
				}
				if status != sc.wantStatus || text == nil || !regexp.MustCompile("^"+lead+sc.wantWhat).MatchString(text.Error()) {
					t.Errorf("%s, AWS %s: got %d %v, want %d matching %q", path, sc.name, status, text, sc.wantStatus, "^"+lead+sc.wantWhat)
				}
			}
		})
	}
}

// closedEndpoint is a loopback URL nobody listens on.
func closedEndpoint(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// hungEndpoint accepts connections and never answers.
func hungEndpoint(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// answering serves IAM and STS: GetCallerIdentity succeeds, every other action gets one AWS error.
func answering(status int, code, message string) func(t *testing.T) string {
	return func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "text/xml")
			if r.Form.Get("Action") == "GetCallerIdentity" {
				fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/root</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
				return
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code, message)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
}
