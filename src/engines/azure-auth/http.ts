// One HTTP client per mount for every Azure call. OWNER: config helper.
import type { Logger } from "../../logical/index.js";
import type { AzureHttp, AzureSettings } from "./azure-api.js";

export function createAzureHttp(_settings: AzureSettings, _logger: Logger): AzureHttp {
  return { request: () => Promise.reject(new Error("not implemented: AzureHttp")) };
}
