// Microsoft Graph calls of rotate-root. OWNER: rotate helper.
import type { AccessTokenSource, AzureHttp, AzureSettings, GraphApi } from "./azure-api.js";

export function createGraphApi(_settings: AzureSettings, _http: AzureHttp, _credential: AccessTokenSource): GraphApi {
  const missing = () => Promise.reject(new Error("not implemented: Graph"));
  return { applicationByClientId: missing, addPassword: missing, removePassword: missing };
}
