// iam login, its alias lookahead, resolve-role and token renewal. Filled in by the iam login work;
// until then every call answers that the method is not available yet.
import { errorResponse, type Request, type Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import type { LoginData, LoginPurpose } from "./path-login.js";

const UNAVAILABLE = "iam login is not available in this build";

export function iamLogin(_ctx: AwsAuthContext, _request: Request, _data: LoginData, _purpose: LoginPurpose): Promise<Response | undefined> {
  return Promise.resolve(errorResponse(UNAVAILABLE));
}

export function iamResolveRole(_ctx: AwsAuthContext, _request: Request, _data: LoginData): Promise<Response | undefined> {
  return Promise.resolve(errorResponse(UNAVAILABLE));
}

export function renewIam(_ctx: AwsAuthContext, _request: Request): Promise<Response | undefined> {
  return Promise.resolve(errorResponse(UNAVAILABLE));
}
