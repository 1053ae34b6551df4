package conformance_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/differential"
	"vaultnodeplugins/conformance/harness"
)

// Differential suite for the AWS secrets engine: ours against Vault 1.21's
// builtin/logical/aws served as an external plugin, over one moto server.
//
//	VNP_PLUGIN                 our plugin file
//	VNP_REFERENCE_SECRETS_AWS  the reference plugin file
//	VNP_AWS_ENDPOINT, VNP_AWS_ACCESS_KEY, VNP_AWS_SECRET_KEY
//	                           moto (IAM+STS) and an admin key on it
//
// Every difference must be listed in testdata/aws-secrets-differences.json,
// and every listed one must still occur. Run:
//
//	node scripts/lib/go-harness.mjs $PWD/dist/vault-plugin-secrets-aws -run TestDifferential
//
// with the variables above set; VNP_DIFF_REPORT=<file> also writes every
// difference found (listed or not) as JSON lines, VNP_DIFF_LOGS=1 prints
// both plugins' logs on failure.

const awsSecretsDifferences = "testdata/aws-secrets-differences.json"

const policyDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`

// awsSecretsRules normalise what is random or time-dependent in this engine's
// replies. Error texts compare by prefix: where ours appends a hint to
// Vault's text, that is not a difference (a different text still is).
var awsSecretsRules = differential.Rules{
	"/error":                         differential.Prefix,
	"/data/access_key":               differential.Present,
	"/data/secret_key":               differential.Present,
	"/data/security_token":           differential.Present,
	"/data/session_token":            differential.Present,
	"/data/arn":                      differential.Present,
	"/data/ttl":                      differential.Within(5),
	"/data/expiration":               differential.Present,
	"/data/id":                       differential.Present,
	"/secret/ttl":                    differential.Within(5),
	"/secret/max_ttl":                differential.Within(5),
	"/secret/internal_data/username": differential.Present,
}

// awsSetup creates, with the admin key, what the engines only use: a root
// IAM user per side (so config/rotate-root on one side does not pull the
// other's key), a managed policy, a group, a role to assume and the users
// static roles manage. Names carry a per-run id, so a moto server can be
// shared by several runs.
func awsSetup(t *testing.T, aws *awsAdmin) (map[differential.Side]vars, string) {
	t.Helper()
	run := strings.ToLower(harness.RandomID(6))
	common := vars{"ENDPOINT": aws.endpoint}
	out := aws.mustIAM(t, map[string]string{"Action": "CreatePolicy", "PolicyName": "vnp-diff-" + run, "PolicyDocument": policyDoc})
	common["POLICY_ARN"] = xmlText(out, "Arn")
	common["GROUP"] = "vnp-diff-" + run
	aws.mustIAM(t, map[string]string{"Action": "CreateGroup", "GroupName": common["GROUP"]})
	out = aws.mustIAM(t, map[string]string{
		"Action": "CreateRole", "RoleName": "vnp-diff-" + run,
		"AssumeRolePolicyDocument": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`,
	})
	common["ROLE_ARN"] = xmlText(out, "Arn")
	for _, u := range []string{"STATIC_USER", "STATIC_USER2"} {
		common[u] = "vnp-diff-" + run + "-" + strings.ToLower(u)
		aws.mustIAM(t, map[string]string{"Action": "CreateUser", "UserName": common[u]})
	}
	perSide := map[differential.Side]vars{}
	for _, side := range []differential.Side{differential.Ours, differential.Vault} {
		v := vars{}
		for k, val := range common {
			v[k] = val
		}
		v["ROOT_KEY"], v["ROOT_SECRET"] = aws.createUserWithKey(t, "vnp-diff-"+run+"-root-"+string(side))
		perSide[side] = v
	}
	return perSide, run
}

// rootConfig is the config/root body every scenario starts with.
var rootConfig = d{
	"access_key": "${ROOT_KEY}", "secret_key": "${ROOT_SECRET}", "region": "us-east-1",
	"iam_endpoint": "${ENDPOINT}", "sts_endpoint": "${ENDPOINT}", "max_retries": 1,
}

