#!/usr/bin/env node
// Builds each plugin into one executable file in dist/: an esbuild CommonJS bundle (protos
// embedded) behind a `#!/usr/bin/env node` line, mode 0755. Vault's sha256 covers exactly this
// file, so it must read nothing else at run time. Prints each file's sha256 and register line.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const quiet = process.argv.includes("--quiet");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
export const version = `v${pkg.version}`;

/** Every plugin this repo ships: entry file, output name, Vault catalog type. */
export const PLUGINS = [
  { name: "vault-plugin-secrets-aws", type: "secret" },
  { name: "vault-plugin-auth-aws", type: "auth" },
  { name: "vault-plugin-auth-azure", type: "auth" },
].filter((p) => existsSync(join(root, "src/bin", `${p.name}.ts`)));

mkdirSync(join(root, "dist"), { recursive: true });
// The repo's package.json says "type": "module", which would make Node load the extensionless
// bundles in dist/ as ES modules. They are CommonJS, as they are in any plugin directory.
writeFileSync(join(root, "dist/package.json"), '{ "type": "commonjs" }\n');
const results = [];
for (const plugin of PLUGINS) {
  const outfile = join(root, "dist", plugin.name);
  await build({
    entryPoints: [join(root, "src/bin", `${plugin.name}.ts`)],
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
  const sha256 = createHash("sha256").update(readFileSync(outfile)).digest("hex");
  results.push({ ...plugin, outfile, sha256 });
}

if (!quiet) {
  for (const r of results) {
    process.stdout.write(
      `${r.outfile}\n  sha256 ${r.sha256}\n` +
        `  vault plugin register -sha256=${r.sha256} -command=${r.name} -version=${version} ${r.type} ${r.name}\n`,
    );
  }
}
