// Auth-method replies (≈ the logical.Auth half of Vault's sdk: tokenutil.PopulateTokenAuth,
// framework.LeaseExtend for tokens, backend.go handleAuthRenew, logical's alias-lookahead and
// resolve-role conventions), policyutil's policy-list rules and parseutil's bound-CIDR parsing. Vault turns a login response's
// `auth` into a token; everything here only shapes that response (protocol.md §6.8).
import {
  TOKEN_TYPES,
  emptyLeaseOptions,
  errorResponse,
  type Alias,
  type Auth,
  type Nanoseconds,
  type Request,
  type Response,
} from "../logical/index.js";
import { boundInput } from "./error-text.js";
import type { TokenParams } from "./token-fields.js";

/** A blank `Auth` (Go's zero value): no policies, no lease terms, token type "default". */
export function newAuth(): Auth {
  return {
    lease: emptyLeaseOptions(),
    internalData: {},
    displayName: "",
    policies: [],
    metadata: {},
    period: 0n,
    explicitMaxTtl: 0n,
    numUses: 0,
    boundCidrs: [],
    tokenType: TOKEN_TYPES.default,
    noDefaultPolicy: false,
    groupAliases: [],
    clientToken: "",
    accessor: "",
    entityId: "",
    tokenPolicies: [],
    identityPolicies: [],
  };
}

/**
 * `auth` with a role's token settings applied (≈ PopulateTokenAuth): policies, TTL, max TTL,
 * period, explicit max TTL, use limit, bound CIDRs, token type and no-default-policy, and the
 * token made renewable. Returns a new object; `auth` is not changed.
 */
export function populateAuth(auth: Auth, params: TokenParams): Auth {
  return {
    ...auth,
    lease: { ...auth.lease, ttl: params.tokenTtl, maxTtl: params.tokenMaxTtl, renewable: true },
    boundCidrs: [...params.tokenBoundCidrs],
    explicitMaxTtl: params.tokenExplicitMaxTtl,
    noDefaultPolicy: params.tokenNoDefaultPolicy,
    period: params.tokenPeriod,
    policies: [...params.tokenPolicies],
    tokenType: TOKEN_TYPES[params.tokenType],
    numUses: params.tokenNumUses,
  };
}

/** What a login produces; only `alias` (or at least a display name) is usually needed. */
export interface LoginOptions {
  /** Shown in token lookups and audit logs; Vault prefixes it with the mount path. */
  displayName?: string;
  /** The role's token settings, applied first (policies, TTLs, period, CIDRs, type, …). */
  params?: TokenParams;
  /** Replaces the policies from `params` when given. */
  policies?: string[];
  /** Token metadata, visible in `token lookup`. */
  metadata?: Record<string, string>;
  /** The identity alias: a name, or a full alias with metadata. */
  alias?: string | Alias;
  /** External groups the caller belongs to (names or aliases). */
  groupAliases?: readonly (string | Alias)[];
  /** Stored with the token and handed back on renew (e.g. the role name). */
  internalData?: Record<string, unknown>;
  /** Lease overrides applied after `params`. */
  lease?: { ttl?: Nanoseconds; maxTtl?: Nanoseconds; renewable?: boolean };
  /** Extra response data for the client (not part of the token). */
  data?: Record<string, unknown>;
  warnings?: string[];
}

const toAlias = (alias: string | Alias): Alias => (typeof alias === "string" ? { name: alias } : { ...alias });

/**
 * A login response (`Response.auth`). Without `params` the token is renewable with the mount's
 * TTLs. Throws "missing name in alias" (Vault's own rejection) for an alias without a name, so
 * the mistake shows up in the plugin rather than as a failed login.
 */
export function loginResponse(options: LoginOptions): Response {
  let auth = newAuth();
  auth.lease.renewable = true;
  if (options.params !== undefined) auth = populateAuth(auth, options.params);
  if (options.displayName !== undefined) auth.displayName = options.displayName;
  if (options.policies !== undefined) auth.policies = [...options.policies];
  if (options.metadata !== undefined) auth.metadata = { ...options.metadata };
  if (options.internalData !== undefined) auth.internalData = { ...options.internalData };
  if (options.alias !== undefined) auth.alias = toAlias(options.alias);
  if (options.groupAliases !== undefined) auth.groupAliases = options.groupAliases.map(toAlias);
  for (const alias of [...(auth.alias === undefined ? [] : [auth.alias]), ...auth.groupAliases]) {
    if (alias.name === "") throw new Error("missing name in alias");
  }
  const lease = options.lease ?? {};
  auth.lease = {
    ...auth.lease,
    ...(lease.ttl !== undefined ? { ttl: lease.ttl } : {}),
    ...(lease.maxTtl !== undefined ? { maxTtl: lease.maxTtl } : {}),
    ...(lease.renewable !== undefined ? { renewable: lease.renewable } : {}),
  };
  const response: Response = { auth };
  if (options.data !== undefined) response.data = options.data;
  if (options.warnings !== undefined && options.warnings.length > 0) response.warnings = [...options.warnings];
  return response;
}

/** The terms a token renew grants; Vault's CalculateTTL applies increment and caps. */
export interface AuthRenewTerms {
  ttl: Nanoseconds;
  maxTtl: Nanoseconds;
  /** For periodic tokens: the role's current period (absent keeps the token's). */
  period?: Nanoseconds;
}

