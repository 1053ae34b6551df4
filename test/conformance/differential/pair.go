// Package differential drives two builds of the same Vault plugin — ours and
// a reference (Vault's own engine served as an external plugin) — side by
// side through the harness, and reports every observable difference between
// their replies to the same request.
//
// Nothing here knows about a particular engine: the test files own the case
// tables, the normalisation rules for random values and the list of
// deliberate differences. The same machinery serves secrets engines and auth
// methods (Config.PluginType).
package differential

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/sdk/logical"

	"vaultnodeplugins/conformance/harness"
)

// Side names one of the two plugins in reports.
type Side string

const (
	// Ours is the plugin under test.
	Ours Side = "ours"
	// Vault is the reference plugin.
	Vault Side = "vault"
)

// Config describes the two plugin files.
type Config struct {
	// PluginType is "secret" or "auth" (Config["plugin_type"] of every mount).
	PluginType string
	// Name is the catalog name both plugins are registered under.
	Name string
	// OursPath and VaultPath are the plugin files.
	OursPath  string
	VaultPath string
	// OursLogger and VaultLogger receive go-plugin's logs (optional).
	OursLogger  hclog.Logger
	VaultLogger hclog.Logger
}

// Pair is the two running plugin processes.
type Pair struct {
	Ours  *harness.Plugin
	Vault *harness.Plugin
	cfg   Config
}

// Start launches both plugins. On error nothing is left running.
func Start(ctx context.Context, cfg Config) (*Pair, error) {
	if cfg.PluginType != "secret" && cfg.PluginType != "auth" {
		return nil, fmt.Errorf("differential: plugin type %q is neither secret nor auth", cfg.PluginType)
	}
	if cfg.OursPath == "" || cfg.VaultPath == "" {
		return nil, errors.New("differential: both plugin paths are required")
	}
	ours, err := harness.Start(ctx, harness.Options{
		PluginPath: cfg.OursPath, Name: cfg.Name, PluginType: cfg.PluginType, Logger: cfg.OursLogger,
	})
	if err != nil {
		return nil, fmt.Errorf("differential: start ours (%s): %w", cfg.OursPath, err)
	}
	ref, err := harness.Start(ctx, harness.Options{
		PluginPath: cfg.VaultPath, Name: cfg.Name, PluginType: cfg.PluginType, Logger: cfg.VaultLogger,
	})
	if err != nil {
		ours.Kill()
		return nil, fmt.Errorf("differential: start reference (%s): %w", cfg.VaultPath, err)
	}
	return &Pair{Ours: ours, Vault: ref, cfg: cfg}, nil
}

// Kill stops both processes.
func (p *Pair) Kill() {
	p.Ours.Kill()
	p.Vault.Kill()
}

// Mounts is one mounted instance per plugin.
type Mounts struct {
	Ours  *harness.Instance
	Vault *harness.Instance
	// OursSystem and VaultSystem are the CE system views each instance got.
	OursSystem  *harness.CESystemView
	VaultSystem *harness.CESystemView
	// Shared is true when both instances use one storage.
	Shared bool
}

// Mount mounts one instance on each plugin. With shared, both instances get
// the same storage: what one engine writes the other reads, as when an
// operator swaps the plugin behind a mount.
func (p *Pair) Mount(ctx context.Context, shared bool) (*Mounts, error) {
	m := &Mounts{
		OursSystem:  harness.NewCESystemView(""),
		VaultSystem: harness.NewCESystemView(""),
		Shared:      shared,
	}
	var storage logical.Storage
	if shared {
		storage = &logical.InmemStorage{}
	}
	var err error
	if m.Ours, err = p.Ours.Mount(ctx, harness.InstanceOptions{System: m.OursSystem, Storage: storage}); err != nil {
		return nil, fmt.Errorf("differential: mount ours: %w", err)
	}
	if m.Vault, err = p.Vault.Mount(ctx, harness.InstanceOptions{System: m.VaultSystem, Storage: storage}); err != nil {
		return nil, fmt.Errorf("differential: mount reference: %w", err)
	}
	return m, nil
}

// Instance returns the instance of one side.
func (m *Mounts) Instance(s Side) *harness.Instance {
	if s == Vault {
		return m.Vault
	}
	return m.Ours
}

// System returns the system view of one side.
func (m *Mounts) System(s Side) *harness.CESystemView {
	if s == Vault {
		return m.VaultSystem
	}
	return m.OursSystem
}
