// The engine-independent fuzzer: request steps generated from a backend's declarations (every
// path, every shape of its pattern, every declared field, the declared operations and some that
// are not), run against a fresh backend per case, each answer checked (checks.ts), and after every
// accepted write a read of the same path and a list of every list path, with storage checked
// against upstream's layouts. An engine plugs in with a FuzzProfile.
import fc from "fast-check";
import type { FieldSchema, FieldSchemas, FrameworkBackend, PathSpec } from "../../../src/framework/index.js";
import { isErrorResponse, LogicalError, newRequest, type InmemStorage, type Operation, type Response, type Secret } from "../../../src/logical/index.js";
import { errorTextProblem, faultOf, responseProblem, storageEntryProblem, type StorageLayout } from "./checks.js";
import { captureTricks, hostileFieldValue, hostileString, hostileValue, plausibleValue } from "./inputs.js";
import { captureRegExp, fillShape, pathShapes, shapeText, type PathShape } from "./path-shapes.js";

export interface FuzzInstance {
  backend: FrameworkBackend;
  storage: InmemStorage;
}

export interface FuzzProfile {
  name: string;
  /** A fresh backend over fakes and an in-memory storage. */
  create(): Promise<FuzzInstance>;
  /**
   * Requests run at the start of every case (checked like any other), so that reads and issuance
   * meet existing state and not only 404s; e.g. one valid role per credential type.
   */
  preamble?: readonly { operation: Operation; path: string; data?: Record<string, unknown> }[];
  /** Capture values shared by all paths, so a role written under one path is used by another. */
  names: readonly string[];
  /** Plausible values by field name, to get writes past validation (every field is fuzzed anyway). */
  hints?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Whole plausible bodies by path pattern, for paths whose fields only work together (a login's
   * signed request): half the bodies of such a path start from one of them.
   */
  bodies?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** Relative weights of paths by pattern (default 4), for paths with deep logic behind one field set. */
  weights?: Readonly<Record<string, number>>;
  /** Upstream's JSON layout of every storage prefix the engine owns. */
  layouts: readonly StorageLayout[];
  /** Error texts about a problem no field names. */
  problems?: readonly RegExp[];
  /**
   * The secrets a stored entry holds (a secret key, an HMAC key): no answer may contain them.
   * Values shorter than MIN_SECRET_LENGTH are ignored (a fuzzed "1" is in every other answer).
   */
  secretsOf?: (key: string, stored: Readonly<Record<string, unknown>>) => readonly string[];
}

/** Shorter stored secrets are not looked for in answers. */
export const MIN_SECRET_LENGTH = 12;

/** What a step does: a path operation ("write" is Vault's create-or-update), or lease work. */
export type PathVerb = "read" | "list" | "write" | "delete" | "patch";
const VERBS: readonly PathVerb[] = ["read", "list", "write", "delete", "patch"];

export type Step =
  | { kind: "path"; path: number; shape: PathShape; captures: Record<string, string>; verb: PathVerb; data: Record<string, unknown> }
  | { kind: "rollback" }
  | { kind: "lease"; operation: "renew" | "revoke"; pick: number };

function verbsOf(spec: PathSpec<FieldSchemas>): PathVerb[] {
  const ops = spec.operations;
  const declared = new Set<PathVerb>();
  if (ops.read !== undefined) declared.add("read");
  if (ops.list !== undefined) declared.add("list");
  if (ops.create !== undefined || ops.update !== undefined) declared.add("write");
  if (ops.delete !== undefined) declared.add("delete");
  if (ops.patch !== undefined) declared.add("patch");
  return [...declared];
}

function captureArbitrary(regex: string, names: readonly string[]): fc.Arbitrary<string> {
  const pattern = captureRegExp(regex);
  const linked = names.filter((name) => pattern.test(name));
  return fc.oneof(
    ...(linked.length === 0 ? [] : [{ weight: 6, arbitrary: fc.constantFrom(...linked) }]),
    { weight: 2, arbitrary: fc.stringMatching(pattern, { size: "small" }) },
    { weight: 2, arbitrary: fc.constantFrom(...captureTricks) },
    { weight: 1, arbitrary: hostileString },
  );
}

