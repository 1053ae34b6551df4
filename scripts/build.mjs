#!/usr/bin/env node
// Builds each plugin into one executable file in dist/ (see scripts/lib/bundle.mjs). Vault's
// sha256 covers exactly that file, so it reads nothing else at run time. Prints each file's
// sha256 and the `vault plugin register` line for it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bundlePlugin, pluginVersion, root } from "./lib/bundle.mjs";

const quiet = process.argv.includes("--quiet");
const version = pluginVersion();

/** Every plugin this repo ships: entry file name and Vault catalog type. */
const PLUGINS = [
  { name: "vault-plugin-secrets-aws", type: "secret" },
  { name: "vault-plugin-auth-aws", type: "auth" },
  { name: "vault-plugin-auth-azure", type: "auth" },
].filter((p) => existsSync(join(root, "src/bin", `${p.name}.ts`)));

for (const plugin of PLUGINS) {
  const outfile = join(root, "dist", plugin.name);
  const sha256 = await bundlePlugin({ entry: join(root, "src/bin", `${plugin.name}.ts`), outfile, version });
  if (!quiet) {
    process.stdout.write(
      `${outfile}\n  sha256 ${sha256}\n` +
        `  vault plugin register -sha256=${sha256} -command=${plugin.name} -version=${version} ${plugin.type} ${plugin.name}\n`,
    );
  }
}
