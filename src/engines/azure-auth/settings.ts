// The effective settings: stored config, then the AZURE_* environment variables for what config
// leaves empty (config wins since upstream v0.24), then the defaults. OWNER: config helper.
import type { Storage } from "../../logical/index.js";
import type { AzureSettings } from "./azure-api.js";

export function loadSettings(_storage: Storage, _env: NodeJS.ProcessEnv): Promise<AzureSettings | undefined> {
  return Promise.reject(new Error("not implemented: loadSettings"));
}
