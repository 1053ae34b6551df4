// Azure Resource Manager calls of a login. OWNER: resources helper.
import type { AccessTokenSource, ArmApi, AzureHttp, AzureSettings } from "./azure-api.js";

export function createArmApi(_settings: AzureSettings, _http: AzureHttp, _credential: AccessTokenSource): ArmApi {
  const missing = () => Promise.reject(new Error("not implemented: ARM"));
  return {
    getVirtualMachine: missing,
    getVirtualMachineScaleSet: missing,
    getUserAssignedIdentity: missing,
    listUserAssignedIdentities: missing,
    getResourceById: missing,
  };
}
