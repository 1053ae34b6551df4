// The plugin's own Azure credential (client secret, AKS federated token, managed identity). OWNER: config helper.
import type { AccessTokenSource, AzureHttp, AzureSettings } from "./azure-api.js";

export function createCredential(_settings: AzureSettings, _http: AzureHttp, _env: NodeJS.ProcessEnv): AccessTokenSource {
  return { token: () => Promise.reject(new Error("not implemented: credential")) };
}