function pathStep(profile: FuzzProfile, spec: PathSpec<FieldSchemas>, index: number): fc.Arbitrary<Step> {
  const shapes = pathShapes(spec);
  const declared = verbsOf(spec);
  const undeclared = VERBS.filter((v) => !declared.includes(v));
  const verb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...declared) },
    ...(undeclared.length === 0 ? [] : [{ weight: 1, arbitrary: fc.constantFrom(...undeclared) }]),
  );
  // A body is a few plausible fields (so writes get accepted and read back) with none, one or a
  // few hostile ones on top, and now and then a parameter the path does not declare.
  const names = Object.keys(spec.fields);
  const pick = (count: number, value: (name: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> =>
    names.length === 0
      ? fc.constant({})
      : fc.subarray(names, { maxLength: Math.min(count, names.length) }).chain((chosen) => fc.tuple(...chosen.map(value)).map((values) => Object.fromEntries(chosen.map((n, i) => [n, values[i]]))));
  const schema = (name: string): FieldSchema => spec.fields[name] as FieldSchema;
  const bodies = profile.bodies?.[spec.pattern] ?? [];
  const base: fc.Arbitrary<Record<string, unknown>> = bodies.length === 0 ? fc.constant({}) : fc.oneof(fc.constant({}), fc.constantFrom(...bodies));
  const data = fc
    .tuple(
      base,
      pick(5, (name) => plausibleValue(schema(name), profile.hints?.[name] ?? [])),
      fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: pick(3, (name) => hostileFieldValue(schema(name))) }),
      fc.option(fc.dictionary(hostileString, hostileValue, { maxKeys: 2 }), { freq: 6 }),
    )
    .map(([whole, plausible, hostile, extra]) => ({ ...(extra ?? {}), ...whole, ...plausible, ...hostile }));
  return fc.constantFrom(...shapes).chain((shape) =>
    fc.record({
      kind: fc.constant("path" as const),
      path: fc.constant(index),
      shape: fc.constant(shape),
      captures: fc.record(Object.fromEntries(shape.captures.map((c) => [c.name, captureArbitrary(c.regex, profile.names)]))),
      verb,
      data,
    }),
  );
}

/** Steps over every path of the backend, plus periodic rollbacks and renew/revoke of issued leases. */
export function stepArbitrary(profile: FuzzProfile, backend: FrameworkBackend): fc.Arbitrary<Step> {
  const paths = backend.spec.paths as PathSpec<FieldSchemas>[];
  return fc.oneof(
    ...paths.map((spec, i) => ({ weight: profile.weights?.[spec.pattern] ?? 4, arbitrary: pathStep(profile, spec, i) })),
    { weight: 1, arbitrary: fc.constant<Step>({ kind: "rollback" }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("lease" as const), operation: fc.constantFrom("renew" as const, "revoke" as const), pick: fc.nat() }) },
  );
}

/** What the run saw, to prove every declared field and operation was exercised. */
export class Coverage {
  readonly fieldsSent = new Map<string, Set<string>>();
  readonly verbsRun = new Map<string, Set<string>>();
  readonly acceptedWrites = new Map<string, number>();
  /** Answers by kind: "ok", "error: <text start>", "thrown <kind>". */
  readonly answers = new Map<string, number>();
  requests = 0;

  answered(kind: string): void {
    this.answers.set(kind, (this.answers.get(kind) ?? 0) + 1);
  }

  #add(map: Map<string, Set<string>>, key: string, item: string): void {
    let set = map.get(key);
    if (set === undefined) map.set(key, (set = new Set()));
    set.add(item);
  }

  sent(pattern: string, fields: Iterable<string>): void {
    for (const name of fields) this.#add(this.fieldsSent, pattern, name);
  }

  ran(pattern: string, verb: string): void {
    this.#add(this.verbsRun, pattern, verb);
  }

  accepted(pattern: string): void {
    this.acceptedWrites.set(pattern, (this.acceptedWrites.get(pattern) ?? 0) + 1);
  }

  /** Declared fields and operations never exercised, as readable lines. */
  gaps(backend: FrameworkBackend): string[] {
    const gaps: string[] = [];
    for (const spec of backend.spec.paths as PathSpec<FieldSchemas>[]) {
      for (const name of Object.keys(spec.fields)) {
        if (this.fieldsSent.get(spec.pattern)?.has(name) !== true) gaps.push(`${spec.pattern}: field ${name} never sent`);
      }
      for (const verb of verbsOf(spec)) {
        if (this.verbsRun.get(spec.pattern)?.has(verb) !== true) gaps.push(`${spec.pattern}: ${verb} never run`);
      }
    }
    return gaps;
  }
}