// restoreTemplate sets a valid template explicitly: whether a write without
// username_template resets it is itself a case (and must not cascade).
var restoreTemplate = d{"username_template": `{{ printf "vault-%s-%s" (unix_time) (random 20) | truncate 32 }}`}

// awsSecretsCases covers every path of the engine (features.md A.2), their
// list forms, each credential type by GET and POST on creds/ and sts/,
// renew and revoke of each lease, and the error cases. Cases run in order
// on one pair of mounts; later cases rely on earlier ones.
func awsSecretsCases() []dcase {
	return []dcase{
		// Empty mount.
		c("config/root read unset", read, "config/root", nil),
		c("config/lease read unset", read, "config/lease", nil),
		c("roles list empty", list, "roles/", nil),
		c("static-roles list empty", list, "static-roles/", nil),

		// config/root.
		c("config/root write", update, "config/root", rootConfig),
		c("config/root read", read, "config/root", nil),
		c("config/root write username_template", update, "config/root", d{"username_template": `{{ printf "vnp-%s-%s" (.PolicyName) (random 8) | truncate 64 }}`}),
		c("config/root read username_template", read, "config/root", nil),
		c("config/root write without username_template", update, "config/root", rootConfig),
		c("config/root read after template reset", read, "config/root", nil),
		c("config/root write unknown field", update, "config/root", d{"region": "us-east-1", "no_such_field": "x"}),
		c("config/root write wrong type max_retries", update, "config/root", d{"max_retries": "many"}),
		c("config/root write sts fallback mismatch", update, "config/root", d{"sts_fallback_endpoints": "${ENDPOINT}", "sts_fallback_regions": "us-east-1,us-west-2"}),
		c("config/root write rotation_period (enterprise)", update, "config/root", d{"rotation_period": "24h"}),
		c("config/root write identity_token_audience (enterprise)", update, "config/root", d{"identity_token_audience": "vault", "role_arn": "${ROLE_ARN}"}),
		c("config/root read after refusals", read, "config/root", nil),

		// config/lease.
		c("config/lease write", update, "config/lease", d{"lease": "1h", "lease_max": "2h"}),
		c("config/lease read", read, "config/lease", nil),
		c("config/lease write missing lease", update, "config/lease", d{"lease_max": "2h"}),
		c("config/lease write missing lease_max", update, "config/lease", d{"lease": "1h"}),
		c("config/lease write bad duration", update, "config/lease", d{"lease": "forever", "lease_max": "2h"}),
		c("config/lease write unknown field", update, "config/lease", d{"lease": "1h", "lease_max": "2h", "no_such_field": 1}),
		// Values a Go duration cannot hold, and values that cannot mean a lease.
		c("config/lease write seconds beyond int64 ns", update, "config/lease", d{"lease": "9223372037", "lease_max": "2h"}),
		c("config/lease write int64 max seconds", update, "config/lease", d{"lease": "9223372036854775807", "lease_max": "2h"}),
		c("config/lease write days beyond int64 ns", update, "config/lease", d{"lease": "1h", "lease_max": "106752d"}),
		c("config/lease write hours beyond int64 ns", update, "config/lease", d{"lease": "2562048h", "lease_max": "2h"}),
		c("config/lease write string true", update, "config/lease", d{"lease": "true", "lease_max": "2h"}),
		c("config/lease write JSON true", update, "config/lease", d{"lease": true, "lease_max": "2h"}),
		c("config/lease write negative", update, "config/lease", d{"lease": "-1h", "lease_max": "2h"}),
		c("config/lease write largest", update, "config/lease", d{"lease": "9223372036", "lease_max": "2562047h47m16.854775807s"}),
		c("config/lease read largest", read, "config/lease", nil),
		c("config/lease write restores", update, "config/lease", d{"lease": "1h", "lease_max": "2h"}),

		// roles: every credential type, legacy forms, list.
		c("roles iam_user write", update, "roles/iam", d{"credential_type": "iam_user", "policy_arns": "${POLICY_ARN}", "policy_document": policyDoc, "iam_groups": "${GROUP}", "iam_tags": "team=vnp", "user_path": "/vnp/", "permissions_boundary_arn": "${POLICY_ARN}"}),
		c("roles iam_user read", read, "roles/iam", nil),
		c("roles iam_user minimal write", update, "roles/iam-min", d{"credential_type": "iam_user", "policy_document": policyDoc}),
		c("roles iam_user minimal read", read, "roles/iam-min", nil),
		c("roles iam_user ttl write", update, "roles/iam-ttl", d{"credential_type": "iam_user", "policy_document": policyDoc, "ttl": "30m", "max_ttl": "1h"}),
		c("roles iam_user ttl read", read, "roles/iam-ttl", nil),
		c("roles assumed_role write", update, "roles/assumed", d{"credential_type": "assumed_role", "role_arns": "${ROLE_ARN}", "session_tags": "k1=v1", "external_id": "ext-1", "default_sts_ttl": "1h", "max_sts_ttl": "2h"}),
		c("roles assumed_role read", read, "roles/assumed", nil),
		c("roles federation_token write", update, "roles/federation", d{"credential_type": "federation_token", "policy_document": policyDoc, "iam_groups": "${GROUP}"}),
		c("roles federation_token read", read, "roles/federation", nil),
		c("roles session_token write", update, "roles/session", d{"credential_type": "session_token", "default_sts_ttl": 3600}),
		c("roles session_token read", read, "roles/session", nil),
		c("roles session_token mfa write", update, "roles/session-mfa", d{"credential_type": "session_token", "mfa_serial_number": "arn:aws:iam::123456789012:mfa/vnp"}),
		c("roles session_token mfa read", read, "roles/session-mfa", nil),
		c("roles legacy policy write", update, "roles/legacy-policy", d{"policy": policyDoc}),
		c("roles legacy policy read", read, "roles/legacy-policy", nil),
		c("roles legacy arn role write", update, "roles/legacy-role", d{"arn": "${ROLE_ARN}"}),
		c("roles legacy arn role read", read, "roles/legacy-role", nil),
		c("roles legacy arn policy write", update, "roles/legacy-managed", d{"arn": "${POLICY_ARN}"}),
		c("roles legacy arn policy read", read, "roles/legacy-managed", nil),
		c("roles list", list, "roles/", nil),
		c("roles read missing", read, "roles/none", nil),
		c("roles write missing credential_type", update, "roles/bad", d{"policy_document": policyDoc}),
		c("roles write unknown credential_type", update, "roles/bad", d{"credential_type": "root"}),
		c("roles write session_token with policy_document", update, "roles/bad", d{"credential_type": "session_token", "policy_document": policyDoc}),
		c("roles write iam_user with role_arns", update, "roles/bad", d{"credential_type": "iam_user", "role_arns": "${ROLE_ARN}"}),
		c("roles write iam_user with default_sts_ttl", update, "roles/bad", d{"credential_type": "iam_user", "default_sts_ttl": 900}),
		c("roles write default_sts_ttl above max_sts_ttl", update, "roles/bad", d{"credential_type": "assumed_role", "role_arns": "${ROLE_ARN}", "default_sts_ttl": 7200, "max_sts_ttl": 3600}),
		c("roles write bad user_path", update, "roles/bad", d{"credential_type": "iam_user", "user_path": "no-slash"}),
		c("roles write bad permissions_boundary_arn", update, "roles/bad", d{"credential_type": "iam_user", "permissions_boundary_arn": "not-an-arn"}),
		c("roles write session_tags on federation_token", update, "roles/bad", d{"credential_type": "federation_token", "policy_document": policyDoc, "session_tags": "a=b"}),
		c("roles write legacy arn with credential_type", update, "roles/bad", d{"arn": "${ROLE_ARN}", "credential_type": "assumed_role"}),
		c("roles write wrong type default_sts_ttl", update, "roles/bad", d{"credential_type": "assumed_role", "role_arns": "${ROLE_ARN}", "default_sts_ttl": "soon"}),
		c("roles write bad policy_document", update, "roles/bad", d{"credential_type": "iam_user", "policy_document": "{not json"}),
		c("roles write unknown field", update, "roles/unknown-field", d{"credential_type": "session_token", "no_such_field": "x"}),
		c("roles read after errors", read, "roles/bad", nil),

		// creds/ and sts/, GET (data as query) and POST.
		c("creds iam_user GET", read, "creds/iam", nil),
		c("creds iam_user POST", update, "creds/iam", nil),
		c("creds iam_user minimal GET", read, "creds/iam-min", nil),
		c("creds iam_user with ttl POST", update, "creds/iam-min", d{"ttl": "1h"}),
		c("creds iam_user ttl role GET", read, "creds/iam-ttl", nil),
		c("creds legacy policy GET", read, "creds/legacy-policy", nil),
		c("sts legacy policy GET", read, "sts/legacy-policy", nil),
		c("creds legacy arn policy GET", read, "creds/legacy-managed", nil),
		c("creds legacy arn role GET", read, "creds/legacy-role", nil),
		c("sts legacy arn role GET", read, "sts/legacy-role", nil),
		c("creds assumed_role GET", read, "creds/assumed", d{"role_session_name": "vnp diff", "ttl": "15m"}),
		c("creds assumed_role POST", update, "creds/assumed", d{"role_arn": "${ROLE_ARN}", "ttl": 1800}),
		c("sts assumed_role GET", read, "sts/assumed", nil),
		c("sts assumed_role POST", update, "sts/assumed", d{"ttl": "20m"}),
		c("creds federation_token GET", read, "creds/federation", nil),
		c("creds federation_token POST", update, "creds/federation", d{"ttl": "1h"}),
		c("sts federation_token GET", read, "sts/federation", nil),
		c("creds session_token GET", read, "creds/session", nil),
		c("creds session_token POST", update, "creds/session", d{"ttl": "1h"}),
		c("sts session_token GET", read, "sts/session", nil),
		c("sts session_token POST", update, "sts/session", d{"ttl": 3600}),
		c("sts federation_token POST", update, "sts/federation", d{"ttl": "30m"}),
		c("creds session_token mfa POST", update, "creds/session-mfa", d{"mfa_code": "123456"}),
		c("creds session_token mfa GET without code", read, "creds/session-mfa", nil),
		c("sts iam_user role POST", update, "sts/iam-min", nil),
		c("creds unknown role", read, "creds/none", nil),
		c("config/root write bad username_template", update, "config/root", d{"username_template": "{{ .Nope"}),
		c("creds iam_user with bad username_template", read, "creds/iam-min", nil),
		c("config/root write restores template", update, "config/root", restoreTemplate),
		c("sts iam_user role", read, "sts/iam-min", nil),
		c("creds assumed_role role_arn not allowed", update, "creds/assumed", d{"role_arn": "arn:aws:iam::123456789012:role/other"}),
		c("creds assumed_role ttl below 900", update, "creds/assumed", d{"ttl": "10m"}),
		c("creds assumed_role ttl above max_sts_ttl", update, "creds/assumed", d{"ttl": "3h"}),
		c("creds session_token wrong type ttl", update, "creds/session", d{"ttl": "abc"}),
		c("creds federation_token unknown field", update, "creds/federation", d{"no_such_field": "x"}),

		// Renew and revoke of each lease, as the expiration manager sends them.
		renewOf("renew creds iam_user GET", "creds iam_user GET"),
		revokeOf("revoke creds iam_user GET", "creds iam_user GET"),
		revokeOf("revoke creds iam_user GET twice", "creds iam_user GET"),
		renewOf("renew creds iam_user minimal GET", "creds iam_user minimal GET"),
		renewOf("renew creds iam_user ttl role GET", "creds iam_user ttl role GET"),
		revokeOf("revoke creds iam_user ttl role GET", "creds iam_user ttl role GET"),
		renewOf("renew creds legacy policy GET", "creds legacy policy GET"),
		revokeOf("revoke creds legacy policy GET", "creds legacy policy GET"),
		revokeOf("revoke creds legacy arn policy GET", "creds legacy arn policy GET"),
		renewOf("renew creds assumed_role GET", "creds assumed_role GET"),
		revokeOf("revoke creds assumed_role GET", "creds assumed_role GET"),
		renewOf("renew sts federation_token GET", "sts federation_token GET"),
		revokeOf("revoke sts federation_token GET", "sts federation_token GET"),
		renewOf("renew creds session_token GET", "creds session_token GET"),
		revokeOf("revoke creds session_token GET", "creds session_token GET"),
		revokeOf("revoke sts legacy policy GET", "sts legacy policy GET"),
		renewOf("renew creds session_token mfa POST", "creds session_token mfa POST"),
		revokeOf("revoke sts iam_user role POST", "sts iam_user role POST"),

		// Static roles and their credentials.
		c("static-roles write", update, "static-roles/static", d{"username": "${STATIC_USER}", "rotation_period": "1h"}),
		c("static-roles read", read, "static-roles/static", nil),
		c("static-roles list", list, "static-roles/", nil),
		c("static-creds read", read, "static-creds/static", nil),
		c("static-roles update rotation_period", update, "static-roles/static", d{"rotation_period": "2h"}),
		c("static-roles read after update", read, "static-roles/static", nil),
		c("static-roles write missing username", update, "static-roles/bad", d{"rotation_period": "1h"}),
		c("static-roles write missing rotation_period", update, "static-roles/bad", d{"username": "${STATIC_USER}"}),
		c("static-roles write rotation_period below 1m", update, "static-roles/bad", d{"username": "${STATIC_USER}", "rotation_period": "30s"}),
		c("static-roles write unknown user", update, "static-roles/bad", d{"username": "vnp-no-such-user", "rotation_period": "1h"}),
		c("static-roles write wrong type rotation_period", update, "static-roles/bad", d{"username": "${STATIC_USER}", "rotation_period": "often"}),
		c("static-roles write enterprise fields", update, "static-roles/ent", d{"username": "${STATIC_USER2}", "rotation_period": "1h", "assume_role_arn": "${ROLE_ARN}", "assume_role_session_name": "s", "external_id": "e"}),
		c("static-roles read enterprise fields", read, "static-roles/ent", nil),
		c("static-roles read missing", read, "static-roles/none", nil),
		c("static-creds read missing", read, "static-creds/none", nil),
		c("static-roles delete", del, "static-roles/static", nil),
		c("static-creds read after delete", read, "static-creds/static", nil),
		c("static-roles delete enterprise fields", del, "static-roles/ent", nil),
		c("static-roles list after delete", list, "static-roles/", nil),

		// Root rotation, then the engine must still work with the new key.
		c("config/rotate-root", update, "config/rotate-root", nil),
		c("config/root read after rotate-root", read, "config/root", nil),
		c("creds iam_user minimal GET after rotate-root", read, "creds/iam-min", nil),
		revokeOf("revoke creds iam_user minimal GET after rotate-root", "creds iam_user minimal GET after rotate-root"),

		// Deletes, and leases whose role is gone.
		c("roles delete iam", del, "roles/iam", nil),
		renewOf("renew creds iam_user POST after role delete", "creds iam_user POST"),
		revokeOf("revoke creds iam_user POST after role delete", "creds iam_user POST"),
		c("roles read after delete", read, "roles/iam", nil),
		c("roles delete missing", del, "roles/none", nil),
		c("roles list after delete", list, "roles/", nil),
		revokeOf("revoke creds iam_user minimal GET", "creds iam_user minimal GET"),
		revokeOf("revoke creds iam_user with ttl POST", "creds iam_user with ttl POST"),
	}
}

