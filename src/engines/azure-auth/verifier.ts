// Login-token verification against the tenant's OIDC discovery and JWKS. OWNER: login helper.
import type { AzureHttp, AzureSettings, TokenVerifier } from "./azure-api.js";

export function createVerifier(_settings: AzureSettings, _http: AzureHttp): TokenVerifier {
  return { verify: () => Promise.reject(new Error("not implemented: verifier")) };
}
