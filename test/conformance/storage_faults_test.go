package conformance_test

// Vault's storage failing a write in the middle of a request (disk full, Raft leadership lost):
// the engine must leave no half state — the old value intact, and nothing in AWS that no storage
// entry accounts for. The storage is served to our plugin over the broker by the harness, wrapped
// in harness.FailingStorage; IAM is moto (VNP_AWS_*), checked directly with the admin key.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// faultMount mounts one instance of our plugin over a FailingStorage.
func faultMount(t *testing.T) (*harness.Instance, *harness.FailingStorage) {
	t.Helper()
	storage := harness.NewFailingStorage(nil)
	inst, err := startPlugin(t).Mount(testContext(t), harness.InstanceOptions{Storage: storage})
	if err != nil {
		t.Fatalf("mount: %v", err)
	}
	return inst, storage
}

// mustFail sends a request that must fail because of the injected storage error.
func mustFail(t *testing.T, inst *harness.Instance, op logical.Operation, path string, data map[string]interface{}) {
	t.Helper()
	resp, err := request(t, inst, op, path, data)
	if err == nil && (resp == nil || !resp.IsError()) {
		t.Fatalf("%s %s succeeded although its storage write failed (response %+v)", op, path, resp)
	}
	if text := errorText(resp, err); !strings.Contains(text, strings.ToLower(harness.ErrInjected.Error())) {
		t.Errorf("%s %s: the error does not carry the storage failure: %q", op, path, text)
	}
}

