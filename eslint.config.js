// One linter: typescript-eslint with type information, plus the layer rules of
// shared/reference/architecture.md §2 as import restrictions.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const layer = (files, patterns) => ({
  files,
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
});

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "src/generated/**", "coverage/**", "test/conformance/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["*.js"] }, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  { files: ["src/**/*.ts"], rules: { "no-console": "error" } },
  // Test doubles often implement async interfaces without awaiting anything, and vitest's
  // asymmetric matchers (expect.any(String)) are typed `any` by design.
  { files: ["test/**/*.ts"], rules: { "@typescript-eslint/require-await": "off", "@typescript-eslint/no-unsafe-assignment": "off" } },
  // Layers are siblings under src/, so a cross-layer import always starts with ../<layer>/ (or ../../ from an engine).
  layer(["src/plugin/**/*.ts"], [{ group: ["../grpc/*", "../logical/*", "../framework/*", "../engines/*"], message: "src/plugin knows nothing about Vault" }]),
  layer(["src/grpc/**/*.ts"], [{ group: ["../framework/*", "../engines/*"], message: "src/grpc must not depend on the framework or engines" }]),
  layer(["src/logical/**/*.ts"], [{ group: ["@grpc/*", "../plugin/*", "../grpc/*", "../framework/*", "../engines/*", "../generated/*"], message: "src/logical is transport-neutral" }]),
  layer(["src/framework/**/*.ts"], [{ group: ["@grpc/*", "../plugin/*", "../grpc/*", "../engines/*", "../generated/*"], message: "src/framework depends on src/logical only" }]),
  layer(["src/engines/**/*.ts"], [{ group: ["@grpc/*", "../../plugin/*", "../../grpc/*", "../../generated/*", "../../framework/*/**"], message: "engines never see the transport" }]),
  {
    files: ["scripts/**/*.mjs", "*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", fetch: "readonly", AbortSignal: "readonly", AbortController: "readonly", setImmediate: "readonly" } },
  },
);
