import type { Nanoseconds } from "./duration.js";

/** Vault's version information as reported to plugins. */
export interface PluginEnvironment {
  vaultVersion: string;
  vaultVersionPrerelease: string;
  vaultVersionMetadata: string;
}

/**
 * What a backend may ask Vault about its mount (≈ Vault `logical.SystemView`). Only the calls the
 * engines use are listed; each maps to one `pb.SystemView` RPC.
 */
export interface SystemView {
  defaultLeaseTtl(): Promise<Nanoseconds>;
  maxLeaseTtl(): Promise<Nanoseconds>;
  tainted(): Promise<boolean>;
  cachingDisabled(): Promise<boolean>;
  /** Bit flags, see protocol.md §5.7; 0 when Vault does not know. */
  replicationState(): Promise<number>;
  localMount(): Promise<boolean>;
  pluginEnv(): Promise<PluginEnvironment>;
  generatePasswordFromPolicy(policyName: string): Promise<string>;
}

/** A system view with fixed answers, for tests (defaults mirror Vault's `TestSystemView`). */
export class StaticSystemView implements SystemView {
  constructor(
    readonly values: {
      defaultLeaseTtl?: Nanoseconds;
      maxLeaseTtl?: Nanoseconds;
      localMount?: boolean;
      replicationState?: number;
    } = {},
  ) {}

  defaultLeaseTtl(): Promise<Nanoseconds> {
    return Promise.resolve(this.values.defaultLeaseTtl ?? 24n * 3600n * 1_000_000_000n);
  }

  maxLeaseTtl(): Promise<Nanoseconds> {
    return Promise.resolve(this.values.maxLeaseTtl ?? 48n * 3600n * 1_000_000_000n);
  }

  tainted(): Promise<boolean> {
    return Promise.resolve(false);
  }

  cachingDisabled(): Promise<boolean> {
    return Promise.resolve(false);
  }

  replicationState(): Promise<number> {
    return Promise.resolve(this.values.replicationState ?? 0);
  }

  localMount(): Promise<boolean> {
    return Promise.resolve(this.values.localMount ?? false);
  }

  pluginEnv(): Promise<PluginEnvironment> {
    return Promise.resolve({ vaultVersion: "", vaultVersionPrerelease: "", vaultVersionMetadata: "" });
  }

  generatePasswordFromPolicy(policyName: string): Promise<string> {
    return Promise.reject(new Error(`password policy ${JSON.stringify(policyName)} is not available in a static system view`));
  }
}
