package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/vault/sdk/helper/pluginutil"
	"github.com/hashicorp/vault/sdk/logical"
	"github.com/hashicorp/vault/sdk/rotation"
)

// CESystemView is the system view of a Vault Community Edition mount as far
// as engines can observe it: logical.StaticSystemView defaults plus the
// rotation-manager calls answered the way CE core answers them (Vault 1.21
// vault/rotation_stubs_oss.go). Engines of Vault 1.19+ deregister their root
// rotation job on every config write that sets no schedule or period, so
// without these answers config/root writes of the reference engine fail.
//
//   - DeregisterRotationJob succeeds (deregistering an unknown job is valid);
//   - RegisterRotationJob, RegisterRotationJobWithResponse and
//     GetRotationInformation fail with automatedrotationutil's
//     ErrRotationManagerUnsupported (the rotation manager is Enterprise).
//
// Every rotation call is recorded, so tests can assert what an engine asked.
type CESystemView struct {
	logical.StaticSystemView

	mu    sync.Mutex
	calls []RotationCall
}

// RotationCall is one recorded rotation-manager call.
type RotationCall struct {
	// Method is the SystemView method name.
	Method string
	// Name is the rotation job's name (MountPoint/ReqPath are not recorded:
	// the harness mounts without a path).
	Name string
}

var _ logical.SystemView = (*CESystemView)(nil)

// The texts CE core answers with. They are declared here rather than taken
// from sdk/helper/automatedrotationutil, which drags sdk/framework and its
// database drivers into the module.
var (
	// ErrRotationManagerUnsupported is the rotation-manager refusal of CE.
	ErrRotationManagerUnsupported = errors.New("rotation manager capabilities not supported in Vault community edition")
	// ErrPluginWorkloadIdentityUnsupported is the plugin WIF refusal of CE.
	ErrPluginWorkloadIdentityUnsupported = errors.New("plugin workload identity not supported in Vault community edition")
)

// NewCESystemView returns a CE-like view with the TTLs of
// logical.TestSystemView and VaultVersion as the reported server version.
func NewCESystemView(vaultVersion string) *CESystemView {
	if vaultVersion == "" {
		vaultVersion = DefaultVaultVersion
	}
	base := logical.TestSystemView()
	sv := &CESystemView{StaticSystemView: *base}
	sv.PluginEnvironment = &logical.PluginEnvironment{VaultVersion: vaultVersion}
	if sv.DefaultLeaseTTLVal == 0 {
		sv.DefaultLeaseTTLVal = 24 * time.Hour
	}
	if sv.MaxLeaseTTLVal == 0 {
		sv.MaxLeaseTTLVal = 2 * 24 * time.Hour
	}
	return sv
}

func (s *CESystemView) record(method, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, RotationCall{Method: method, Name: name})
}

// RotationCalls returns the rotation-manager calls seen so far, in order.
func (s *CESystemView) RotationCalls() []RotationCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RotationCall(nil), s.calls...)
}

// GetRotationInformation answers like CE core: unsupported.
func (s *CESystemView) GetRotationInformation(_ context.Context, req *rotation.RotationInfoRequest) (*rotation.RotationInfoResponse, error) {
	name := ""
	if req != nil {
		name = req.ReqPath
	}
	s.record("GetRotationInformation", name)
	return nil, ErrRotationManagerUnsupported
}

// RegisterRotationJob answers like CE core: unsupported, wrapped the way
// core's dynamicSystemView wraps every registration failure (engines then
// add their own prefix, so the client sees the phrase twice).
func (s *CESystemView) RegisterRotationJob(_ context.Context, req *rotation.RotationJobConfigureRequest) (string, error) {
	s.record("RegisterRotationJob", jobName(req))
	return "", fmt.Errorf("error registering rotation job: %w", ErrRotationManagerUnsupported)
}

// RegisterRotationJobWithResponse answers like CE core: unsupported.
func (s *CESystemView) RegisterRotationJobWithResponse(_ context.Context, req *rotation.RotationJobConfigureRequest) (*rotation.RotationInfo, error) {
	s.record("RegisterRotationJobWithResponse", jobName(req))
	return nil, ErrRotationManagerUnsupported
}

// DeregisterRotationJob answers like CE core: success.
func (s *CESystemView) DeregisterRotationJob(_ context.Context, req *rotation.RotationJobDeregisterRequest) error {
	name := ""
	if req != nil {
		name = req.ReqPath
	}
	s.record("DeregisterRotationJob", name)
	return nil
}

// GenerateIdentityToken answers like CE core: plugin workload identity is an
// Enterprise feature.
func (s *CESystemView) GenerateIdentityToken(_ context.Context, _ *pluginutil.IdentityTokenRequest) (*pluginutil.IdentityTokenResponse, error) {
	return nil, ErrPluginWorkloadIdentityUnsupported
}

func jobName(req *rotation.RotationJobConfigureRequest) string {
	if req == nil {
		return ""
	}
	return req.Name
}
