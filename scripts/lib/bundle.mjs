// One plugin entry → one executable file: an esbuild CommonJS bundle (protos embedded) behind a
// `#!/usr/bin/env node` line, mode 0755. Shared by scripts/build.mjs and tests that build
// test-only plugins.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

export const root = new URL("../..", import.meta.url).pathname;

/** `v` + package.json version: what the plugins report and what `-version` must say. */
export function pluginVersion() {
  return `v${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}`;
}

/**
 * The AWS SDK clients, bundled on their own into one CommonJS text. The plugin embeds that text as
 * a string and compiles it on first use (src/aws/sdk.ts loads the SDK with a dynamic import):
 * V8 must parse all code in a file before running it, and the SDK would add ~80 ms and ~25 MB to
 * every plugin start — registration probes and mounts included — even when AWS is never called.
 */
async function awsSdkSource() {
  const result = await build({
    stdin: {
      contents: 'module.exports = { iam: require("@aws-sdk/client-iam"), sts: require("@aws-sdk/client-sts") };',
      resolveDir: root,
      loader: "js",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].text;
}

/** Routes dynamic imports of the SDK clients to the embedded, lazily compiled text. */
function lazyAwsSdk(source) {
  return {
    name: "lazy-aws-sdk",
    setup(b) {
      b.onResolve({ filter: /^@aws-sdk\/client-(iam|sts)$/ }, (args) =>
        args.kind === "dynamic-import" ? { path: args.path, namespace: "lazy-aws-sdk" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "lazy-aws-sdk" }, (args) => ({
        contents: `module.exports = require("vnp-aws-sdk-text").${args.path.endsWith("iam") ? "iam" : "sts"};`,
        loader: "js",
      }));
      b.onResolve({ filter: /^vnp-aws-sdk-text$/ }, () => ({ path: "sdk", namespace: "lazy-aws-sdk-text" }));
      b.onLoad({ filter: /.*/, namespace: "lazy-aws-sdk-text" }, () => ({
        // Compressed, so the string V8 scans at every start is a quarter of the size.
        contents:
          "const sdk = { exports: {} };\n" +
          `const text = require("node:zlib").gunzipSync(Buffer.from(${JSON.stringify(gzipSync(source, { level: 9 }).toString("base64"))}, "base64")).toString("utf8");\n` +
          'new Function("module", "exports", "require", text)(sdk, sdk.exports, require);\n' +
          "module.exports = sdk.exports;\n",
        loader: "js",
      }));
    },
  };
}

/**
 * grpc-js requires @grpc/proto-loader only to read channelz's and ORCA's .proto files from its
 * own package directory, which a single-file plugin does not have; the plugin uses neither. A
 * stub keeps proto-loader and the full protobufjs (parser, descriptor extension) out of the file.
 */
const withoutProtoLoader = {
  name: "without-proto-loader",
  setup(b) {
    b.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({ path: "proto-loader", namespace: "stub-proto-loader" }));
    b.onLoad({ filter: /.*/, namespace: "stub-proto-loader" }, () => ({
      contents:
        'const unavailable = () => { throw new Error("@grpc/proto-loader is not bundled: channelz and ORCA are unavailable in this plugin"); };\n' +
        "module.exports = { loadSync: unavailable, load: unavailable, fromJSON: unavailable };\n",
      loader: "js",
    }));
  },
};

let sdkSource;

/** Bundles `entry` into `outfile`; returns the file's sha256. */
export async function bundlePlugin({ entry, outfile, version = pluginVersion() }) {
  sdkSource ??= await awsSdkSource();
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
    plugins: [lazyAwsSdk(sdkSource), withoutProtoLoader],
    logLevel: "warning",
  });
  chmodSync(outfile, 0o755);
  return createHash("sha256").update(readFileSync(outfile)).digest("hex");
}
