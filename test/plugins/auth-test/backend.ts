// A deliberately small auth method, built only for tests, that exercises the framework's auth
// plumbing end to end through a real server: a role stores a password and Vault's token_*
// settings; `login` returns an Auth with policies, metadata and an alias; renew re-applies the
// role's current TTLs. Not shipped: it lives under test/.
import {
  aliasLookaheadResponse,
  authRenewResponse,
  defineBackend,
  definePath,
  field,
  genericNameRegex,
  jsonCollection,
  loginResponse,
  parseTokenFields,
  resolveRoleResponse,
  tokenParamsFromStorage,
  tokenParamsResponseData,
  tokenParamsToStorage,
  withTokenFields,
  type FieldData,
  type FrameworkBackend,
} from "../../../src/framework/index.js";
import { errorResponse, listResponse, PermissionDeniedError, type BackendConfig, type Request, type Response } from "../../../src/logical/index.js";

interface StoredRole {
  password: string;
  token: Record<string, unknown>;
}

function isStoredRole(value: unknown): StoredRole {
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v["password"] === "string" && typeof v["token"] === "object" && v["token"] !== null) {
      return { password: v["password"], token: v["token"] as Record<string, unknown> };
    }
  }
  throw new Error("malformed role entry");
}

const roles = jsonCollection("role/", isStoredRole);

const roleFields = withTokenFields({
  name: field.string({ description: "Name of the role." }),
  password: field.string({ description: "Password for login.", displayAttrs: { sensitive: true } }),
});

const loginFields = {
  role: field.string({ description: "Role to log in with." }),
  password: field.string({ description: "The role's password.", displayAttrs: { sensitive: true } }),
};

async function writeRole(request: Request, data: FieldData<typeof roleFields>): Promise<Response | undefined> {
  const existing = await roles.get(request.storage, data.get("name"));
  const parsed = parseTokenFields(data, existing === undefined ? {} : { existing: tokenParamsFromStorage(existing.token) });
  if (!parsed.ok) return errorResponse(parsed.error);
  const password = data.getOk("password").ok ? data.get("password") : (existing?.password ?? "");
  if (password === "") return errorResponse("missing password");
  await roles.put(request.storage, data.get("name"), { password, token: tokenParamsToStorage(parsed.params) });
  return undefined;
}

async function readRole(request: Request, data: FieldData<typeof roleFields>): Promise<Response | undefined> {
  const role = await roles.get(request.storage, data.get("name"));
  return role === undefined ? undefined : { data: tokenParamsResponseData(tokenParamsFromStorage(role.token)) };
}

async function login(request: Request, data: FieldData<typeof loginFields>): Promise<Response | undefined> {
  const name = data.get("role");
  const role = await roles.get(request.storage, name);
  if (role === undefined || role.password !== data.get("password")) throw new PermissionDeniedError();
  return loginResponse({
    displayName: name,
    params: tokenParamsFromStorage(role.token),
    metadata: { role: name, method: "auth-test" },
    alias: { name, metadata: { role: name } },
    internalData: { role: name },
  });
}

async function renew(request: Request): Promise<Response | undefined> {
  const name = request.auth?.internalData["role"];
  if (typeof name !== "string") return errorResponse("token has no role");
  const role = await roles.get(request.storage, name);
  if (role === undefined) return errorResponse(`role ${JSON.stringify(name)} no longer exists`);
  const params = tokenParamsFromStorage(role.token);
  return authRenewResponse(request, { ttl: params.tokenTtl, maxTtl: params.tokenMaxTtl, period: params.tokenPeriod });
}

export function createAuthTestBackend(config: BackendConfig): Promise<FrameworkBackend> {
  return Promise.resolve(
    defineBackend(
      {
        type: "credential",
        help: "A test-only auth method: roles with a password and token settings.",
        specialPaths: { unauthenticated: ["login"] },
        authRenew: renew,
        paths: [
          definePath({
            pattern: "role/?",
            fields: {},
            operations: { list: async (req) => listResponse(await roles.list(req.storage)) },
            helpSynopsis: "List roles.",
            helpDescription: "Lists the names of all roles.",
          }),
          definePath({
            pattern: `role/${genericNameRegex("name")}`,
            fields: roleFields,
            existenceCheck: async (req, data) => (await roles.get(req.storage, data.get("name"))) !== undefined,
            operations: {
              read: readRole,
              create: writeRole,
              update: writeRole,
              delete: async (req, data) => {
                await roles.delete(req.storage, data.get("name"));
                return undefined;
              },
            },
            helpSynopsis: "Manage a role.",
            helpDescription: "A role has a password and the settings of the tokens it issues.",
          }),
          definePath({
            pattern: "login",
            fields: loginFields,
            operations: {
              update: login,
              "alias-lookahead": (_req, data) => Promise.resolve(aliasLookaheadResponse(data.get("role"))),
              "resolve-role": (_req, data) => Promise.resolve(resolveRoleResponse(data.get("role"))),
            },
            helpSynopsis: "Log in with a role and its password.",
            helpDescription: "Returns a token carrying the role's policies.",
          }),
        ],
      },
      config,
    ),
  );
}