// TestDifferentialAWSSecrets sends every case to both engines (separate
// storage, one moto) and compares the replies.
func TestDifferentialAWSSecrets(t *testing.T) {
	aws := awsFromEnv(t)
	listed := loadDeliberate(t, awsSecretsDifferences)
	p := startPair(t, "secret", "aws", envReferenceSecretsAWS)
	perSide, _ := awsSetup(t, aws)
	m := mountPair(t, p, false)
	ck := newChecker(listed)
	s := &scenario{m: m, vars: perSide, rules: awsSecretsRules, ck: ck}
	s.run(t, awsSecretsCases())
	ck.finish(t, func(name string) bool {
		return !strings.HasPrefix(name, "help ") && !strings.HasPrefix(name, "shared ")
	})
	// The reference deregisters its root rotation job on every config/root
	// write without a schedule, as Vault 1.19+ engines do.
	if calls := m.VaultSystem.RotationCalls(); len(calls) == 0 {
		t.Errorf("the reference made no rotation-manager call on config/root writes; the CE system view is not in use")
	}
}

// awsHelpPaths are the paths whose help (and OpenAPI) is compared; "" is
// the whole-backend document of sys/internal/specs/openapi.
var awsHelpPaths = []string{
	"", "config/root", "config/rotate-root", "config/lease", "roles/", "roles/x", "creds/x", "sts/x",
	"static-roles/", "static-roles/x", "static-creds/x",
}

