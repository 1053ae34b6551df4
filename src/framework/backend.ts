// The declarative backend (≈ Vault sdk/framework/backend.go): one request pipeline for every
// engine. Global operations first (renew/revoke → secret dispatch or auth renew; rollback →
// periodic function + WAL sweep), root help, then route → merge body and captures → pick the
// operation → validate fields → handler → warnings about ignored and replaced parameters.
import {
  ReadOnlyError,
  UnsupportedOperationError,
  UnsupportedPathError,
  UserError,
  errorResponse,
  type Backend,
  type BackendConfig,
  type ExistenceResult,
  type Request,
  type Response,
} from "../logical/index.js";
import { createFieldData, unknownFields, validateFields } from "./field-data.js";
import { pathHelp, rootHelp } from "./help.js";
import { openApiDocument } from "./openapi.js";
import { compilePaths, route, type CompiledPath, type RouteMatch } from "./router.js";
import { dispatchSecretOperation, validateSecrets } from "./secret.js";
import type { BackendSpec, FieldData, FieldSchemas, OperationSpec, PathOperation, PathSpec } from "./types.js";
import { multiErrorText } from "./multierror.js";
import { mustForward } from "./replication.js";
import { DEFAULT_WAL_ROLLBACK_MIN_AGE_MS, rollbackWal } from "./wal.js";

/** A built backend: the transport-facing interface plus what tests and tools need. */
export interface FrameworkBackend extends Backend {
  readonly spec: BackendSpec;
  /** The path spec that would serve `path`, if any (≈ framework.Backend.Route). */
  routeOf(path: string): PathSpec<FieldSchemas> | undefined;
}

const PATH_OPERATIONS: ReadonlySet<string> = new Set<PathOperation>([
  "read",
  "list",
  "create",
  "update",
  "patch",
  "delete",
  "alias-lookahead",
  "resolve-role",
]);

function isPathOperation(op: string): op is PathOperation {
  return PATH_OPERATIONS.has(op);
}

/** The declared operation in its long form (a bare handler has no properties). */
function operationOf(path: CompiledPath, op: PathOperation): OperationSpec<FieldSchemas> | undefined {
  const declared = path.spec.operations[op];
  if (declared === undefined) return undefined;
  return typeof declared === "function" ? { handler: declared } : declared;
}

/** Body and captures merged, captures winning; with the parameters to warn about. */
function mergeInput(match: RouteMatch, request: Request): { raw: Record<string, unknown>; ignored: string[]; replaced: string[] } {
  const raw: Record<string, unknown> = { ...(request.data ?? {}) };
  const ignored =
    match.path.spec.takesArbitraryInput === true ? [] : unknownFields(match.path.spec.fields, request.data ?? {});
  const replaced: string[] = [];
  for (const [name, value] of Object.entries(match.captures)) {
    if (raw[name] !== undefined && raw[name] !== null) replaced.push(name);
    raw[name] = value;
  }
  return { raw, ignored, replaced };
}

function addWarnings(response: Response, ignored: string[], replaced: string[]): Response {
  const warnings = [...(response.warnings ?? [])];
  // Go prints string slices as [a b c].
  if (ignored.length > 0) warnings.push(`Endpoint ignored these unrecognized parameters: [${[...ignored].sort().join(" ")}]`);
  if (replaced.length > 0) {
    warnings.push(`Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [${replaced.join(" ")}]`);
  }
  return warnings.length === 0 ? response : { ...response, warnings };
}

/**
 * Validates the declaration (patterns compile, create has an existence check, captures are
 * declared fields) and returns the backend. Throws DeclarationError on a mistake, so an engine
 * with a broken path fails at start-up.
 */