func rawEntry(t *testing.T, s logical.Storage, key string) []byte {
	t.Helper()
	entry, err := s.Get(testContext(t), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	if entry == nil {
		return nil
	}
	return entry.Value
}

// usersUnder lists the IAM users under a path prefix.
func usersUnder(t *testing.T, aws *awsAdmin, pathPrefix string) []string {
	t.Helper()
	out := aws.mustIAM(t, map[string]string{"Action": "ListUsers", "PathPrefix": pathPrefix, "MaxItems": "1000"})
	var names []string
	for _, m := range regexp.MustCompile("<UserName>([^<]*)</UserName>").FindAllStringSubmatch(out, -1) {
		names = append(names, m[1])
	}
	return names
}

func accessKeysOf(t *testing.T, aws *awsAdmin, user string) []string {
	t.Helper()
	out := aws.mustIAM(t, map[string]string{"Action": "ListAccessKeys", "UserName": user})
	var ids []string
	for _, m := range regexp.MustCompile("<AccessKeyId>([^<]*)</AccessKeyId>").FindAllStringSubmatch(out, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestStorageFaults(t *testing.T) {
	aws := awsFromEnv(t)
	run := strings.ToLower(harness.RandomID(6))

	t.Run("RoleWriteKeepsTheOldRole", func(t *testing.T) {
		inst, storage := faultMount(t)
		mustOK(t, inst, logical.UpdateOperation, "roles/r", map[string]interface{}{"credential_type": "iam_user", "policy_document": policyDoc})
		before := rawEntry(t, storage, "role/r")
		if before == nil {
			t.Fatal("roles/r write stored nothing under role/r")
		}
		storage.FailPut("role/", 0, 2)
		mustFail(t, inst, logical.UpdateOperation, "roles/r", map[string]interface{}{"credential_type": "assumed_role", "role_arns": "arn:aws:iam::123456789012:role/other"})
		mustFail(t, inst, logical.UpdateOperation, "roles/new", map[string]interface{}{"credential_type": "iam_user", "policy_document": policyDoc})
		storage.Disarm()
		if after := rawEntry(t, storage, "role/r"); string(after) != string(before) {
			t.Errorf("role/r changed by a failed write:\nbefore %s\nafter  %s", before, after)
		}
		resp := mustOK(t, inst, logical.ReadOperation, "roles/r", nil)
		if got := resp.Data["credential_type"]; got != "iam_user" {
			t.Errorf("roles/r credential_type after the failed write = %v, want iam_user", got)
		}
		if resp, _ := request(t, inst, logical.ReadOperation, "roles/new", nil); resp != nil && !resp.IsError() {
			t.Errorf("roles/new exists although its only write failed: %+v", resp.Data)
		}
	})

	t.Run("CredsWhoseWALWriteFailsCreateNothingInAWS", func(t *testing.T) {
		inst, storage := faultMount(t)
		userPath := "/vnp-faults-" + run + "/"
		mustOK(t, inst, logical.UpdateOperation, "config/root", map[string]interface{}{
			"access_key": aws.accessKey, "secret_key": aws.secretKey, "region": "us-east-1", "iam_endpoint": aws.endpoint, "sts_endpoint": aws.endpoint, "max_retries": 0,
		})
		mustOK(t, inst, logical.UpdateOperation, "roles/r", map[string]interface{}{"credential_type": "iam_user", "policy_document": policyDoc, "user_path": userPath})
		storage.FailPut("wal/", 0, 1)
		mustFail(t, inst, logical.ReadOperation, "creds/r", nil)
		if users := usersUnder(t, aws, userPath); len(users) != 0 {
			t.Errorf("IAM users created although the WAL entry could not be stored: %v", users)
		}
		// The engine is fine afterwards, and its WAL entry is gone once the user is complete.
		resp := mustOK(t, inst, logical.ReadOperation, "creds/r", nil)
		if users := usersUnder(t, aws, userPath); len(users) != 1 {
			t.Errorf("after the failure, one creds read made users %v, want exactly one", users)
		}
		if resp.Secret == nil {
			t.Fatal("creds/r: no lease")
		}
		revoked, err := inst.Backend.HandleRequest(testContext(t), &logical.Request{Operation: logical.RevokeOperation, Path: "creds/r", Secret: resp.Secret, Storage: inst.Storage})
		if err != nil || (revoked != nil && revoked.IsError()) {
			t.Errorf("revoke: %v %+v", err, revoked)
		}
		if users := usersUnder(t, aws, userPath); len(users) != 0 {
			t.Errorf("users left after revoke: %v", users)
		}
	})

	t.Run("RotateRootWhoseStoreFailsDeletesTheNewKey", func(t *testing.T) {
		inst, storage := faultMount(t)
		rootUser := "vnp-faults-" + run + "-root"
		keyID, secret := aws.createUserWithKey(t, rootUser)
		mustOK(t, inst, logical.UpdateOperation, "config/root", map[string]interface{}{
			"access_key": keyID, "secret_key": secret, "region": "us-east-1", "iam_endpoint": aws.endpoint, "sts_endpoint": aws.endpoint, "max_retries": 0,
		})
		before := rawEntry(t, storage, "config/root")
		storage.FailPut("config/root", 0, 1)
		mustFail(t, inst, logical.UpdateOperation, "config/rotate-root", nil)
		storage.Disarm()
		if keys := accessKeysOf(t, aws, rootUser); len(keys) != 1 || keys[0] != keyID {
			t.Errorf("after a rotate-root whose store failed, %s has keys %v, want only the old %s", rootUser, keys, keyID)
		}
		if after := rawEntry(t, storage, "config/root"); string(after) != string(before) {
			t.Errorf("config/root changed by a failed rotate-root")
		}
		// The old key still works: a second rotation succeeds and leaves exactly the new key.
		resp := mustOK(t, inst, logical.UpdateOperation, "config/rotate-root", nil)
		newKey, _ := resp.Data["access_key"].(string)
		if keys := accessKeysOf(t, aws, rootUser); len(keys) != 1 || keys[0] != newKey || newKey == keyID {
			t.Errorf("after a successful rotate-root, %s has keys %v, want only the new %s", rootUser, keys, newKey)
		}
	})

	t.Run("StaticRoleWhoseCredsStoreFailsLeavesNoKey", func(t *testing.T) {
		inst, storage := faultMount(t)
		user := "vnp-faults-" + run + "-static"
		aws.mustIAM(t, map[string]string{"Action": "CreateUser", "UserName": user})
		mustOK(t, inst, logical.UpdateOperation, "config/root", map[string]interface{}{
			"access_key": aws.accessKey, "secret_key": aws.secretKey, "region": "us-east-1", "iam_endpoint": aws.endpoint, "sts_endpoint": aws.endpoint, "max_retries": 0,
		})
		storage.FailPut("static-creds/", 0, 1)
		mustFail(t, inst, logical.UpdateOperation, "static-roles/s", map[string]interface{}{"username": user, "rotation_period": "1h"})
		storage.Disarm()
		if keys := accessKeysOf(t, aws, user); len(keys) != 0 {
			t.Errorf("static role whose creds could not be stored left access keys %v on %s", keys, user)
		}
		// The role itself stays, as upstream's does: the periodic function (or a new write) retries.
		if resp, _ := request(t, inst, logical.ReadOperation, "static-creds/s", nil); resp != nil && !resp.IsError() && resp.Data["access_key"] != nil {
			t.Errorf("static-creds/s answers a key although none could be stored: %+v", resp.Data["access_key"])
		}
		// Retried with storage healthy, the role works and owns exactly one key.
		mustOK(t, inst, logical.UpdateOperation, "static-roles/s", map[string]interface{}{"username": user, "rotation_period": "1h"})
		if keys := accessKeysOf(t, aws, user); len(keys) != 1 {
			t.Errorf("static role after a healthy write: %s has keys %v, want one", user, keys)
		}
		mustOK(t, inst, logical.DeleteOperation, "static-roles/s", nil)
	})
}
