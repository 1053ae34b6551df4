// Package harness launches an external Vault/OpenBao backend plugin file the
// way Vault core does (go-plugin v5 client, AutoMTLS, checksum, per-instance
// multiplex_id metadata) and mounts backend instances on it with in-memory
// storage served back to the plugin over the go-plugin broker.
//
// It is shared by the conformance tests and the bench command.
package harness

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/vault/sdk/helper/pluginutil"
	"github.com/hashicorp/vault/sdk/logical"
	bplugin "github.com/hashicorp/vault/sdk/plugin"
	"google.golang.org/grpc"
)

// DefaultVaultVersion is the server version advertised to the plugin in
// VAULT_VERSION.
const DefaultVaultVersion = "1.21.4"

// Options configure one plugin process.
type Options struct {
	// PluginPath is the plugin file to execute (absolute path recommended).
	PluginPath string
	// Args are passed verbatim as argv[1:], like catalog `-args`.
	Args []string
	// Env entries are added after the host environment, like catalog `-env`.
	Env []string
	// Name is the catalog name; it becomes Config["plugin_name"].
	Name string
	// PluginType is "secret" or "auth"; it becomes Config["plugin_type"].
	PluginType string
	// Version becomes Config["plugin_version"] (may be empty).
	Version string
	// VaultVersion is sent as VAULT_VERSION (DefaultVaultVersion if empty).
	VaultVersion string
	// Logger receives go-plugin's log lines (including the plugin's stderr
	// forwarded at its parsed level). Defaults to a logger that discards.
	Logger hclog.Logger
	// Stderr receives the plugin's raw stderr (optional).
	Stderr io.Writer
	// StartTimeout bounds the wait for the handshake line (default 30 s).
	StartTimeout time.Duration
}

// Plugin is one running plugin process.
type Plugin struct {
	Client *goplugin.Client
	RPC    goplugin.ClientProtocol
	// Conn is the raw gRPC connection to the plugin (no multiplex_id added).
	Conn *grpc.ClientConn
	// Multiplexed is the answer of pluginutil.MultiplexingSupported.
	Multiplexed bool
	// Pid of the plugin process.
	Pid int
	// StartDuration is the time from exec to client.Client() returning
	// (checksum, spawn, handshake, mTLS dial, broker/stdio streams).
	StartDuration time.Duration

	opts   Options
	logger hclog.Logger

	mu        sync.Mutex
	instances int
}

// Checksum returns the SHA-256 of the file, as registered in the catalog.
func Checksum(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// NewClient builds the go-plugin client exactly as Vault core configures it
// for a v5 backend plugin (without starting it).
func NewClient(opts Options, checksum []byte) *goplugin.Client {
	vaultVersion := opts.VaultVersion
	if vaultVersion == "" {
		vaultVersion = DefaultVaultVersion
	}
	logger := opts.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}

	cmd := exec.Command(opts.PluginPath, opts.Args...)
	// Vault (non-container plugins): host env, then registration env, then
	// the SDK variables; go-plugin appends its own variables afterwards.
	env := append([]string{}, os.Environ()...)
	env = append(env, opts.Env...)
	env = append(env,
		pluginutil.PluginVaultVersionEnv+"="+vaultVersion,
		pluginutil.PluginAutoMTLSEnv+"=true",
		pluginutil.PluginMetadataModeEnv+"=false",
	)
	cmd.Env = env

	cfg := &goplugin.ClientConfig{
		HandshakeConfig:  bplugin.HandshakeConfig,
		VersionedPlugins: bplugin.PluginSet,
		Cmd:              cmd,
		SecureConfig: &goplugin.SecureConfig{
			Checksum: checksum,
			Hash:     sha256.New(),
		},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		Logger:           logger,
		StartTimeout:     timeout,
	}
	if opts.Stderr != nil {
		cfg.Stderr = opts.Stderr
	}
	return goplugin.NewClient(cfg)
}

// Start launches the plugin, completes the handshake and asks whether the
// plugin supports multiplexing (as Vault core does before dispensing).
func Start(ctx context.Context, opts Options) (*Plugin, error) {
	if opts.PluginPath == "" {
		return nil, errors.New("harness: empty plugin path")
	}
	if opts.Name == "" {
		opts.Name = "plugin-under-test"
	}
	if opts.PluginType == "" {
		opts.PluginType = "secret"
	}
	logger := opts.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}

	t0 := time.Now()
	sum, err := Checksum(opts.PluginPath)
	if err != nil {
		return nil, fmt.Errorf("harness: checksum: %w", err)
	}
	client := NewClient(opts, sum)
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("harness: start plugin: %w", err)
	}
	startDur := time.Since(t0)

	grpcClient, ok := rpc.(*goplugin.GRPCClient)
	if !ok {
		client.Kill()
		return nil, fmt.Errorf("harness: plugin did not negotiate gRPC (got %T)", rpc)
	}

	p := &Plugin{
		Client:        client,
		RPC:           rpc,
		Conn:          grpcClient.Conn,
		StartDuration: startDur,
		opts:          opts,
		logger:        logger,
	}
	if rc := client.ReattachConfig(); rc != nil {
		p.Pid = rc.Pid
	}

	mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p.Multiplexed, err = pluginutil.MultiplexingSupported(mctx, grpcClient.Conn, opts.Name)
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("harness: MultiplexingSupport: %w", err)
	}
	return p, nil
}