export function defineBackend(spec: BackendSpec, config: BackendConfig): FrameworkBackend {
  const paths = compilePaths(spec.paths);
  validateSecrets(spec.secrets ?? []);

  const vaultVersion = async (): Promise<string> => {
    try {
      return (await config.system.pluginEnv()).vaultVersion || "unknown";
    } catch {
      return "unknown";
    }
  };

  const helpResponse = async (request: Request, path: CompiledPath | undefined): Promise<Response> => {
    const prefix = typeof request.data?.["requestResponsePrefix"] === "string" ? request.data["requestResponsePrefix"] : "";
    const openapi = openApiDocument(spec, {
      requestResponsePrefix: prefix,
      vaultVersion: await vaultVersion(),
      ...(path === undefined ? {} : { only: path.spec }),
    });
    const help = path === undefined ? rootHelp(spec) : pathHelp(path.spec, request.path);
    return { data: { help, see_also: null, openapi } };
  };

  // ≈ handleRollback: the periodic function, then the WAL sweep; a failure of either is reported,
  // and the sweep's error response (if any) is the reply.
  const rollback = async (request: Request): Promise<Response | undefined> => {
    const failures: string[] = [];
    if (spec.periodic !== undefined) {
      try {
        await spec.periodic(request);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    let response: Response | undefined;
    if (spec.walRollback !== undefined) {
      const sweep = await rollbackWal(request.storage, spec.walRollback, request, spec.walRollbackMinAgeMs ?? DEFAULT_WAL_ROLLBACK_MIN_AGE_MS);
      if (sweep.errors.length > 0) config.logger.warn("WAL rollback failed", { errors: sweep.errors.join("; ") });
      response = sweep.response;
    }
    if (failures.length > 0) throw new Error(multiErrorText(failures));
    return response;
  };

  const renewOrRevoke = async (request: Request): Promise<Response | undefined> => {
    if (request.operation === "renew" && request.auth !== undefined) {
      if (spec.authRenew === undefined) return errorResponse("this auth type doesn't support renew");
      return spec.authRenew(request);
    }
    return dispatchSecretOperation(spec.secrets ?? [], request);
  };

  const fieldDataFor = (match: RouteMatch, raw: Record<string, unknown>): FieldData<FieldSchemas> =>
    createFieldData(match.path.spec.fields, raw);

  return {
    spec,
    type: spec.type,
    routeOf: (path) => route(paths, path)?.path.spec,
    specialPaths: () => spec.specialPaths ?? {},
    initialize: (storage) => spec.initialize?.(storage) ?? Promise.resolve(),
    invalidateKey: (key) => spec.invalidate?.(key) ?? Promise.resolve(),
    cleanup: () => spec.clean?.() ?? Promise.resolve(),

    async handleRequest(request: Request): Promise<Response | undefined> {
      // A call the host already gave up on does nothing at all.
      request.signal?.throwIfAborted();
      // Operations that belong to the backend, not to a path.
      if (request.operation === "renew" || request.operation === "revoke") return renewOrRevoke(request);
      if (request.operation === "rollback") return rollback(request);
      if (request.path === "" && request.operation === "help") return helpResponse(request, undefined);

      const match = route(paths, request.path);
      if (match === undefined) throw new UnsupportedPathError();
      const { raw, ignored, replaced } = mergeInput(match, request);

      if (request.operation === "help") return helpResponse(request, match.path);
      const operation = isPathOperation(request.operation) ? operationOf(match.path, request.operation) : undefined;
      if (operation === undefined) throw new UnsupportedOperationError();
      // Before validation and the handler, as upstream: nothing may happen here that the
      // forwarded request will do again on the active node.
      if (await mustForward(config.system, operation)) throw new ReadOnlyError();

      const validation = validateFields(match.path.spec.fields, raw);
      if (!validation.ok) return errorResponse(`Field validation failed: ${validation.message}`);

      const response = await operation.handler(request, fieldDataFor(match, raw));
      return response === undefined ? undefined : addWarnings(response, ignored, replaced);
    },

    async handleExistenceCheck(request: Request): Promise<ExistenceResult> {
      if (request.operation !== "create" && request.operation !== "update") {
        throw new Error(`incorrect operation type ${request.operation} for an existence check`);
      }
      const match = route(paths, request.path);
      if (match === undefined) throw new UnsupportedPathError();
      const check = match.path.spec.existenceCheck;
      if (check === undefined) return { found: false, exists: false };
      const { raw } = mergeInput(match, request);
      const validation = validateFields(match.path.spec.fields, raw);
      if (!validation.ok) throw new UserError(validation.message);
      return { found: true, exists: await check(request, fieldDataFor(match, raw)) };
    },
  };
}