/**
 * The reply to a token renew: the request's auth echoed (internal data, policies, metadata…)
 * with new TTL, max TTL and optionally period, as upstream renew handlers build it. Throws
 * "no lease options for request" (upstream's text) when the request carries no auth.
 */
export function authRenewResponse(request: Request, terms: AuthRenewTerms): Response {
  const auth = request.auth;
  if (auth === undefined) throw new Error("no lease options for request");
  return {
    auth: {
      ...auth,
      lease: { ...auth.lease, ttl: terms.ttl, maxTtl: terms.maxTtl },
      ...(terms.period !== undefined ? { period: terms.period } : {}),
    },
  };
}

/**
 * Dispatches a token renew (`operation: "renew"` with `request.auth` set, checked before secret
 * dispatch as upstream does) to the backend's handler. Without one the answer is upstream's error
 * response "this auth type doesn't support renew" (HTTP 400), not an exception.
 */
export async function dispatchAuthRenew(
  renew: ((request: Request) => Promise<Response | undefined>) | undefined,
  request: Request,
): Promise<Response | undefined> {
  if (renew === undefined) return errorResponse("this auth type doesn't support renew");
  return renew(request);
}

/**
 * The reply to `alias-lookahead`: only `auth.alias.name`. `data` is explicitly null because
 * Vault reads `data["error"]` as a string whenever data is non-nil (protocol.md §6.8).
 */
export function aliasLookaheadResponse(aliasName: string): Response {
  return { data: null, auth: { ...newAuth(), alias: { name: aliasName } } };
}

/** The reply to `resolve-role`: `data.role`, which Vault requires to be a string. */
export function resolveRoleResponse(role: string): Response {
  return { data: { role } };
}

/**
 * policyutil.SanitizePolicies: trims and lowercases, drops empty names and duplicates, sorts;
 * a list containing "root" becomes just ["root"]; with `addDefault`, "default" is added unless
 * present (or root).
 */
export function sanitizePolicies(policies: readonly string[], addDefault = false): string[] {
  const names = policies.map((p) => p.trim().toLowerCase());
  if (names.includes("root")) return ["root"];
  if (addDefault && !names.includes("default")) names.push("default");
  return [...new Set(names.filter((n) => n !== ""))].sort();
}

/** policyutil.ParsePolicies: a comma string or a list, sanitised without adding "default". */
export function parsePolicies(raw: string | readonly string[]): string[] {
  if (typeof raw === "string") return raw === "" ? [] : sanitizePolicies(raw.split(","));
  return sanitizePolicies(raw);
}

/**
 * policyutil.EquivalentPolicies: the same set of names, ignoring "default" (Vault core may add it
 * after a backend stored the list). Renew handlers use it to refuse a token whose role changed.
 */
export function equivalentPolicies(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const onlyDefault = (list: readonly string[]): boolean => list.length === 1 && list[0] === "default";
  if (a === undefined && b === undefined) return true;
  if (a === undefined) return b !== undefined && onlyDefault(b);
  if (b === undefined) return onlyDefault(a);
  const set = (list: readonly string[]): string => [...new Set(list.filter((p) => p !== "default"))].sort().join("\u0000");
  return set(a) === set(b);
}

/**
 * parseutil.ParseAddrs restricted to IP addresses and CIDR blocks: each entry is returned in
 * go-sockaddr's canonical text (a /32 or /128 prints as the bare address; host bits are kept).
 * Unlike go-sockaddr, UNIX socket paths and `ip:port` are rejected: neither can bind a token.
 */
export function parseAddrs(addrs: readonly string[]): string[] {
  return addrs.map((addr) => {
    const canonical = canonicalAddr(addr);
    if (canonical === undefined) {
      const q = JSON.stringify(boundInput(addr));
      throw new Error(`error parsing address ${q}: Unable to convert ${q} to an IPv4 or IPv6 address, or a UNIX Socket`);
    }
    return canonical;
  });
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function canonicalAddr(addr: string): string | undefined {
  const slash = addr.indexOf("/");
  const ip = slash === -1 ? addr : addr.slice(0, slash);
  const maskText = slash === -1 ? undefined : addr.slice(slash + 1);
  if (maskText !== undefined && !/^\d{1,3}$/.test(maskText)) return undefined;
  let mask = maskText === undefined ? undefined : Number(maskText);
  if (IPV4.test(ip)) {
    if (mask !== undefined && mask > 32) return undefined;
    return mask === undefined || mask === 32 ? ip : `${ip}/${mask}`;
  }
  if (!ip.includes(":") || ip.includes("%") || ip.includes("[")) return undefined;
  let host: string;
  try {
    // The WHATWG serialiser emits RFC 5952 text, the same as Go's net.IP.String for IPv6.
    host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  if (mask !== undefined && mask > 128) return undefined;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped !== null) {
    // Go treats IPv4-mapped addresses as IPv4, with a /96+n mask becoming /n.
    if (mask !== undefined && mask < 96) return undefined;
    mask = mask === undefined ? undefined : mask - 96;
    const hi = parseInt(mapped[1] ?? "0", 16);
    const lo = parseInt(mapped[2] ?? "0", 16);
    const v4 = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    return mask === undefined || mask === 32 ? v4 : `${v4}/${mask}`;
  }
  return mask === undefined || mask === 128 ? host : `${host}/${mask}`;
}
