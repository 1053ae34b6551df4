package conformance_test

// How the engine answers AWS failures, in Vault's HTTP status codes (logical.RespondErrorCommon on
// the (response, error) pair the plugin returns). Upstream's creds path answers an AWS failure with
// an error response (400) plus awsutil.CheckAWSError, whose ErrUpstreamRateLimited Vault turns into
// 502 for throttling; config/rotate-root returns the error itself (500). Run against both the Go
// reference plugin and ours; IAM is a local server answering every call with one AWS error.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

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
