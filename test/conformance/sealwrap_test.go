package conformance_test

// Secrets at rest only where Vault seal-wraps: on a seal that can (Vault Enterprise), the storage
// keys an engine lists in SpecialPaths().SealWrapStorage get an extra layer of encryption, so a
// secret stored anywhere else would be less protected with our engine than with Vault's. Both
// engines must declare the same special paths, and after a run that stores every kind of secret
// (root key, static role keys; rotate-root's new key), every storage entry holding one must be
// under a seal-wrapped key — checked on both sides, so the rule itself is checked on Vault's engine.

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/differential"
)

// sealWrapped applies logical.Paths.SealWrapStorage's rule: exact, or a prefix when the entry
// ends with '/'.
func sealWrapped(key string, paths []string) bool {
	for _, p := range paths {
		if key == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(key, p)) {
			return true
		}
	}
	return false
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func TestSealWrapCoversSecrets(t *testing.T) {
	aws := awsFromEnv(t)
	p := startPair(t, "secret", "aws", envReferenceSecretsAWS)
	perSide, _ := awsSetup(t, aws)
	m := mountPair(t, p, false)

	ourPaths, vaultPaths := m.Ours.Backend.SpecialPaths(), m.Vault.Backend.SpecialPaths()
	if ourPaths == nil || vaultPaths == nil {
		t.Fatalf("SpecialPaths: ours %v, Vault's %v", ourPaths, vaultPaths)
	}
	if a, b := sortedCopy(ourPaths.SealWrapStorage), sortedCopy(vaultPaths.SealWrapStorage); !reflect.DeepEqual(a, b) {
		t.Errorf("SealWrapStorage: ours %q, Vault's %q", a, b)
	}
	if a, b := sortedCopy(ourPaths.LocalStorage), sortedCopy(vaultPaths.LocalStorage); !reflect.DeepEqual(a, b) {
		t.Errorf("LocalStorage: ours %q, Vault's %q", a, b)
	}

	for _, side := range []differential.Side{differential.Ours, differential.Vault} {
		side := side
		t.Run(string(side), func(t *testing.T) {
			v := perSide[side]
			inst := m.Instance(side)
			staticUser := v["STATIC_USER"]
			if side == differential.Vault {
				staticUser = v["STATIC_USER2"]
			}
			secrets := map[string]string{v["ROOT_SECRET"]: "root secret_key"}
			mustOK(t, inst, logical.UpdateOperation, "config/root", map[string]interface{}{
				"access_key": v["ROOT_KEY"], "secret_key": v["ROOT_SECRET"], "region": "us-east-1",
				"iam_endpoint": v["ENDPOINT"], "sts_endpoint": v["ENDPOINT"], "max_retries": 1,
			})
			mustOK(t, inst, logical.UpdateOperation, "roles/iam", map[string]interface{}{"credential_type": "iam_user", "policy_document": policyDoc})
			creds := mustOK(t, inst, logical.ReadOperation, "creds/iam", nil)
			mustOK(t, inst, logical.UpdateOperation, "static-roles/static", map[string]interface{}{"username": staticUser, "rotation_period": "1h"})
			static := mustOK(t, inst, logical.ReadOperation, "static-creds/static", nil)
			for what, resp := range map[string]*logical.Response{"creds/iam secret_key": creds, "static-creds secret_key": static} {
				if s, _ := resp.Data["secret_key"].(string); s != "" {
					secrets[s] = what
				} else {
					t.Fatalf("%s: no secret_key in %+v", what, resp.Data)
				}
			}

			ctx := testContext(t)
			keys, err := logical.CollectKeys(ctx, inst.Storage)
			if err != nil {
				t.Fatal(err)
			}
			paths := inst.Backend.SpecialPaths().SealWrapStorage
			holding := 0
			for _, key := range keys {
				entry, err := inst.Storage.Get(ctx, key)
				if err != nil || entry == nil {
					t.Fatalf("get %s: %v", key, err)
				}
				for secret, what := range secrets {
					if !strings.Contains(string(entry.Value), secret) {
						continue
					}
					holding++
					if !sealWrapped(key, paths) {
						t.Errorf("storage key %q holds the %s but is not seal-wrapped (SealWrapStorage %q)", key, what, paths)
					}
				}
				if !sealWrapped(key, paths) && strings.Contains(string(entry.Value), `"secret_key":"`) && !strings.Contains(string(entry.Value), `"secret_key":""`) {
					t.Errorf("storage key %q holds a secret_key but is not seal-wrapped", key)
				}
			}
			// config/root and static-creds/static at least; an issued key is never stored.
			if holding < 2 {
				t.Errorf("only %d storage entries hold a known secret; the run did not store what it should (keys %q)", holding, keys)
			}
			mustOK(t, inst, logical.DeleteOperation, "static-roles/static", nil)
		})
	}
}