// TestDifferentialAWSSecretsHelp compares help replies and OpenAPI documents
// without their prose.
func TestDifferentialAWSSecretsHelp(t *testing.T) {
	listed := loadDeliberate(t, awsSecretsDifferences)
	p := startPair(t, "secret", "aws", envReferenceSecretsAWS)
	m := mountPair(t, p, false)
	ck := newChecker(listed)
	for _, path := range awsHelpPaths {
		name := "help " + path
		if path == "" {
			name = "help (root, OpenAPI of the backend)"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			ours, vault := differential.Both(ctx, m, differential.HelpRequest(path, "aws"))
			ck.check(t, name, differential.HelpTree(ours), differential.HelpTree(vault), nil)
		})
	}
	ck.finish(t, func(name string) bool { return strings.HasPrefix(name, "help ") })
}

// TestDifferentialAWSSecretsSharedStorage mounts both engines over ONE
// storage: what one writes (config, roles, static roles, leases, legacy
// entries) the other must read, renew and revoke, and the reply must be the
// one the writer itself gives. Both directions.
func TestDifferentialAWSSecretsSharedStorage(t *testing.T) {
	aws := awsFromEnv(t)
	listed := loadDeliberate(t, awsSecretsDifferences)
	p := startPair(t, "secret", "aws", envReferenceSecretsAWS)
	perSide, _ := awsSetup(t, aws)
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
			v := perSide[writer]
			// Each direction gets its own static user (one key each).
			v = vars(copyVars(v))
			if writer == differential.Vault {
				v["STATIC_USER"] = v["STATIC_USER2"]
			}
			sh := &sharedRun{t: t, m: m, writer: writer, reader: reader, v: v, ck: ck, prefix: prefix}
			for _, w := range []dcase{
				c("config/root", update, "config/root", rootConfig),
				c("config/lease", update, "config/lease", d{"lease": "1h", "lease_max": "2h"}),
				c("roles/iam", update, "roles/iam", d{"credential_type": "iam_user", "policy_document": policyDoc, "iam_tags": "team=vnp", "user_path": "/vnp/"}),
				c("roles/assumed", update, "roles/assumed", d{"credential_type": "assumed_role", "role_arns": "${ROLE_ARN}", "default_sts_ttl": "1h", "max_sts_ttl": "2h"}),
				c("roles/federation", update, "roles/federation", d{"credential_type": "federation_token", "policy_document": policyDoc}),
				c("roles/legacy", update, "roles/legacy", d{"policy": policyDoc}),
				c("static-roles/static", update, "static-roles/static", d{"username": "${STATIC_USER}", "rotation_period": "1h"}),
			} {
				sh.mustWrite(w)
			}
			// Raw legacy entries (pre-0.9 storage): the reader upgrades, the writer reads the result.
			sh.putRaw("policy/legacy-raw", []byte(policyDoc))
			for _, path := range []string{"config/root", "config/lease", "roles/iam", "roles/assumed", "roles/federation", "roles/legacy", "roles/", "static-roles/static", "static-roles/", "static-creds/static", "roles/legacy-raw"} {
				var op logical.Operation = read
				if strings.HasSuffix(path, "/") {
					op = list
				}
				sh.readBoth(path, op)
			}
			// Leases issued by the writer, renewed and revoked by the reader.
			for _, lease := range []string{"creds/iam", "sts/assumed", "sts/federation"} {
				sh.leaseAcross(lease, aws)
			}
			// The longest leases a Go duration holds: stored as int64 digits either side decodes exactly.
			sh.mustWrite(c("config/lease largest", update, "config/lease", d{"lease": "9223372036", "lease_max": "2562047h47m16.854775807s"}))
			sh.readBoth("config/lease", read)
			sh.mustWriteAs(writer, c("static-roles/static delete", del, "static-roles/static", nil))
		})
	}
}

