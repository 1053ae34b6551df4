import type { Request, Response } from "../logical/index.js";
import type { FieldData, FieldSpecs } from "./field.js";

/** The per-path operations a handler can be declared for. */
export type PathOperation = "read" | "create" | "update" | "delete" | "list";

export type Handler<F extends FieldSpecs> = (request: Request, data: FieldData<F>) => Promise<Response | undefined>;

/** One route of a backend (≈ Vault `framework.Path`). */
export interface PathSpec<F extends FieldSpecs = FieldSpecs> {
  /** Regular expression source, matched against the whole request path. */
  pattern: string;
  fields: F;
  operations: Partial<Record<PathOperation, Handler<F>>>;
  /** Decides create vs update for writes; required when `create` is declared. */
  existenceCheck?: (request: Request, data: FieldData<F>) => Promise<boolean>;
  helpSynopsis: string;
  helpDescription: string;
}

/** Keeps a path's field types attached to its handlers. */
export function definePath<F extends FieldSpecs>(spec: PathSpec<F>): PathSpec<F> {
  return spec;
}
