// Entry point of the test-only auth plugin (built by test/e2e/auth-plumbing.e2e.test.ts).
import { serveBackend } from "../../../src/grpc/serve-backend.js";
import { exitOnStartupFailure, PLUGIN_VERSION } from "../../../src/bin/startup.js";
import { createAuthTestBackend } from "./backend.js";

serveBackend({ name: "vault-plugin-auth-test", type: "credential", version: PLUGIN_VERSION, factory: createAuthTestBackend }).catch(
  exitOnStartupFailure,
);