func copyVars(v vars) vars {
	out := vars{}
	for k, val := range v {
		out[k] = val
	}
	return out
}

type sharedRun struct {
	t              *testing.T
	m              *differential.Mounts
	writer, reader differential.Side
	v              vars
	ck             *checker
	prefix         string
}

func (s *sharedRun) send(side differential.Side, req *logical.Request) differential.Exchange {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	return differential.Send(ctx, side, s.m.Instance(side), req)
}

func (s *sharedRun) mustWrite(w dcase) { s.mustWriteAs(s.writer, w) }

func (s *sharedRun) mustWriteAs(side differential.Side, w dcase) {
	s.t.Helper()
	ex := s.send(side, &logical.Request{Operation: w.op, Path: w.path, Data: s.v.apply(w.data)})
	if tr := differential.Tree(ex); tr["error"] != nil {
		s.t.Fatalf("%s%s %s by %s failed: %v", s.prefix, w.op, w.path, side, tr["error"])
	}
}

func (s *sharedRun) putRaw(key string, value []byte) {
	s.t.Helper()
	if err := s.m.Ours.Storage.Put(context.Background(), &logical.StorageEntry{Key: key, Value: value}); err != nil {
		s.t.Fatalf("storage put %s: %v", key, err)
	}
}

// oriented returns the (ours, vault) trees of a reader/writer pair.
func (s *sharedRun) oriented(byReader, byWriter map[string]interface{}) (map[string]interface{}, map[string]interface{}) {
	if s.reader == differential.Ours {
		return byReader, byWriter
	}
	return byWriter, byReader
}

