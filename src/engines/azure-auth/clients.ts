// Builds a mount's Azure clients from its effective settings, once, and forgets them when the
// config changes: the login verifier (with its cached JWKS), ARM and Graph share one HTTP client
// and one credential, as upstream's per-mount provider does.
import type { Logger, Storage } from "../../logical/index.js";
import { createArmApi } from "./arm.js";
import type { AccessTokenSource, ArmApi, AzureAuthClients, AzureHttp, AzureSettings, GraphApi, TokenVerifier } from "./azure-api.js";
import { createCredential } from "./credential.js";
import { createGraphApi } from "./graph.js";
import { createAzureHttp } from "./http.js";
import { loadSettings } from "./settings.js";
import { createVerifier } from "./verifier.js";

interface Built {
  settings: AzureSettings;
  http: AzureHttp;
  credential: AccessTokenSource;
  verifier: TokenVerifier;
  arm: ArmApi;
  graph: GraphApi;
}

/** Raised when neither config nor environment configure the method; paths answer it with a 4xx. */
export class NotConfiguredError extends Error {
  override readonly name = "NotConfiguredError";
}

export interface AzureAuthClientOptions {
  storage: Storage;
  logger: Logger;
  /** The plugin process's environment (the AZURE_* fallbacks). */
  env: NodeJS.ProcessEnv;
}

export function createAzureAuthClients(options: AzureAuthClientOptions): AzureAuthClients {
  let settings: Promise<AzureSettings | undefined> | undefined;
  let built: Built | undefined;
  // Bumped by reset(), so a build that started before a config change is not kept.
  let generation = 0;

  const currentSettings = (): Promise<AzureSettings | undefined> => {
    if (settings === undefined) {
      const p = loadSettings(options.storage, options.env);
      settings = p;
      p.catch(() => {
        if (settings === p) settings = undefined;
      });
    }
    return settings;
  };

  const build = async (): Promise<Built> => {
    const started = generation;
    const s = await currentSettings();
    if (s === undefined) throw new NotConfiguredError("the Azure auth method is not configured: write tenant_id and resource to config");
    if (built !== undefined && built.settings === s) return built;
    const http = createAzureHttp(s, options.logger);
    const credential = createCredential(s, http, options.env);
    const fresh: Built = {
      settings: s,
      http,
      credential,
      verifier: createVerifier(s, http),
      arm: createArmApi(s, http, credential),
      graph: createGraphApi(s, http, credential),
    };
    if (started === generation) built = fresh;
    return fresh;
  };

  return {
    settings: () => currentSettings(),
    verifier: async () => (await build()).verifier,
    arm: async () => (await build()).arm,
    graph: async () => (await build()).graph,
    reset: () => {
      generation += 1;
      settings = undefined;
      built = undefined;
    },
  };
}