/** A failed property, with the steps that led to it. */
export class FuzzFailure extends Error {
  override readonly name = "FuzzFailure";
}

async function snapshot(storage: InmemStorage): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (prefix: string): Promise<void> => {
    for (const child of await storage.list(prefix)) {
      if (child.endsWith("/")) await walk(prefix + child);
      else {
        const entry = await storage.get(prefix + child);
        if (entry !== undefined) entries.set(prefix + child, Buffer.from(entry.value).toString("latin1"));
      }
    }
  };
  await walk("");
  return entries;
}

function sameEntries(a: Map<string, string>, b: Map<string, string>, ignore: (key: string) => boolean): boolean {
  const keys = new Set([...a.keys(), ...b.keys()].filter((k) => !ignore(k)));
  for (const key of keys) if (a.get(key) !== b.get(key)) return false;
  return true;
}

/** Runs one case: a fresh backend, the steps in order, every property checked after each. */
export class FuzzSession {
  readonly log: string[] = [];
  readonly #leases: Secret[] = [];
  readonly #paths: PathSpec<FieldSchemas>[];
  /** Secrets held in storage now or before, with where they are stored. */
  readonly #secrets = new Map<string, string>();

  private constructor(
    private readonly profile: FuzzProfile,
    private readonly instance: FuzzInstance,
    private readonly coverage: Coverage,
  ) {
    this.#paths = instance.backend.spec.paths as PathSpec<FieldSchemas>[];
  }

  static async start(profile: FuzzProfile, coverage: Coverage): Promise<FuzzSession> {
    const instance = await profile.create();
    await instance.backend.initialize(instance.storage);
    const session = new FuzzSession(profile, instance, coverage);
    for (const { operation, path, data } of profile.preamble ?? []) {
      const what = `preamble ${operation} ${path}`;
      session.log.push(what);
      const outcome = await session.#call(operation, path, data === undefined ? {} : { data });
      await session.#checkStorage(what);
      if (!session.#check(what, outcome, undefined, data)) session.#fail(`${what}: refused`);
    }
    return session;
  }

  #fail(problem: string): never {
    throw new FuzzFailure(`${problem}\n--- steps of this case ---\n${this.log.join("\n")}`);
  }

