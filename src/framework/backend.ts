// The declarative backend: routes a request to the first path whose pattern matches, picks the
// operation's handler, and answers the operations Vault sends to every backend (help, rollback,
// renew, revoke). ≈ Vault sdk/framework/backend.go, reduced to what the tracer path needs.
import {
  UnsupportedOperationError,
  UnsupportedPathError,
  type Backend,
  type BackendConfig,
  type BackendType,
  type ExistenceResult,
  type Request,
  type Response,
  type SpecialPaths,
  type Storage,
} from "../logical/index.js";
import { FieldData, type FieldSpecs } from "./field.js";
import type { PathOperation, PathSpec } from "./path.js";

export interface BackendSpec {
  type: BackendType;
  /** Root help text (`vault path-help <mount>`). */
  help: string;
  // Each path keeps its own field types; the list only needs the common shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: handlers take narrower FieldData
  paths: PathSpec<any>[];
  specialPaths?: SpecialPaths;
  initialize?: (storage: Storage) => Promise<void>;
  invalidate?: (key: string) => Promise<void>;
  clean?: () => Promise<void>;
}

interface CompiledPath {
  regex: RegExp;
  spec: PathSpec<FieldSpecs>;
}

const PATH_OPERATIONS = new Set<string>(["read", "create", "update", "delete", "list"]);

function isPathOperation(op: string): op is PathOperation {
  return PATH_OPERATIONS.has(op);
}

/** Validates the declaration and returns a backend; mistakes fail at start-up, not per request. */
export function defineBackend(spec: BackendSpec, config: BackendConfig): Backend {
  const compiled: CompiledPath[] = spec.paths.map((path: PathSpec<FieldSpecs>) => {
    if (path.operations.create !== undefined && path.existenceCheck === undefined) {
      throw new Error(`path ${path.pattern}: a create operation needs an existence check`);
    }
    return { regex: new RegExp(`^(?:${path.pattern})$`), spec: path };
  });
  void config;

  const route = (path: string): CompiledPath | undefined => compiled.find((c) => c.regex.test(path));

  const fieldData = (path: CompiledPath, request: Request): FieldData<FieldSpecs> => {
    const captures = path.regex.exec(request.path)?.groups ?? {};
    return new FieldData(path.spec.fields, { ...(request.data ?? {}), ...captures });
  };

  const help = (request: Request): Response => {
    const path = request.path === "" ? undefined : route(request.path);
    if (path === undefined) return { data: { help: spec.help, see_also: null } };
    const fields = Object.entries(path.spec.fields)
      .map(([name, field]) => `    ${name} (${field.type})\n        ${field.description}`)
      .join("\n\n");
    const text = `Request:        ${request.path}\nMatching Route: ^${path.spec.pattern}$\n\n${path.spec.helpSynopsis.trim()}\n\n## PARAMETERS\n\n${fields}\n\n## DESCRIPTION\n\n${path.spec.helpDescription.trim()}`;
    return { data: { help: text, see_also: null } };
  };

  return {
    type: spec.type,
    specialPaths: () => spec.specialPaths ?? {},
    initialize: (storage) => spec.initialize?.(storage) ?? Promise.resolve(),
    invalidateKey: (key) => spec.invalidate?.(key) ?? Promise.resolve(),
    cleanup: () => spec.clean?.() ?? Promise.resolve(),

    async handleRequest(request: Request): Promise<Response | undefined> {
      if (request.operation === "help") return help(request);
      if (!isPathOperation(request.operation)) throw new UnsupportedOperationError();
      const path = route(request.path);
      if (path === undefined) throw new UnsupportedPathError();
      const handler = path.spec.operations[request.operation];
      if (handler === undefined) throw new UnsupportedOperationError();
      return handler(request, fieldData(path, request));
    },

    async handleExistenceCheck(request: Request): Promise<ExistenceResult> {
      const path = route(request.path);
      const check = path?.spec.existenceCheck;
      if (path === undefined || check === undefined) return { found: false, exists: false };
      return { found: true, exists: await check(request, fieldData(path, request)) };
    },
  };
}
