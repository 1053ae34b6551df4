// Shared by the entry points: the version stamped in at build time and the last-resort exit.

declare const __PLUGIN_VERSION__: string | undefined;

/** `v` + package.json version, injected by scripts/build.mjs; "v0.0.0-dev" when run unbundled. */
export const PLUGIN_VERSION: string = typeof __PLUGIN_VERSION__ === "string" ? __PLUGIN_VERSION__ : "v0.0.0-dev";

/** A plugin that cannot start says why on stderr (Vault logs it) and exits non-zero. */
export function exitOnStartupFailure(err: unknown): never {
  process.stderr.write(`plugin failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
