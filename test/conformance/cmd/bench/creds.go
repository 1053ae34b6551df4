package main

// Credential issuance latency against an AWS endpoint (moto in `npm run bench`): the plugin is
// configured with config/root pointing IAM and STS at the endpoint, one role per credential
// type, and creds/<role> is read repeatedly. Each read is a full issuance — for iam_user a
// CreateUser, PutUserPolicy and CreateAccessKey round trip — so the figure compares the
// engines' own overhead on top of the same AWS calls.

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/hashicorp/vault/sdk/logical"
	"github.com/hashicorp/vault/sdk/rotation"

	"vaultnodeplugins/conformance/harness"
)

type awsTarget struct {
	Endpoint  string
	AccessKey string
	SecretKey string
}

type credsStats struct {
	Role           string `json:"role"`
	CredentialType string `json:"credential_type"`
	loadStats
}

const benchPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`

// benchRoles are the roles measured: one IAM user and one assumed role.
var benchRoles = []struct {
	name string
	data map[string]interface{}
}{
	{"bench-user", map[string]interface{}{"credential_type": "iam_user", "policy_document": benchPolicy}},
	{"bench-role", map[string]interface{}{"credential_type": "assumed_role", "role_arns": "arn:aws:iam::123456789012:role/bench"}},
}

func measureCreds(ctx context.Context, plugin string, inst *harness.Instance, target awsTarget, requests int) ([]credsStats, error) {
	write := func(path string, data map[string]interface{}) error {
		resp, err := inst.Request(ctx, logical.UpdateOperation, path, data)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if resp != nil && resp.IsError() {
			return fmt.Errorf("write %s: %v", path, resp.Error())
		}
		return nil
	}
	if err := write("config/root", map[string]interface{}{
		"access_key":   target.AccessKey,
		"secret_key":   target.SecretKey,
		"region":       "us-east-1",
		"iam_endpoint": target.Endpoint,
		"sts_endpoint": target.Endpoint,
	}); err != nil {
		return nil, err
	}
	var out []credsStats
	for _, role := range benchRoles {
		if err := write("roles/"+role.name, role.data); err != nil {
			return nil, err
		}
		issue := func() error {
			resp, err := inst.Request(ctx, logical.ReadOperation, "creds/"+role.name, nil)
			if err != nil {
				return err
			}
			if resp == nil || resp.IsError() || resp.Data["access_key"] == nil {
				return fmt.Errorf("creds/%s: unexpected response %+v", role.name, resp)
			}
			return nil
		}
		if err := issue(); err != nil {
			return nil, err
		}
		logf("%s: %d creds/%s at concurrency 1", filepath.Base(plugin), requests, role.name)
		stats := runLoad(1, requests, issue)
		out = append(out, credsStats{Role: role.name, CredentialType: role.data["credential_type"].(string), loadStats: stats})
	}
	return out, nil
}

// ceSystemView answers like Vault CE's system view where the test one refuses: deregistering a
// rotation job is a no-op there, and Vault's builtin engine deregisters on every config/root write.
type ceSystemView struct {
	*logical.StaticSystemView
}

func (ceSystemView) DeregisterRotationJob(context.Context, *rotation.RotationJobDeregisterRequest) error {
	return nil
}

func benchSystemView() logical.SystemView {
	return ceSystemView{StaticSystemView: logical.TestSystemView()}
}
