// One plugin entry → one executable file: an esbuild CommonJS bundle (protos embedded) behind a
// `#!/usr/bin/env node` line, mode 0755. Shared by scripts/build.mjs and tests that build
// test-only plugins.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const root = new URL("../..", import.meta.url).pathname;

/** `v` + package.json version: what the plugins report and what `-version` must say. */
export function pluginVersion() {
  return `v${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}`;
}

/** Bundles `entry` into `outfile`; returns the file's sha256. */
export async function bundlePlugin({ entry, outfile, version = pluginVersion() }) {
  mkdirSync(dirname(outfile), { recursive: true });
  // A "type": "module" package.json above the output would make Node load the extensionless
  // bundle as an ES module; it is CommonJS, as it is in any plugin directory.
  writeFileSync(join(dirname(outfile), "package.json"), '{ "type": "commonjs" }\n');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    banner: { js: "#!/usr/bin/env node" },
    define: { __PLUGIN_VERSION__: JSON.stringify(version) },
    logLevel: "warning",
  });
  chmodSync(outfile, 0o755);
  return createHash("sha256").update(readFileSync(outfile)).digest("hex");
}