  async #call(operation: Operation, path: string, extra: Partial<Parameters<typeof newRequest>[0]> = {}): Promise<{ response?: Response; thrown?: unknown }> {
    this.coverage.requests += 1;
    try {
      const response = await this.instance.backend.handleRequest(newRequest({ operation, path, storage: this.instance.storage, displayName: "fuzz", ...extra }));
      return response === undefined ? {} : { response };
    } catch (thrown) {
      return { thrown };
    }
  }

  /** Checks one answer; true when it is an accepted (non-error) answer. */
  #check(what: string, outcome: { response?: Response; thrown?: unknown }, spec: PathSpec<FieldSchemas> | undefined, input: unknown): boolean {
    this.coverage.answered(
      "thrown" in outcome
        ? `thrown ${outcome.thrown instanceof LogicalError ? outcome.thrown.kind : "other"}`
        : isErrorResponse(outcome.response)
          ? `error: ${String(outcome.response?.data?.["error"]).slice(0, 70)}`
          : "ok",
    );
    const textContext = {
      // The path's own fields first; an answer may also name a field of the path it depends on
      // (creds/x refusing what roles/x holds), so every declared field of the backend counts.
      fieldNames: [...new Set([...(spec === undefined ? [] : Object.keys(spec.fields)), ...this.#paths.flatMap((p) => Object.keys(p.fields))])],
      // The path (with its captures) is input too: a role named "NaN" may be echoed.
      inputText: `${what} ${JSON.stringify(input) ?? ""}`,
      problems: this.profile.problems ?? [],
    };
    if ("thrown" in outcome) {
      const fault = faultOf(outcome.thrown);
      if (fault !== undefined) this.#fail(`${what}: ${fault}`);
      // Vault shows a raised user error's text as it shows an error response's.
      if (outcome.thrown instanceof LogicalError && outcome.thrown.kind === "user") {
        const textProblem = errorTextProblem(outcome.thrown.message, textContext);
        if (textProblem !== undefined) this.#fail(`${what}: raised ${textProblem}`);
      }
      return false;
    }
    const problem = responseProblem(outcome.response);
    if (problem !== undefined) this.#fail(`${what}: reply not decodable: ${problem}`);
    const leaked = this.#leakedSecret(outcome.response, input);
    if (leaked !== undefined) this.#fail(`${what}: the answer shows the secret stored in ${leaked}: ${JSON.stringify(outcome.response?.data)?.slice(0, 500)}`);
    if (isErrorResponse(outcome.response)) {
      const textProblem = errorTextProblem(outcome.response?.data?.["error"], textContext);
      if (textProblem !== undefined) this.#fail(`${what}: ${textProblem}`);
      return false;
    }
    return true;
  }

  /** Where a secret the answer contains is stored, unless the request itself carried it. */
  #leakedSecret(response: Response | undefined, input: unknown): string | undefined {
    if (response === undefined || this.#secrets.size === 0) return undefined;
    const text = JSON.stringify({ data: response.data ?? null, warnings: response.warnings ?? [] });
    const sent = JSON.stringify(input) ?? "";
    for (const [secret, key] of this.#secrets) if (text.includes(secret) && !sent.includes(secret)) return key;
    return undefined;
  }

  #learnSecrets(entries: Map<string, string>): void {
    const secretsOf = this.profile.secretsOf;
    if (secretsOf === undefined) return;
    for (const [key, latin1] of entries) {
      let stored: unknown;
      try {
        stored = JSON.parse(Buffer.from(latin1, "latin1").toString("utf8"));
      } catch {
        continue;
      }
      if (typeof stored !== "object" || stored === null || Array.isArray(stored)) continue;
      for (const secret of secretsOf(key, stored as Record<string, unknown>)) if (secret.length >= MIN_SECRET_LENGTH) this.#secrets.set(secret, key);
    }
  }

  async #checkStorage(what: string): Promise<Map<string, string>> {
    const entries = await snapshot(this.instance.storage);
    for (const [key, latin1] of entries) {
      const problem = storageEntryProblem(key, Buffer.from(latin1, "latin1"), this.profile.layouts);
      if (problem !== undefined) this.#fail(`${what}: storage ${problem}`);
    }
    this.#learnSecrets(entries);
    return entries;
  }

  /** Reads every other path the same captures address (static-creds/x after static-roles/x, …). */
  async #readRelated(what: string, captures: Readonly<Record<string, string>>): Promise<void> {
    for (const spec of this.#paths) {
      if (spec.operations.read === undefined) continue;
      for (const shape of pathShapes(spec)) {
        if (shape.captures.length === 0 || !shape.captures.every((c) => Object.hasOwn(captures, c.name))) continue;
        const path = fillShape(shape, captures);
        // Only a well-formed error or answer is asked of these: they may be reads of nothing, or
        // issue credentials for a role the write just made unusable.
        this.#check(`${what}, then READ ${path}`, await this.#call("read", path), spec, {});
      }
    }
    await this.#checkStorage(what);
  }

  async #listEverything(what: string): Promise<void> {
    for (const spec of this.#paths) {
      if (spec.operations.list === undefined) continue;
      for (const shape of pathShapes(spec)) {
        if (shape.captures.length > 0) continue;
        const path = fillShape(shape, {});
        const outcome = await this.#call("list", path);
        if (!this.#check(`${what}, then LIST ${path}`, outcome, spec, {})) this.#fail(`${what}, then LIST ${path}: refused after an accepted write`);
      }
    }
  }

  async run(step: Step): Promise<void> {
    switch (step.kind) {
      case "rollback": {
        this.log.push("ROLLBACK");
        this.#check("ROLLBACK", await this.#call("rollback", ""), undefined, {});
        await this.#checkStorage("ROLLBACK");
        return;
      }
      case "lease": {
        const secret = this.#leases.length === 0 ? undefined : this.#leases[step.pick % this.#leases.length];
        if (secret === undefined) return;
        this.log.push(`${step.operation.toUpperCase()} lease #${step.pick % this.#leases.length}`);
        this.#check(step.operation, await this.#call(step.operation, "", { secret }), undefined, {});
        await this.#checkStorage(step.operation);
        return;
      }
      case "path":
        await this.#runPath(step);
        return;
    }
  }

  /** One request given by hand (a fixed scenario), checked like a generated one; its answer. */
  async request(verb: PathVerb, path: string, data: Record<string, unknown> = {}): Promise<Response | undefined> {
    const spec = this.instance.backend.routeOf(path);
    const index = spec === undefined ? -1 : this.#paths.indexOf(spec);
    if (index === -1) throw new Error(`fuzz: no path serves ${path}`);
    return this.#runPath({ kind: "path", path: index, shape: { parts: [{ literal: path }], captures: [] }, captures: {}, verb, data });
  }

  async #runPath(step: Extract<Step, { kind: "path" }>): Promise<Response | undefined> {
    const spec = this.#paths[step.path];
    if (spec === undefined) throw new Error(`no path ${step.path}`);
    const path = fillShape(step.shape, step.captures);
    const what = `${step.verb.toUpperCase()} ${JSON.stringify(path)} (${shapeText(step.shape)}) ${JSON.stringify(step.data)?.slice(0, 2000)}`;
    this.log.push(what);
    this.coverage.ran(spec.pattern, step.verb);
    this.coverage.sent(spec.pattern, Object.keys(step.data).filter((k) => Object.hasOwn(spec.fields, k)));
    const before = await snapshot(this.instance.storage);

    let operation: Operation = step.verb === "write" ? "update" : step.verb;
    if (step.verb === "write") {
      // As Vault's router: a path with an existence check decides between create and update.
      let exists: { found: boolean; exists: boolean } | undefined;
      try {
        exists = await this.instance.backend.handleExistenceCheck(newRequest({ operation: "update", path, storage: this.instance.storage, data: step.data }));
      } catch (thrown) {
        // A field that does not parse fails the existence check with a user error, as in Vault's
        // framework (HandleExistenceCheck returns errutil.UserError). Vault's HTTP layer answers
        // that with a 500 for Vault's own engines too; the text names the field.
        const upstreamsOwn = thrown instanceof LogicalError && thrown.kind === "user" && /^error converting input for field /.test(thrown.message);
        const fault = upstreamsOwn ? undefined : faultOf(thrown);
        if (fault !== undefined) this.#fail(`${what}: existence check: ${fault}`);
        return undefined;
      }
      if (exists.found && !exists.exists) operation = "create";
    }
    const outcome = await this.#call(operation, path, { data: step.data });
    // Storage first, so a secret this very request stored is known when its answer is checked.
    const after = await this.#checkStorage(what);
    const accepted = this.#check(what, outcome, spec, step.data);
    if (outcome.response?.secret !== undefined) this.#leases.push(outcome.response.secret);

    // Whatever a request left in storage — accepted or not: a request that fails halfway, after
    // AWS acted, may keep what it did, as upstream's rotate-root does — must read back.
    const changed = !sameEntries(before, after, (key) => key.startsWith("wal/"));
    if (accepted && (step.verb === "write" || step.verb === "patch" || step.verb === "delete")) this.coverage.accepted(spec.pattern);
    if (!changed) return outcome.response;
    if (spec.operations.read !== undefined) {
      const read = await this.#call("read", path);
      if (!this.#check(`${what}, then READ`, read, spec, {})) this.#fail(`${what}, then READ: refused after storage changed`);
    }
    await this.#readRelated(what, step.captures);
    await this.#listEverything(what);
    return outcome.response;
  }
}
