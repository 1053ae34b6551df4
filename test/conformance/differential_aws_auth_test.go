package conformance_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/differential"
	"vaultnodeplugins/conformance/harness"
)

// Differential suite for the AWS auth method: ours against Vault 1.21's
// builtin/credential/aws served as an external plugin, over one moto server
// (both reach it through config/client's endpoints).
//
//	VNP_PLUGIN_AUTH_AWS     our auth plugin file (dist/vault-plugin-auth-aws)
//	VNP_REFERENCE_AUTH_AWS  the reference plugin file
//	VNP_AWS_ENDPOINT, VNP_AWS_ACCESS_KEY, VNP_AWS_SECRET_KEY
//	                        moto (IAM+STS) and an admin key on it
//
// Every difference must be listed in testdata/aws-auth-differences.json, and
// every listed one must still occur. Run:
//
//	node scripts/build.mjs && node scripts/lib/go-harness.mjs $PWD/dist/vault-plugin-auth-aws -run TestDifferentialAwsAuth
//
// VNP_DIFF_REPORT=<file> also writes every difference found as JSON lines;
// VNP_DIFF_LOGS=1 prints both plugins' logs on failure. With
// VNP_DIFF_SELF=1 the reference is compared with itself (a check of the
// cases and the harness, not of our plugin).

const (
	awsAuthDifferences    = "testdata/aws-auth-differences.json"
	envPluginAuthAWS      = "VNP_PLUGIN_AUTH_AWS"
	envReferenceAuthAWS   = "VNP_REFERENCE_AUTH_AWS"
	awsAuthMountType      = "aws"
	awsAuthAccount        = "123456789012" // moto's account
	awsAuthServerIDHeader = "vault.example.com"
)

// awsAuthRules normalise what is random or time-dependent in this method's
// replies.
var awsAuthRules = differential.Rules{
	"/error":                differential.Prefix,
	"/data/role_id":         differential.Present,
	"/data/tag_value":       differential.Present,
	"/data/creation_time":   differential.Present,
	"/data/expiration_time": differential.Present,
	"/data/access_key":      differential.Present,
	// Logins: the alias is the role id under the default iam_alias.
	"/auth/alias/name":             differential.Present,
	"/auth/internal_data/role_id":  differential.Present,
	"/auth/metadata/role_id":       differential.Present,
	"/auth/alias/metadata/role_id": differential.Present,
}

// startAuthPair launches our auth method and the reference (or the
// reference twice with VNP_DIFF_SELF=1).
func startAuthPair(t *testing.T) *differential.Pair {
	t.Helper()
	ref := referencePlugin(t, envReferenceAuthAWS)
	ours := ref
	if os.Getenv("VNP_DIFF_SELF") == "" {
		ours = authPluginPath(t)
	}
	return startPairFiles(t, "auth", "aws", ours, ref)
}

// loadAuthDeliberate is the list of deliberate differences; comparing the
// reference with itself (VNP_DIFF_SELF) expects none.
func loadAuthDeliberate(t *testing.T) []differential.Deliberate {
	t.Helper()
	listed := loadDeliberate(t, awsAuthDifferences)
	if os.Getenv("VNP_DIFF_SELF") != "" {
		return nil
	}
	return listed
}

func authPluginPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv(envPluginAuthAWS)
	if p == "" {
		t.Fatalf("%s is not set: set it to the absolute path of our built auth plugin (e.g. %s=$PWD/dist/vault-plugin-auth-aws; scripts/lib/go-harness.mjs sets it)", envPluginAuthAWS, envPluginAuthAWS)
	}
	if !filepath.IsAbs(p) {
		t.Fatalf("%s=%q is not an absolute path", envPluginAuthAWS, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatalf("%s=%q: %v (run node scripts/build.mjs first)", envPluginAuthAWS, p, err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("%s=%q is not an executable file", envPluginAuthAWS, p)
	}
	return p
}

// testCertPEM is a self-signed certificate for config/certificate: any
// parseable certificate will do, the paths only store and return it.
func testCertPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vnp-diff"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// awsAuthSetup creates the IAM principals roles bind to (a user and a role,
// whose unique ids both engines resolve through moto) and a root key per
// side (config/rotate-root replaces one side's key only).
func awsAuthSetup(t *testing.T, aws *awsAdmin) map[differential.Side]vars {
	t.Helper()
	run := strings.ToLower(harness.RandomID(6))
	cert := testCertPEM(t)
	common := vars{
		"ENDPOINT": aws.endpoint,
		"CERT":     cert,
		"CERT_B64": base64.StdEncoding.EncodeToString([]byte(cert)),
	}
	out := aws.mustIAM(t, map[string]string{"Action": "CreateUser", "UserName": "vnp-auth-diff-" + run})
	common["USER_ARN"] = xmlText(out, "Arn")
	out = aws.mustIAM(t, map[string]string{
		"Action": "CreateRole", "RoleName": "vnp-auth-diff-" + run,
		"AssumeRolePolicyDocument": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
	})
	common["ROLE_ARN"] = xmlText(out, "Arn")
	// One login user whose key both sides see: iam logins of both resolve to the same principal.
	common["LOGIN_KEY"], _ = aws.createUserWithKey(t, "vnp-auth-diff-"+run+"-login")
	common["LOGIN_USER"] = "vnp-auth-diff-" + run + "-login"
	perSide := map[differential.Side]vars{}
	for _, side := range []differential.Side{differential.Ours, differential.Vault} {
		v := copyVars(common)
		v["ROOT_KEY"], v["ROOT_SECRET"] = aws.createUserWithKey(t, "vnp-auth-diff-"+run+"-root-"+string(side))
		perSide[side] = v
	}
	return perSide
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// clientConfig is the config/client body the scenarios start with: moto for
// every AWS endpoint, so no request of either engine leaves the machine.
var clientConfig = d{
	"access_key": "${ROOT_KEY}", "secret_key": "${ROOT_SECRET}", "endpoint": "${ENDPOINT}",
	"iam_endpoint": "${ENDPOINT}", "sts_endpoint": "${ENDPOINT}", "sts_region": "us-east-1", "max_retries": 1,
}

// iamLogin is a complete set of iam login fields; with returns a copy with
// some replaced (nil removes one).
type iamLogin d

func (l iamLogin) with(kv ...interface{}) d {
	out := d{}
	for k, v := range l {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

const fakeAuthz = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id, Signature=0000"

var postLogin = iamLogin{
	"iam_http_request_method": "POST",
	"iam_request_url":         b64("https://sts.amazonaws.com/"),
	"iam_request_body":        b64("Action=GetCallerIdentity&Version=2011-06-15"),
	"iam_request_headers": d{
		"Authorization": fakeAuthz, "X-Amz-Date": "20260101T000000Z",
		"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader,
	},
}

var getLogin = iamLogin{
	"iam_http_request_method": "GET",
	"iam_request_url":         b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-SignedHeaders=host%3Bx-vault-aws-iam-server-id"),
	"iam_request_headers":     d{"X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader},
}

// iamLoginAs is an iam login for role whose Authorization header names the
// shared login user's key (moto answers GetCallerIdentity with its owner).
func iamLoginAs(role string) d {
	out := postLogin.with("iam_request_headers", d{
		"Authorization": "AWS4-HMAC-SHA256 Credential=${LOGIN_KEY}/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id, Signature=0000",
		"X-Amz-Date":    "20260101T000000Z", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
		"X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader,
	})
	if role != "" {
		out["role"] = role
	}
	return out
}

var ec2Doc = b64(`{"accountId":"123456789012","region":"us-east-1","instanceId":"i-0123456789abcdef0","imageId":"ami-12345678","pendingTime":"2026-01-01T00:00:00Z"}`)

// awsAuthCases covers every path of the method (features.md B): config/*,
// role CRUD of both auth types with their validation errors, role tags,
// deny and access lists under both names, tidy, and login refusals that
// happen before any AWS call. Cases run in order on one pair of mounts.
func awsAuthCases() (first, afterTidy []dcase) {
	first = []dcase{
		// Empty mount.
		c("config/client read unset", read, "config/client", nil),
		c("config/identity read default", read, "config/identity", nil),
		c("config/certificates list empty", list, "config/certificates/", nil),
		c("config/sts list empty", list, "config/sts/", nil),
		c("config/tidy/identity-accesslist read unset", read, "config/tidy/identity-accesslist", nil),
		c("config/tidy/roletag-denylist read unset", read, "config/tidy/roletag-denylist", nil),
		c("config/rotate-root unset", update, "config/rotate-root", nil),
		c("role list empty", list, "role/", nil),
		c("roles list empty", list, "roles/", nil),
		c("roletag-denylist list empty", list, "roletag-denylist/", nil),
		c("identity-accesslist list empty", list, "identity-accesslist/", nil),

		// Login input errors on an unconfigured mount (no AWS call is made).
		c("login no fields", update, "login", d{}),
		c("login role only", update, "login", d{"role": "x"}),
		c("login ec2 identity only", update, "login", d{"identity": ec2Doc}),
		c("login ec2 signature only", update, "login", d{"signature": b64("sig")}),
		c("login ec2 identity bad base64", update, "login", d{"identity": "%%%not-base64", "signature": b64("sig")}),
		c("login ec2 signature bad base64", update, "login", d{"identity": ec2Doc, "signature": "%%%not-base64"}),
		c("login ec2 identity empty signature", update, "login", d{"identity": ec2Doc, "signature": ""}),
		c("login ec2 pkcs7 and identity tuple", update, "login", d{"pkcs7": "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwGggCSABIIB", "identity": ec2Doc, "signature": b64("sig")}),
		c("login ec2 pkcs7 garbage", update, "login", d{"pkcs7": "not a pkcs7 signature"}),
		c("login ec2 bad signature", update, "login", d{"identity": ec2Doc, "signature": b64("not a signature")}),
		c("login iam method only", update, "login", d{"iam_http_request_method": "POST"}),
		c("login iam url only", update, "login", d{"iam_request_url": postLogin["iam_request_url"]}),
		c("login iam POST without body", update, "login", postLogin.with("iam_request_body", nil)),
		c("login iam POST without headers", update, "login", postLogin.with("iam_request_headers", nil)),
		c("login iam without method", update, "login", postLogin.with("iam_http_request_method", nil)),
		c("login both ec2 and iam", update, "login", postLogin.with("pkcs7", "abc")),
		c("login ec2 partial with iam complete", update, "login", postLogin.with("identity", ec2Doc, "iam_request_headers", d{"Authorization": fakeAuthz}, "iam_request_body", "%%%")),
		c("login iam bad method", update, "login", postLogin.with("iam_http_request_method", "PUT")),
		c("login iam lowercase method", update, "login", postLogin.with("iam_http_request_method", "post")),
		c("login iam url bad base64", update, "login", postLogin.with("iam_request_url", "%%%")),
		c("login iam url unparseable", update, "login", postLogin.with("iam_request_url", b64("http://[::1]:namedport"))),
		c("login iam POST url with query", update, "login", postLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Action=GetCallerIdentity"))),
		c("login iam GET url without action", update, "login", getLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Version=2011-06-15"))),
		c("login iam GET url two actions", update, "login", getLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&Action=GetCallerIdentity"))),
		c("login iam GET url other action", update, "login", getLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Action=AssumeRole"))),
		c("login iam body bad base64", update, "login", postLogin.with("iam_request_body", "%%%")),
		c("login iam body other action", update, "login", postLogin.with("iam_request_body", b64("Action=AssumeRole&Version=2011-06-15"))),
		c("login iam body extra parameter", update, "login", postLogin.with("iam_request_body", b64("Action=GetCallerIdentity&Version=2011-06-15&RoleArn=x"))),
		c("login iam body two actions", update, "login", postLogin.with("iam_request_body", b64("Action=GetCallerIdentity&Action=GetCallerIdentity"))),
		c("login iam body bad query escape", update, "login", postLogin.with("iam_request_body", b64("Action=%zz"))),
		c("login iam headers empty object", update, "login", postLogin.with("iam_request_headers", d{})),
		c("login iam headers base64 JSON", update, "login", postLogin.with("iam_request_headers", b64(`{"Authorization":"x"}`), "iam_request_body", b64("Action=AssumeRole"))),
		c("login iam headers not JSON", update, "login", postLogin.with("iam_request_headers", "not json")),
		c("login iam headers wrong type", update, "login", postLogin.with("iam_request_headers", 42)),
		c("resolve-role no fields", logical.ResolveRoleOperation, "login", d{}),
		c("resolve-role iam bad method", logical.ResolveRoleOperation, "login", postLogin.with("iam_http_request_method", "PUT")),
		c("resolve-role ec2 bad base64", logical.ResolveRoleOperation, "login", d{"identity": "%%%", "signature": b64("sig")}),
		c("alias-lookahead no fields", logical.AliasLookaheadOperation, "login", d{}),
		c("alias-lookahead iam body other action", logical.AliasLookaheadOperation, "login", postLogin.with("iam_request_body", b64("Action=AssumeRole"))),

		// config/client.
		c("config/client write", update, "config/client", clientConfig),
		c("config/client read", read, "config/client", nil),
		c("config/client write header options", update, "config/client", d{"iam_server_id_header_value": awsAuthServerIDHeader, "allowed_sts_header_values": "x-custom-one,X-Amz-Custom"}),
		c("config/client read header options", read, "config/client", nil),
		c("config/client write identity_token_audience with access_key", update, "config/client", d{"identity_token_audience": "vault"}),
		c("config/client write rotation_period (enterprise)", update, "config/client", d{"rotation_period": "24h"}),
		c("config/client write rotation_schedule and period", update, "config/client", d{"rotation_period": "24h", "rotation_schedule": "0 * * * *"}),
		c("config/client write disable_automated_rotation", update, "config/client", d{"disable_automated_rotation": true}),
		c("config/client write wrong type max_retries", update, "config/client", d{"max_retries": "many"}),
		c("config/client write wrong type use_sts_region_from_client", update, "config/client", d{"use_sts_region_from_client": "perhaps"}),
		c("config/client write unknown field", update, "config/client", d{"no_such_field": "x"}),
		c("config/client read after refusals", read, "config/client", nil),

		// Login refusals that need the configuration (header checks), still before any AWS call.
		c("login iam server id header missing", update, "login", postLogin.with("iam_request_headers", d{"Authorization": fakeAuthz})),
		c("login iam server id header wrong", update, "login", postLogin.with("iam_request_headers", d{"Authorization": fakeAuthz, "X-Vault-AWS-IAM-Server-ID": "other"})),
		c("login iam server id header unsigned", update, "login", postLogin.with("iam_request_headers", d{"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000", "X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader})),
		c("login iam server id header no Authorization", update, "login", postLogin.with("iam_request_headers", d{"X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader})),
		c("login iam server id header GET unsigned", update, "login", getLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=host"))),
		c("login iam disallowed X-Amz header", update, "login", postLogin.with("iam_request_headers", d{"Authorization": fakeAuthz, "X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader, "X-Amz-Other": "1"})),
		c("login iam GET disallowed X-Amz query", update, "login", getLogin.with("iam_request_url", b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=host%3Bx-vault-aws-iam-server-id&X-Amz-Other=1"))),
		c("config/client write use_sts_region_from_client", update, "config/client", d{"use_sts_region_from_client": true}),
		c("config/client read use_sts_region_from_client", read, "config/client", nil),
		c("login iam region missing from Authorization", update, "login", postLogin.with("iam_request_headers", d{"Authorization": "AWS4-HMAC-SHA256 SignedHeaders=x-vault-aws-iam-server-id", "X-Vault-AWS-IAM-Server-ID": awsAuthServerIDHeader})),
		c("config/client write use_sts_region_from_client off", update, "config/client", d{"use_sts_region_from_client": false, "iam_server_id_header_value": "", "allowed_sts_header_values": ""}),

		// iam logins through moto's STS (SigV4 is not checked there: the key in the
		// Authorization header names the caller).
		c("login iam unknown role", update, "login", iamLoginAs("no-such-role")),
		c("role iam login write", update, "role/login", d{"auth_type": "iam", "bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":user/${LOGIN_USER}", "token_policies": "dev", "token_ttl": "10m", "token_max_ttl": "1h"}),
		c("login iam", update, "login", iamLoginAs("login")),
		c("login iam GET", update, "login", merged(iamLoginAs("login"), d{"iam_http_request_method": "GET", "iam_request_url": b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-SignedHeaders=host%3Bx-vault-aws-iam-server-id"), "iam_request_body": nil})),
		renewOf("renew login iam", "login iam"),
		c("resolve-role iam", logical.ResolveRoleOperation, "login", iamLoginAs("login")),
		c("alias-lookahead iam", logical.AliasLookaheadOperation, "login", iamLoginAs("login")),
		c("role iam login wrong principal write", update, "role/login-other", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN}"}),
		c("login iam principal not bound", update, "login", iamLoginAs("login-other")),
		c("login iam default role name", update, "login", iamLoginAs("")),

		// config/certificate(s).
		c("config/certificate write pkcs7", update, "config/certificate/cert-pkcs7", d{"aws_public_cert": "${CERT}"}),
		c("config/certificate read pkcs7", read, "config/certificate/cert-pkcs7", nil),
		c("config/certificate write identity base64", update, "config/certificate/cert-identity", d{"aws_public_cert": "${CERT_B64}", "type": "identity"}),
		c("config/certificate read identity base64", read, "config/certificate/cert-identity", nil),
		c("config/certificate update type", update, "config/certificate/cert-pkcs7", d{"type": "identity"}),
		c("config/certificate read after type update", read, "config/certificate/cert-pkcs7", nil),
		c("config/certificate write bad type", update, "config/certificate/bad", d{"aws_public_cert": "${CERT}", "type": "rsa"}),
		c("config/certificate write missing cert", update, "config/certificate/bad", d{"type": "pkcs7"}),
		c("config/certificate write not a cert", update, "config/certificate/bad", d{"aws_public_cert": "not a certificate"}),
		c("config/certificate write bad PEM body", update, "config/certificate/bad", d{"aws_public_cert": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}),
		c("config/certificates list", list, "config/certificates/", nil),
		c("config/certificates list without slash", list, "config/certificates", nil),
		c("config/certificate read missing", read, "config/certificate/none", nil),
		c("config/certificate delete", del, "config/certificate/cert-identity", nil),
		c("config/certificate read after delete", read, "config/certificate/cert-identity", nil),
		c("config/certificates list after delete", list, "config/certificates/", nil),

		// config/sts.
		c("config/sts write", update, "config/sts/"+awsAuthAccount, d{"sts_role": "${ROLE_ARN}", "external_id": "ext-1"}),
		c("config/sts read", read, "config/sts/"+awsAuthAccount, nil),
		c("config/sts write no external_id", update, "config/sts/210987654321", d{"sts_role": "arn:aws:iam::210987654321:role/vault"}),
		c("config/sts read no external_id", read, "config/sts/210987654321", nil),
		c("config/sts list", list, "config/sts/", nil),
		c("config/sts list without slash", list, "config/sts", nil),
		c("config/sts write missing sts_role", update, "config/sts/111111111111", d{"external_id": "x"}),
		c("config/sts write empty sts_role", update, "config/sts/111111111111", d{"sts_role": ""}),
		c("config/sts read missing", read, "config/sts/111111111111", nil),
		c("config/sts delete", del, "config/sts/210987654321", nil),
		c("config/sts read after delete", read, "config/sts/210987654321", nil),

		// config/identity.
		c("config/identity write", update, "config/identity", d{"iam_alias": "full_arn", "ec2_alias": "image_id", "iam_metadata": "account_id,auth_type", "ec2_metadata": "region,ami_id"}),
		c("config/identity read", read, "config/identity", nil),
		c("config/identity write canonical_arn", update, "config/identity", d{"iam_alias": "canonical_arn", "iam_metadata": "default", "ec2_metadata": "default"}),
		c("config/identity write default with other fields", update, "config/identity", d{"ec2_metadata": "default,instance_id"}),
		c("config/identity read canonical_arn", read, "config/identity", nil),
		c("config/identity write role_id aliases", update, "config/identity", d{"iam_alias": "role_id", "ec2_alias": "role_id"}),
		c("config/identity read role_id aliases", read, "config/identity", nil),
		c("config/identity write bad iam_alias", update, "config/identity", d{"iam_alias": "arn"}),
		c("config/identity write bad ec2_alias", update, "config/identity", d{"ec2_alias": "full_arn"}),
		c("config/identity write bad iam_metadata", update, "config/identity", d{"iam_metadata": "nope"}),
		c("config/identity write bad ec2_metadata", update, "config/identity", d{"ec2_metadata": "client_user_id"}),
		c("config/identity read after refusals", read, "config/identity", nil),

		// config/tidy under both names.
		c("config/tidy/identity-accesslist write", update, "config/tidy/identity-accesslist", d{"safety_buffer": "48h", "disable_periodic_tidy": true}),
		c("config/tidy/identity-accesslist read", read, "config/tidy/identity-accesslist", nil),
		c("config/tidy/identity-whitelist read", read, "config/tidy/identity-whitelist", nil),
		c("config/tidy/identity-whitelist write", update, "config/tidy/identity-whitelist", d{"safety_buffer": 3600}),
		c("config/tidy/identity-accesslist read after deprecated write", read, "config/tidy/identity-accesslist", nil),
		c("config/tidy/identity-accesslist write bad type", update, "config/tidy/identity-accesslist", d{"safety_buffer": "soon"}),
		c("config/tidy/identity-accesslist delete", del, "config/tidy/identity-accesslist", nil),
		c("config/tidy/identity-accesslist read after delete", read, "config/tidy/identity-accesslist", nil),
		c("config/tidy/roletag-denylist write", update, "config/tidy/roletag-denylist", d{"safety_buffer": 7200}),
		c("config/tidy/roletag-denylist read", read, "config/tidy/roletag-denylist", nil),
		c("config/tidy/roletag-blacklist read", read, "config/tidy/roletag-blacklist", nil),
		c("config/tidy/roletag-blacklist write", update, "config/tidy/roletag-blacklist", d{"disable_periodic_tidy": true}),
		c("config/tidy/roletag-denylist read after deprecated write", read, "config/tidy/roletag-denylist", nil),
		c("config/tidy/roletag-blacklist delete", del, "config/tidy/roletag-blacklist", nil),
		c("config/tidy/roletag-denylist read after delete", read, "config/tidy/roletag-denylist", nil),

		// role/: iam.
		c("role iam principal write", update, "role/iam-user", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN}", "token_policies": "dev,ops"}),
		c("role iam principal read", read, "role/iam-user", nil),
		c("role iam two principals write", update, "role/iam-two", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN},${ROLE_ARN}"}),
		c("role iam two principals read", read, "role/iam-two", nil),
		c("role iam default auth_type write", update, "role/iam-default", d{"bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":role/*", "resolve_aws_unique_ids": false}),
		c("role iam default auth_type read", read, "role/iam-default", nil),
		c("role iam token fields write", update, "role/iam-token", d{
			"auth_type": "iam", "bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":user/*", "resolve_aws_unique_ids": false,
			"token_policies": "a,b", "token_ttl": "1h", "token_max_ttl": "2h", "token_bound_cidrs": "10.0.0.0/8,127.0.0.1/32",
			"token_explicit_max_ttl": 7200, "token_no_default_policy": true, "token_num_uses": 3, "token_type": "service",
		}),
		c("role iam token fields read", read, "role/iam-token", nil),
		c("role iam periodic write", update, "role/iam-periodic", d{"bound_iam_principal_arn": "${USER_ARN}", "token_period": "1h", "token_type": "default"}),
		c("role iam periodic read", read, "role/iam-periodic", nil),
		c("role iam inferred ec2 write", update, "role/iam-inferred", d{
			"auth_type": "iam", "inferred_entity_type": "ec2_instance", "inferred_aws_region": "us-east-1",
			"bound_ami_id": "ami-1,ami-2", "bound_account_id": awsAuthAccount, "bound_vpc_id": "vpc-1", "bound_subnet_id": "subnet-1",
			"bound_iam_role_arn": "${ROLE_ARN}", "bound_iam_instance_profile_arn": "arn:aws:iam::" + awsAuthAccount + ":instance-profile/p",
			"bound_ec2_instance_id": "i-0123456789abcdef0", "bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":role/*", "resolve_aws_unique_ids": false,
		}),
		c("role iam inferred ec2 read", read, "role/iam-inferred", nil),
		c("role iam legacy fields write", update, "role/iam-legacy", d{"bound_iam_principal_arn": "${ROLE_ARN}", "policies": "p1,p2", "ttl": 600, "max_ttl": "30m", "period": 0}),
		c("role iam legacy fields read", read, "role/iam-legacy", nil),
		c("role iam legacy lease write", update, "role/iam-lease", d{"bound_iam_principal_arn": "${ROLE_ARN}", "lease": 900}),
		c("role iam legacy lease read", read, "role/iam-lease", nil),
		c("role iam max_ttl above mount write", update, "role/iam-long", d{"bound_iam_principal_arn": "${USER_ARN}", "token_max_ttl": "1000h"}),
		c("role iam max_ttl above mount read", read, "role/iam-long", nil),
		c("role iam wildcard resolved write", update, "role/iam-wild-resolve", d{"bound_iam_principal_arn": "${USER_ARN},arn:aws:iam::" + awsAuthAccount + ":user/team/*"}),
		c("role iam wildcard resolved read", read, "role/iam-wild-resolve", nil),
		c("role iam principal with path write", update, "role/iam-path", d{"bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":role/a/b/name", "resolve_aws_unique_ids": false}),
		c("role iam principal with path read", read, "role/iam-path", nil),
		c("role mixed case write", update, "role/MixedCase", d{"bound_iam_principal_arn": "${USER_ARN}"}),
		c("role mixed case read lower", read, "role/mixedcase", nil),
		c("role mixed case read as written", read, "role/MixedCase", nil),

		// role/: ec2.
		c("role ec2 full write", update, "role/ec2-full", d{
			"auth_type": "ec2", "bound_ami_id": "ami-12345678", "bound_account_id": awsAuthAccount, "bound_region": "us-east-1,eu-west-1",
			"bound_vpc_id": "vpc-1", "bound_subnet_id": "subnet-1,subnet-2", "bound_iam_role_arn": "${ROLE_ARN}",
			"bound_iam_instance_profile_arn": "arn:aws:iam::" + awsAuthAccount + ":instance-profile/p", "bound_ec2_instance_id": "i-0123456789abcdef0",
			"role_tag": "VaultRole", "disallow_reauthentication": true, "token_policies": "web,db", "token_ttl": 3600,
		}),
		c("role ec2 full read", read, "role/ec2-full", nil),
		c("role ec2 migration write", update, "role/ec2-migrate", d{"auth_type": "ec2", "bound_ami_id": "ami-12345678", "allow_instance_migration": true}),
		c("role ec2 migration read", read, "role/ec2-migrate", nil),
		c("role ec2 tag write", update, "role/ec2-tag", d{"auth_type": "ec2", "bound_account_id": awsAuthAccount, "role_tag": "VaultRole", "token_policies": "web,db,ops"}),
		c("role ec2 tag read", read, "role/ec2-tag", nil),

		// role/: updates of existing roles.
		c("role update token_ttl", update, "role/ec2-full", d{"token_ttl": "2h"}),
		c("role read after token_ttl update", read, "role/ec2-full", nil),
		c("role update bound_region only", update, "role/ec2-full", d{"bound_region": "us-west-2"}),
		c("role read after bound_region update", read, "role/ec2-full", nil),
		c("role update change auth_type", update, "role/ec2-full", d{"auth_type": "iam"}),
		c("role update same auth_type", update, "role/ec2-full", d{"auth_type": "ec2"}),
		c("role update resolve true to false", update, "role/iam-user", d{"resolve_aws_unique_ids": false}),
		c("role update resolve false to true", update, "role/iam-default", d{"resolve_aws_unique_ids": true}),
		c("role read after resolve false to true", read, "role/iam-default", nil),
		c("role update clear binds", update, "role/ec2-migrate", d{"bound_ami_id": ""}),
		c("role update policies legacy to token", update, "role/iam-legacy", d{"token_policies": "p3"}),
		c("role read after policies update", read, "role/iam-legacy", nil),

		// role/: validation errors.
		c("role write no bound parameter", update, "role/bad", d{"auth_type": "iam"}),
		c("role write no bound parameter ec2", update, "role/bad", d{"auth_type": "ec2", "token_policies": "x"}),
		c("role write unknown auth_type", update, "role/bad", d{"auth_type": "oidc", "bound_ami_id": "ami-1"}),
		c("role write inferred with ec2 auth", update, "role/bad", d{"auth_type": "ec2", "inferred_entity_type": "ec2_instance", "inferred_aws_region": "us-east-1", "bound_ami_id": "ami-1"}),
		c("role write invalid inferred_entity_type", update, "role/bad", d{"auth_type": "iam", "inferred_entity_type": "lambda", "inferred_aws_region": "us-east-1", "bound_ami_id": "ami-1"}),
		c("role write inferred without region", update, "role/bad", d{"auth_type": "iam", "inferred_entity_type": "ec2_instance", "bound_ami_id": "ami-1"}),
		c("role write region without inferred", update, "role/bad", d{"auth_type": "iam", "inferred_aws_region": "us-east-1", "bound_iam_principal_arn": "${USER_ARN}"}),
		c("role write iam bound_account_id", update, "role/bad", d{"auth_type": "iam", "bound_account_id": awsAuthAccount}),
		c("role write iam bound_region", update, "role/bad", d{"auth_type": "iam", "bound_region": "us-east-1"}),
		c("role write iam inferred bound_region", update, "role/bad", d{"auth_type": "iam", "inferred_entity_type": "ec2_instance", "inferred_aws_region": "us-east-1", "bound_region": "us-east-1"}),
		c("role write iam bound_ami_id", update, "role/bad", d{"auth_type": "iam", "bound_ami_id": "ami-1"}),
		c("role write iam bound_iam_instance_profile_arn", update, "role/bad", d{"auth_type": "iam", "bound_iam_instance_profile_arn": "arn:aws:iam::" + awsAuthAccount + ":instance-profile/p"}),
		c("role write iam bound_ec2_instance_id", update, "role/bad", d{"auth_type": "iam", "bound_ec2_instance_id": "i-1"}),
		c("role write iam bound_iam_role_arn", update, "role/bad", d{"auth_type": "iam", "bound_iam_role_arn": "${ROLE_ARN}"}),
		c("role write iam bound_vpc_id", update, "role/bad", d{"auth_type": "iam", "bound_vpc_id": "vpc-1"}),
		c("role write iam bound_subnet_id", update, "role/bad", d{"auth_type": "iam", "bound_subnet_id": "subnet-1"}),
		c("role write ec2 bound_iam_principal_arn", update, "role/bad", d{"auth_type": "ec2", "bound_iam_principal_arn": "${USER_ARN}"}),
		c("role write iam disallow_reauthentication", update, "role/bad", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN}", "disallow_reauthentication": true}),
		c("role write iam allow_instance_migration", update, "role/bad", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN}", "allow_instance_migration": false}),
		c("role write ec2 reauth and migration", update, "role/bad", d{"auth_type": "ec2", "bound_ami_id": "ami-1", "disallow_reauthentication": true, "allow_instance_migration": true}),
		c("role write ttl above max_ttl", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "token_ttl": "2h", "token_max_ttl": "1h"}),
		c("role write period above mount max", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "token_period": "1000h"}),
		c("role write iam role_tag", update, "role/bad", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN}", "role_tag": "VaultRole"}),
		c("role write role_tag too long", update, "role/bad", d{"auth_type": "ec2", "bound_ami_id": "ami-1", "role_tag": strings.Repeat("k", 128)}),
		c("role write unresolvable principal", update, "role/bad", d{"auth_type": "iam", "bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":user/vnp-no-such-user"}).
			with(differential.Rules{"/error": differential.PrefixBefore("request id:")}),
		c("role write malformed principal", update, "role/bad", d{"auth_type": "iam", "bound_iam_principal_arn": "not-an-arn"}),
		c("role write policies and token_policies", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "policies": "a", "token_policies": "b"}),
		c("role write ttl and token_ttl", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "ttl": "1h", "token_ttl": "2h"}),
		c("role write period and token_period", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "period": "1h", "token_period": "2h"}),
		c("role write bad token_bound_cidrs", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "token_bound_cidrs": "not-a-cidr"}),
		c("role write bad token_type", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "token_type": "forever"}),
		c("role write wrong type token_ttl", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "token_ttl": "soon"}),
		c("role write wrong type resolve_aws_unique_ids", update, "role/bad", d{"bound_iam_principal_arn": "${USER_ARN}", "resolve_aws_unique_ids": "maybe"}),
		c("role write unknown field", update, "role/unknown-field", d{"bound_iam_principal_arn": "${USER_ARN}", "no_such_field": "x"}),
		c("role read after errors", read, "role/bad", nil),
		c("role read missing", read, "role/none", nil),
		c("role list", list, "role/", nil),
		c("roles list", list, "roles/", nil),
		c("roles list without slash", list, "roles", nil),
		c("login iam to ec2 role", update, "login", iamLoginAs("ec2-full")),
		c("login iam to inferred role", update, "login", iamLoginAs("iam-inferred")),
		c("role delete login", del, "role/login", nil),
		renewOf("renew login iam after role delete", "login iam GET"),

		// role/<name>/tag and the deny list.
		c("role tag create", update, "role/ec2-tag/tag", d{"policies": "web,db", "max_ttl": "1h", "instance_id": "i-0123456789abcdef0", "disallow_reauthentication": true}).capturing("TAG", "tag_value"),
		c("role tag create defaults", update, "role/ec2-tag/tag", nil).capturing("TAG2", "tag_value"),
		c("role tag create migration", update, "role/ec2-tag/tag", d{"allow_instance_migration": true}),
		c("role tag both reauth and migration", update, "role/ec2-tag/tag", d{"disallow_reauthentication": true, "allow_instance_migration": true}),
		c("role tag policies not on role", update, "role/ec2-tag/tag", d{"policies": "root"}),
		c("role tag negative max_ttl", update, "role/ec2-tag/tag", d{"max_ttl": -5}),
		c("role tag wrong type max_ttl", update, "role/ec2-tag/tag", d{"max_ttl": "long"}),
		c("role tag role without role_tag", update, "role/ec2-migrate/tag", nil),
		c("role tag iam role", update, "role/iam-user/tag", nil),
		c("role tag missing role", update, "role/none/tag", nil),
		c("roletag-denylist write", update, "roletag-denylist/${TAG}", nil),
		c("roletag-denylist read", read, "roletag-denylist/${TAG}", nil),
		c("roletag-blacklist read", read, "roletag-blacklist/${TAG}", nil),
		c("roletag-blacklist write", update, "roletag-blacklist/${TAG2}", nil),
		c("roletag-denylist read deprecated write", read, "roletag-denylist/${TAG2}", nil),
		c("roletag-denylist list", list, "roletag-denylist/", nil).with(differential.Rules{"/data/keys/*": differential.Present}),
		c("roletag-blacklist list", list, "roletag-blacklist/", nil).with(differential.Rules{"/data/keys/*": differential.Present}),
		c("roletag-denylist write garbage", update, "roletag-denylist/v1:abc:r=ec2-tag:xyz", nil),
		c("roletag-denylist write not a tag", update, "roletag-denylist/hello", nil),
		c("roletag-denylist write empty", update, "roletag-denylist/", nil),
		c("roletag-denylist read missing", read, "roletag-denylist/v1:none", nil),
		c("roletag-denylist delete", del, "roletag-denylist/${TAG2}", nil),
		c("roletag-denylist read after delete", read, "roletag-denylist/${TAG2}", nil),
		c("roletag-blacklist delete missing", del, "roletag-blacklist/${TAG2}", nil),

		// role deletes.
		c("role delete", del, "role/iam-two", nil),
		c("role read after delete", read, "role/iam-two", nil),
		c("role delete missing", del, "role/none", nil),
		c("role delete mixed case", del, "role/MixedCase", nil),
		c("role read mixed case after delete", read, "role/mixedcase", nil),
		c("role list after delete", list, "role/", nil),
	}
	afterTidy = []dcase{
		c("identity-accesslist list", list, "identity-accesslist/", nil),
		c("identity-whitelist list", list, "identity-whitelist/", nil),
		c("identity-accesslist read", read, "identity-accesslist/i-0aaaaaaaaaaaaaaa1", nil),
		c("identity-whitelist read", read, "identity-whitelist/i-0aaaaaaaaaaaaaaa1", nil),
		c("identity-accesslist read expired", read, "identity-accesslist/i-0bbbbbbbbbbbbbbb2", nil),
		c("identity-accesslist read missing", read, "identity-accesslist/i-none", nil),
		c("roletag-denylist read raw entry", read, "roletag-denylist/v1:expired", nil),
		c("roletag-denylist list with raw entry", list, "roletag-denylist/", nil).with(differential.Rules{"/data/keys/*": differential.Present}),
		c("tidy/identity-accesslist", update, "tidy/identity-accesslist", d{"safety_buffer": 1}),
		c("tidy/roletag-denylist", update, "tidy/roletag-denylist", d{"safety_buffer": "1s"}),
		c("tidy/identity-accesslist wrong type", update, "tidy/identity-accesslist", d{"safety_buffer": "soon"}),
	}
	return first, afterTidy
}

// awsAuthAfterTidyCases run once the background tidy of the previous batch
// has had time to finish, and the deprecated tidy names last.
func awsAuthAfterTidyCases() []dcase {
	return []dcase{
		c("identity-accesslist list after tidy", list, "identity-accesslist/", nil),
		c("roletag-denylist list after tidy", list, "roletag-denylist/", nil).with(differential.Rules{"/data/keys/*": differential.Present}),
		c("roletag-denylist read expired after tidy", read, "roletag-denylist/v1:expired", nil),
		c("identity-accesslist delete", del, "identity-accesslist/i-0aaaaaaaaaaaaaaa1", nil),
		c("identity-accesslist read after delete", read, "identity-accesslist/i-0aaaaaaaaaaaaaaa1", nil),
		c("identity-whitelist delete missing", del, "identity-whitelist/i-0aaaaaaaaaaaaaaa1", nil),
		c("tidy/identity-whitelist", update, "tidy/identity-whitelist", nil),
		c("tidy/roletag-blacklist", update, "tidy/roletag-blacklist", nil),
		// Root rotation last: it replaces this side's key.
		c("config/rotate-root", update, "config/rotate-root", nil),
		c("config/client read after rotate-root", read, "config/client", nil),
		c("config/client delete", del, "config/client", nil),
		c("config/client read after delete", read, "config/client", nil),
		c("config/rotate-root after delete", update, "config/rotate-root", nil),
	}
}

// accessListEntries are identity access-list entries in Vault's layout
// (whitelist/identity/<instance id>), as an ec2 login writes them: one live,
// one expired long ago.
func accessListEntries() map[string]interface{} {
	return map[string]interface{}{
		"whitelist/identity/i-0aaaaaaaaaaaaaaa1": map[string]interface{}{
			"role": "ec2-full", "client_nonce": "nonce-1", "creation_time": "2026-01-01T00:00:00Z",
			"disallow_reauthentication": false, "pending_time": "2026-01-01T00:00:00Z",
			"expiration_time": "2999-01-01T00:00:00Z", "last_updated_time": "2026-01-01T00:00:00Z",
		},
		"whitelist/identity/i-0bbbbbbbbbbbbbbb2": map[string]interface{}{
			"role": "ec2-full", "client_nonce": "nonce-2", "creation_time": "2020-01-01T00:00:00Z",
			"disallow_reauthentication": true, "pending_time": "2020-01-01T00:00:00Z",
			"expiration_time": "2020-01-02T00:00:00Z", "last_updated_time": "2020-01-01T00:00:00Z",
		},
		// An expired deny-list entry (blacklist/roletag/<base64 of the tag>) for the tidy.
		"blacklist/roletag/" + b64("v1:expired"): map[string]interface{}{
			"creation_time": "2020-01-01T00:00:00Z", "expiration_time": "2020-01-02T00:00:00Z",
		},
	}
}

func putJSON(t *testing.T, s logical.Storage, entries map[string]interface{}) {
	t.Helper()
	for key, v := range entries {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Put(context.Background(), &logical.StorageEntry{Key: key, Value: raw}); err != nil {
			t.Fatalf("storage put %s: %v", key, err)
		}
	}
}

// TestDifferentialAwsAuth sends every case to both auth methods (separate
// storage, one moto) and compares the replies.
func TestDifferentialAwsAuth(t *testing.T) {
	aws := awsFromEnv(t)
	listed := loadAuthDeliberate(t)
	p := startAuthPair(t)
	perSide := awsAuthSetup(t, aws)
	m := mountPair(t, p, false)
	ck := newChecker(listed)
	s := &scenario{m: m, vars: perSide, rules: awsAuthRules, ck: ck}
	first, second := awsAuthCases()
	s.run(t, first)
	putJSON(t, m.Ours.Storage, accessListEntries())
	putJSON(t, m.Vault.Storage, accessListEntries())
	s.run(t, second)
	// The tidy operations run in the background, as upstream's do.
	time.Sleep(time.Second)
	s.run(t, awsAuthAfterTidyCases())
	ck.finish(t, func(name string) bool {
		return !strings.HasPrefix(name, "help ") && !strings.HasPrefix(name, "shared ")
	})
}

// awsAuthHelpPaths are the paths whose help (and OpenAPI) is compared; ""
// is the whole-backend document of sys/internal/specs/openapi.
var awsAuthHelpPaths = []string{
	"", "login", "role/", "roles/", "role/x", "role/x/tag",
	"config/client", "config/certificate/x", "config/certificates/", "config/identity", "config/rotate-root",
	"config/sts/x", "config/sts/",
	"config/tidy/identity-accesslist", "config/tidy/identity-whitelist",
	"config/tidy/roletag-denylist", "config/tidy/roletag-blacklist",
	"identity-accesslist/x", "identity-accesslist/", "identity-whitelist/x", "identity-whitelist/",
	"roletag-denylist/x", "roletag-denylist/", "roletag-blacklist/x", "roletag-blacklist/",
	"tidy/identity-accesslist", "tidy/identity-whitelist", "tidy/roletag-denylist", "tidy/roletag-blacklist",
}

// TestDifferentialAwsAuthHelp compares help replies and OpenAPI documents
// without their prose.
func TestDifferentialAwsAuthHelp(t *testing.T) {
	listed := loadAuthDeliberate(t)
	p := startAuthPair(t)
	m := mountPair(t, p, false)
	ck := newChecker(listed)
	for _, path := range awsAuthHelpPaths {
		name := "help " + path
		if path == "" {
			name = "help (root, OpenAPI of the backend)"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			ours, vault := differential.Both(ctx, m, differential.HelpRequest(path, awsAuthMountType))
			ck.check(t, name, differential.HelpTree(ours), differential.HelpTree(vault), nil)
		})
	}
	ck.finish(t, func(name string) bool { return strings.HasPrefix(name, "help ") })
}

// TestDifferentialAwsAuthSharedStorage mounts both auth methods over ONE
// storage: what one writes (client, identity, sts and certificate config,
// tidy config, roles of both auth types, role tags, deny- and access-list
// entries) the other must read, update and use, and the reply must be the one
// the writer itself gives. Both directions: a mount can move from Vault's
// engine to ours and back.
func TestDifferentialAwsAuthSharedStorage(t *testing.T) {
	aws := awsFromEnv(t)
	listed := loadAuthDeliberate(t)
	p := startAuthPair(t)
	perSide := awsAuthSetup(t, aws)
	ck := newChecker(listed)
	for _, writer := range []differential.Side{differential.Ours, differential.Vault} {
		writer := writer
		reader := differential.Vault
		if writer == differential.Vault {
			reader = differential.Ours
		}
		prefix := "shared " + string(writer) + " writes, " + string(reader) + " reads: "
		t.Run(string(writer)+" writes", func(t *testing.T) {
			m := mountPair(t, p, true)
			v := copyVars(perSide[writer])
			sh := &sharedRun{t: t, m: m, writer: writer, reader: reader, v: v, ck: ck, prefix: prefix}
			for _, w := range []dcase{
				c("config/client", update, "config/client", merged(clientConfig, d{"iam_server_id_header_value": awsAuthServerIDHeader, "allowed_sts_header_values": "X-Custom-One"})),
				c("config/identity", update, "config/identity", d{"iam_alias": "full_arn", "iam_metadata": "account_id,auth_type", "ec2_alias": "image_id"}),
				c("config/sts", update, "config/sts/"+awsAuthAccount, d{"sts_role": "${ROLE_ARN}", "external_id": "ext-1"}),
				c("config/certificate", update, "config/certificate/cert", d{"aws_public_cert": "${CERT}", "type": "identity"}),
				c("config/tidy/identity-accesslist", update, "config/tidy/identity-accesslist", d{"safety_buffer": "48h", "disable_periodic_tidy": true}),
				c("config/tidy/roletag-denylist", update, "config/tidy/roletag-denylist", d{"safety_buffer": 7200}),
				c("role/iam", update, "role/iam", d{"auth_type": "iam", "bound_iam_principal_arn": "${USER_ARN},${ROLE_ARN}", "token_policies": "a,b", "token_ttl": "1h", "token_bound_cidrs": "10.0.0.0/8"}),
				c("role/iam-wild", update, "role/iam-wild", d{"bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":role/*", "resolve_aws_unique_ids": false, "inferred_entity_type": "ec2_instance", "inferred_aws_region": "us-east-1", "bound_vpc_id": "vpc-1"}),
				c("role/iam-legacy", update, "role/iam-legacy", d{"bound_iam_principal_arn": "${USER_ARN}", "policies": "p1", "ttl": 600, "max_ttl": "30m"}),
				c("role/ec2", update, "role/ec2", d{"auth_type": "ec2", "bound_ami_id": "ami-1", "bound_region": "us-east-1", "role_tag": "VaultRole", "token_policies": "web,db", "disallow_reauthentication": true}),
				c("role/login", update, "role/login", d{"auth_type": "iam", "bound_iam_principal_arn": "arn:aws:iam::" + awsAuthAccount + ":user/${LOGIN_USER}", "token_policies": "dev", "token_ttl": "10m", "token_max_ttl": "1h"}),
			} {
				sh.mustWrite(w)
			}
			putJSON(t, m.Ours.Storage, accessListEntries())
			// A role tag made by the writer, deny-listed by the reader: the reader
			// checks the writer's HMAC with the key the writer stored.
			tag := sh.send(writer, &logical.Request{Operation: update, Path: "role/ec2/tag", Data: d{"policies": "web", "max_ttl": "1h"}})
			tagValue := ""
			if tag.Resp != nil && !tag.Resp.IsError() {
				tagValue, _ = tag.Resp.Data["tag_value"].(string)
			}
			if tagValue == "" {
				t.Fatalf("%srole/ec2/tag by %s gave no tag: %v", prefix, writer, differential.Tree(tag))
			}
			sh.mustWriteAs(reader, c("roletag-denylist by reader", update, "roletag-denylist/"+tagValue, nil))
			// The reader updates the writer's roles; the writer must read the result.
			sh.mustWriteAs(reader, c("role/iam update by reader", update, "role/iam", d{"token_ttl": "2h"}))
			sh.mustWriteAs(reader, c("role/ec2 update by reader", update, "role/ec2", d{"bound_region": "eu-west-1"}))
			for _, path := range []string{
				"config/client", "config/identity", "config/sts/" + awsAuthAccount, "config/sts/", "config/certificate/cert", "config/certificates/",
				"config/tidy/identity-accesslist", "config/tidy/roletag-denylist",
				"role/iam", "role/iam-wild", "role/iam-legacy", "role/ec2", "role/", "roles/",
				"roletag-denylist/", "identity-accesslist/", "identity-accesslist/i-0aaaaaaaaaaaaaaa1",
			} {
				var op logical.Operation = read
				if strings.HasSuffix(path, "/") {
					op = list
				}
				sh.readBoth(path, op)
			}
			sh.readBothAs("roletag-denylist/<tag>", "roletag-denylist/"+tagValue, read)
			loginAcross(sh)
		})
	}
}

// merged returns a copy of base with more's fields added (a nil value
// removes the field).
func merged(base, more d) d {
	out := d{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// loginAcross logs in through both plugins with a role the writer stored,
// compares the two logins, and renews the writer's token through the reader
// (compared with the writer's own renewal): a token issued before a mount
// moves keeps renewing after.
func loginAcross(s *sharedRun) {
	name := s.prefix + "login iam"
	s.t.Run(name, func(t *testing.T) {
		req := func() *logical.Request {
			return &logical.Request{Operation: update, Path: "login", Data: s.v.apply(iamLoginAs("login"))}
		}
		byWriter := s.send(s.writer, req())
		byReader := s.send(s.reader, req())
		ours, vault := s.oriented(differential.Tree(byReader), differential.Tree(byWriter))
		s.ck.check(t, name, ours, vault, differential.Rules{"/error": differential.Prefix})
		if byWriter.Resp == nil || byWriter.Resp.Auth == nil {
			t.Fatalf("%s: %s gave no token: %v", name, s.writer, differential.Tree(byWriter))
		}
		renewBy := func(side differential.Side) map[string]interface{} {
			r, err := differential.RenewAuthRequest(byWriter, 0, s.m.System(side))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return differential.Tree(s.send(side, r))
		}
		ours, vault = s.oriented(renewBy(s.reader), renewBy(s.writer))
		s.ck.check(t, name+" renew", ours, vault, differential.Rules{"/error": differential.Prefix})
	})
}