// Kill shuts the plugin down the way Vault does (GRPCController.Shutdown,
// wait up to 2 s, then SIGKILL). It blocks until the process has exited.
func (p *Plugin) Kill() {
	p.Client.Kill()
}

// Instance is one mounted backend instance (one multiplex_id).
type Instance struct {
	Backend logical.Backend
	// Storage is the instance's storage view: a fresh InmemStorage unless
	// InstanceOptions.Storage supplied one (possibly shared with another
	// instance, even one served by a different plugin).
	Storage     logical.Storage
	MultiplexID string
	BackendUUID string
}

// InstanceOptions tune Mount; zero values are filled with fresh ids.
type InstanceOptions struct {
	MultiplexID string
	BackendUUID string
	// System defaults to logical.TestSystemView().
	System logical.SystemView
	// ExtraConfig entries are merged into BackendConfig.Config (mount options).
	ExtraConfig map[string]string
	// SkipInitialize leaves out the Initialize call.
	SkipInitialize bool
	// Storage, when set, is served to the instance instead of a fresh
	// InmemStorage. Passing the same storage to instances of two plugins
	// lets one read what the other wrote, as after swapping a mount's plugin.
	Storage logical.Storage
}

// Dispense returns a logical.Backend bound to multiplexID (no Setup yet).
func (p *Plugin) Dispense(multiplexID string) (logical.Backend, error) {
	pc := &instanceClient{
		ClientProtocol: p.RPC,
		conn:           &MultiplexConn{ClientConnInterface: p.Conn, ID: multiplexID},
		release:        p.release,
	}
	be, err := bplugin.Dispense(p.RPC, pc)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.instances++
	p.mu.Unlock()
	return be, nil
}

func (p *Plugin) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.instances > 0 {
		p.instances--
	}
}

// Mount dispenses a backend for a new multiplex_id, runs Setup with the
// storage of o (a fresh InmemStorage by default; served to the plugin over
// the broker) and Initialize.
func (p *Plugin) Mount(ctx context.Context, o InstanceOptions) (*Instance, error) {
	if o.MultiplexID == "" {
		o.MultiplexID = RandomID(10)
	}
	if o.BackendUUID == "" {
		o.BackendUUID = RandomUUID()
	}
	if o.System == nil {
		o.System = logical.TestSystemView()
	}
	be, err := p.Dispense(o.MultiplexID)
	if err != nil {
		return nil, fmt.Errorf("harness: dispense: %w", err)
	}
	storage := o.Storage
	if storage == nil {
		storage = &logical.InmemStorage{}
	}
	conf := map[string]string{
		"plugin_name":    p.opts.Name,
		"plugin_type":    p.opts.PluginType,
		"plugin_version": p.opts.Version,
	}
	for k, v := range o.ExtraConfig {
		conf[k] = v
	}
	if err := be.Setup(ctx, &logical.BackendConfig{
		StorageView: storage,
		Logger:      p.logger.Named(o.MultiplexID),
		System:      o.System,
		BackendUUID: o.BackendUUID,
		Config:      conf,
	}); err != nil {
		return nil, fmt.Errorf("harness: Setup: %w", err)
	}
	if !o.SkipInitialize {
		if err := be.Initialize(ctx, &logical.InitializationRequest{Storage: storage}); err != nil {
			return nil, fmt.Errorf("harness: Initialize: %w", err)
		}
	}
	return &Instance{Backend: be, Storage: storage, MultiplexID: o.MultiplexID, BackendUUID: o.BackendUUID}, nil
}

// Cleanup calls Backend.Cleanup with a bound: the SDK client blocks until
// the brokered storage server exists, which never happens if the plugin
// never dialled it.
func (i *Instance) Cleanup(ctx context.Context, timeout time.Duration) error {
	done := make(chan struct{})
	go func() {
		i.Backend.Cleanup(ctx)
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("harness: Cleanup did not return within %s", timeout)
	}
}

// Request sends one HandleRequest with the instance's storage attached.
func (i *Instance) Request(ctx context.Context, op logical.Operation, path string, data map[string]interface{}) (*logical.Response, error) {
	return i.Backend.HandleRequest(ctx, &logical.Request{
		Operation: op,
		Path:      path,
		Data:      data,
		Storage:   i.Storage,
	})
}

// instanceClient is the pluginutil.PluginClient handed to plugin.Dispense:
// its Conn carries the instance's multiplex_id; Close releases only this
// instance (Vault core kills the process when the last instance is gone; the
// harness leaves that to Plugin.Kill).
type instanceClient struct {
	goplugin.ClientProtocol
	conn    grpc.ClientConnInterface
	release func()
	once    sync.Once
}

func (c *instanceClient) Conn() grpc.ClientConnInterface { return c.conn }
func (c *instanceClient) Reload() error                  { return nil }
func (c *instanceClient) Close() error {
	c.once.Do(c.release)
	return nil
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// RandomID returns a random base62 string of length n (Vault uses 10).
func RandomID(n int) string {
	var b strings.Builder
	max := big.NewInt(int64(len(base62)))
	for i := 0; i < n; i++ {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b.WriteByte(base62[v.Int64()])
	}
	return b.String()
}

// RandomUUID returns a random RFC 4122 version 4 UUID string.
func RandomUUID() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		panic(err)
	}
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
