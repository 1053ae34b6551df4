// The login checks of features.md C.3. OWNER: login helper (resource binds: resources helper).
import type { Request, Response } from "../../logical/index.js";
import type { AzureAuthContext } from "./context.js";
import type { LoginData, LoginPurpose } from "./path-login.js";

export function login(_ctx: AzureAuthContext, _request: Request, _data: LoginData, _purpose: LoginPurpose): Promise<Response | undefined> {
  return Promise.reject(new Error("not implemented: login"));
}

export function resolveLoginRole(_ctx: AzureAuthContext, _request: Request, _data: LoginData): Promise<Response | undefined> {
  return Promise.reject(new Error("not implemented: resolve-role"));
}

export function renewLogin(_ctx: AzureAuthContext, _request: Request): Promise<Response | undefined> {
  return Promise.reject(new Error("not implemented: renew"));
}
