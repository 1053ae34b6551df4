// Typed access to the pinned Python tools of scripts/lib/tools.mjs that the tests run directly
// (moto has its own wrapper in moto.ts). Loaded with a computed specifier like moto.ts does.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface ToolsLib {
  ensureHvacPython: () => Promise<string>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tools = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts", "lib", "tools.mjs")).href)) as ToolsLib;

/** Python of the pinned hvac venv (installed on first use, ~10 s); HVAC_PYTHON overrides. */
export const ensureHvacPython = tools.ensureHvacPython;
