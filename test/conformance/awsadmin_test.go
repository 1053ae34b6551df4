package conformance_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The differential suite needs a few IAM objects in moto that the engines
// only read (a static role's user, a managed policy, a group) and root users
// of its own for config/rotate-root. awsAdmin makes them with the admin key
// the runner hands over, through plain signed HTTP calls (IAM query API,
// SigV4), so the module takes no AWS SDK dependency.

const (
	envAWSEndpoint  = "VNP_AWS_ENDPOINT"
	envAWSAccessKey = "VNP_AWS_ACCESS_KEY"
	envAWSSecretKey = "VNP_AWS_SECRET_KEY"
)

type awsAdmin struct {
	endpoint, accessKey, secretKey string
	client                         *http.Client
}

// awsFromEnv fails the test (never skips) when the moto variables are unset.
func awsFromEnv(t *testing.T) *awsAdmin {
	t.Helper()
	a := &awsAdmin{
		endpoint:  os.Getenv(envAWSEndpoint),
		accessKey: os.Getenv(envAWSAccessKey),
		secretKey: os.Getenv(envAWSSecretKey),
		client:    &http.Client{Timeout: 20 * time.Second},
	}
	var missing []string
	for _, nv := range [][2]string{{envAWSEndpoint, a.endpoint}, {envAWSAccessKey, a.accessKey}, {envAWSSecretKey, a.secretKey}} {
		if nv[1] == "" {
			missing = append(missing, nv[0])
		}
	}
	if len(missing) > 0 {
		t.Fatalf("differential suite needs a moto server (IAM+STS) and an admin key on it: %s unset "+
			"(scripts/lib/moto.mjs startMoto() gives endpoint and rootCredentials)", strings.Join(missing, ", "))
	}
	return a
}

// iam performs one IAM query-API action and returns the XML answer.
func (a *awsAdmin) iam(params map[string]string) (string, error) {
	form := url.Values{"Version": {"2010-05-08"}}
	for k, v := range params {
		form.Set(k, v)
	}
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(a.endpoint, "/")+"/", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	a.sign(req, body, "iam", "us-east-1", time.Now().UTC())
	resp, err := a.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return string(raw), fmt.Errorf("IAM %s: HTTP %d: %.300s", params["Action"], resp.StatusCode, raw)
	}
	return string(raw), nil
}

func (a *awsAdmin) mustIAM(t *testing.T, params map[string]string) string {
	t.Helper()
	out, err := a.iam(params)
	if err != nil {
		t.Fatalf("moto setup: %v", err)
	}
	return out
}

// userExists reports whether IAM knows userName.
func (a *awsAdmin) userExists(t *testing.T, userName string) bool {
	t.Helper()
	out, err := a.iam(map[string]string{"Action": "GetUser", "UserName": userName})
	if err == nil {
		return true
	}
	if strings.Contains(out, "NoSuchEntity") {
		return false
	}
	t.Fatalf("moto GetUser %s: %v", userName, err)
	return false
}

// createUserWithKey creates an IAM user with an allow-all inline policy and
// one access key; it returns the key pair.
func (a *awsAdmin) createUserWithKey(t *testing.T, userName string) (string, string) {
	t.Helper()
	a.mustIAM(t, map[string]string{"Action": "CreateUser", "UserName": userName})
	a.mustIAM(t, map[string]string{
		"Action": "PutUserPolicy", "UserName": userName, "PolicyName": "allow-all",
		"PolicyDocument": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	})
	out := a.mustIAM(t, map[string]string{"Action": "CreateAccessKey", "UserName": userName})
	return xmlText(out, "AccessKeyId"), xmlText(out, "SecretAccessKey")
}

func xmlText(xml, tag string) string {
	m := regexp.MustCompile("<" + tag + ">([^<]*)</" + tag + ">").FindStringSubmatch(xml)
	if m == nil {
		return ""
	}
	return m[1]
}

// sign adds a SigV4 Authorization header (moto also routes by its scope).
func (a *awsAdmin) sign(req *http.Request, body, service, region string, now time.Time) {
	amzDate := now.Format("20060102T150405Z")
	day := now.Format("20060102")
	req.Header.Set("X-Amz-Date", amzDate)
	host := req.URL.Host
	payloadHash := sha256Hex(body)
	canonicalHeaders := "content-type:" + req.Header.Get("Content-Type") + "\nhost:" + host + "\nx-amz-date:" + amzDate + "\n"
	signedHeaders := "content-type;host;x-amz-date"
	canonical := strings.Join([]string{req.Method, "/", "", canonicalHeaders, signedHeaders, payloadHash}, "\n")
	scope := day + "/" + region + "/" + service + "/aws4_request"
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)}, "\n")
	key := hmacSHA256([]byte("AWS4"+a.secretKey), day)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+a.accessKey+"/"+scope+
		", SignedHeaders="+signedHeaders+", Signature="+sig)
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