// readBoth reads path first through the reader (so that an upgrade on read
// is the reader's), then through the writer, and compares.
func (s *sharedRun) readBoth(path string, op logical.Operation) {
	s.readBothAs(path, path, op)
}

// readBothAs is readBoth with the case named by label instead of the path
// (for paths that hold a random value).
func (s *sharedRun) readBothAs(label, path string, op logical.Operation) {
	name := s.prefix + string(op) + " " + label
	s.t.Run(name, func(t *testing.T) {
		byReader := differential.Tree(s.send(s.reader, &logical.Request{Operation: op, Path: path}))
		byWriter := differential.Tree(s.send(s.writer, &logical.Request{Operation: op, Path: path}))
		ours, vault := s.oriented(byReader, byWriter)
		s.ck.check(t, name, ours, vault, differential.Rules{"/error": differential.Prefix})
	})
}

// leaseAcross issues a lease through the writer, renews it through both
// (compared) and revokes it through the reader; an iam_user lease's user
// must be gone afterwards.
func (s *sharedRun) leaseAcross(path string, aws *awsAdmin) {
	name := s.prefix + "lease " + path
	s.t.Run(name, func(t *testing.T) {
		issued := s.send(s.writer, &logical.Request{Operation: read, Path: path})
		if issued.Resp == nil || issued.Resp.Secret == nil {
			t.Fatalf("%s: %s issued no lease: %v", name, s.writer, differential.Tree(issued))
		}
		renewBy := func(side differential.Side) map[string]interface{} {
			req, err := differential.RenewRequest(issued, 0, s.m.System(side))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return differential.Tree(s.send(side, req))
		}
		ours, vault := s.oriented(renewBy(s.reader), renewBy(s.writer))
		s.ck.check(t, name+" renew", ours, vault, awsSecretsRules)

		req, err := differential.RevokeRequest(issued, s.m.System(s.reader))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		revoked := differential.Tree(s.send(s.reader, req))
		if revoked["error"] != nil {
			t.Errorf("case %q: revoke by %s of a lease issued by %s failed: %v", name, s.reader, s.writer, revoked["error"])
		}
		if user, _ := issued.Resp.Secret.InternalData["username"].(string); path == "creds/iam" && user != "" && aws.userExists(t, user) {
			t.Errorf("case %q: revoke by %s left IAM user %s (issued by %s) in place", name, s.reader, user, s.writer)
		}
	})
}
