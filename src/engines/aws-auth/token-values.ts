// Values a login stored with its token, read back at renewal (upstream's getMetadataValue).
import type { Request } from "../../logical/index.js";

/** Internal data first (it must be a string), then metadata (older tokens); undefined in neither. */
export function tokenValue(request: Request, key: string): string | undefined {
  const internal = request.auth?.internalData[key];
  if (internal !== undefined) {
    if (typeof internal !== "string") throw new Error(`unable to fetch ${JSON.stringify(key)} from auth metadata due to type of ${typeof internal}`);
    return internal;
  }
  return request.auth?.metadata[key];
}
