// The automated root-rotation fields of config/root (rotation_schedule, rotation_window,
// rotation_period, disable_automated_rotation). They drive Vault Enterprise's
// rotation manager, which neither OpenBao nor Vault CE has. We therefore answer the way a Vault CE
// server answers the builtin engine: the fields are parsed and validated with upstream's rules
// (sdk/helper/automatedrotationutil ParseAutomatedRotationFields, cron syntax of
// robfig/cron v3 with five fields), deregistration is a silent no-op, and any request that would
// register a rotation job is refused with CE's text.
import type { Nanoseconds } from "../../logical/index.js";
import { boundInput, quoteInput } from "../../framework/index.js";
import type { RootRotationSettings } from "./config-root-storage.js";

/** CE's answer to a rotation-job registration, as the CE system view wraps it (twice). */
export const ROTATION_MANAGER_UNSUPPORTED =
  "error registering rotation job: error registering rotation job: rotation manager capabilities not supported in Vault community edition";

/** One rotation field as the request carries it. */
export interface SentValue<T> {
  value: T;
  ok: boolean;
}

/** The four rotation fields of one request; durations in whole seconds. */
export interface RotationFields {
  schedule: SentValue<string>;
  window: SentValue<number>;
  period: SentValue<number>;
  disableAutomated: SentValue<boolean>;
}

const NS_PER_SECOND = 1_000_000_000n;

/**
 * Applies the sent rotation fields to the stored ones, or returns the user error. The checks look
 * at this request's fields only (not the stored ones), exactly as upstream's parser does.
 */
export function applyRotationFields(current: RootRotationSettings, fields: RotationFields): RootRotationSettings | string {
  const next = { ...current };
  const { schedule, window, period } = fields;
  const periodSet = period.ok && period.value !== 0;
  if (schedule.ok) {
    if (periodSet && schedule.value !== "") {
      return "mutually exclusive fields rotation_schedule and rotation_period were both specified; only one of them can be provided";
    }
    next.schedule = schedule.value;
    if (next.schedule !== "") {
      const error = cronScheduleError(next.schedule);
      if (error !== undefined) return `failed to parse provided rotation_schedule: ${error}`;
    }
  }
  if (window.ok) {
    if (periodSet && window.value !== 0) return "rotation_window does not apply to period";
    next.window = BigInt(window.value) * NS_PER_SECOND;
  }
  if (period.ok) next.period = BigInt(period.value) * NS_PER_SECOND;
  if (window.ok && window.value !== 0 && !schedule.ok) return "cannot use rotation_window without rotation_schedule";
  if (fields.disableAutomated.ok) next.disableAutomated = fields.disableAutomated.value;
  return next;
}

/**
 * The error CE gives for these settings, or undefined when it accepts them. Without a schedule
 * or period (or with rotation disabled) upstream deregisters the job, which CE's system view
 * accepts as a no-op; anything else asks for a registration, which CE refuses.
 */
export function rotationManagerError(settings: RootRotationSettings): string | undefined {
  const deregister = settings.disableAutomated || (settings.schedule === "" && settings.period === 0n);
  return deregister ? undefined : ROTATION_MANAGER_UNSUPPORTED;
}

/** Seconds of a stored rotation duration, as upstream's read reports them. */
export const rotationSeconds = (ns: Nanoseconds): number => Number(ns) / 1e9;

// ---- cron: robfig/cron v3 Parser(Minute | Hour | Dom | Month | Dow), messages included ----

interface Bounds {
  min: bigint;
  max: bigint;
  names?: Readonly<Record<string, bigint>>;
}

const MONTH_NAMES = { jan: 1n, feb: 2n, mar: 3n, apr: 4n, may: 5n, jun: 6n, jul: 7n, aug: 8n, sep: 9n, oct: 10n, nov: 11n, dec: 12n };
const DAY_NAMES = { sun: 0n, mon: 1n, tue: 2n, wed: 3n, thu: 4n, fri: 5n, sat: 6n };

// Seconds come first: the parser fills the field it was not configured for with "0".
const FIELD_BOUNDS: readonly Bounds[] = [
  { min: 0n, max: 59n },
  { min: 0n, max: 59n },
  { min: 0n, max: 23n },
  { min: 1n, max: 31n },
  { min: 1n, max: 12n, names: MONTH_NAMES },
  { min: 0n, max: 6n, names: DAY_NAMES },
];

const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi followed by the parser's sign check; a string is the error. */
function parseCronInt(text: string): bigint | string {
  const atoi = (reason: string): string => `failed to parse int from ${boundInput(text)}: strconv.Atoi: parsing ${quoteInput(text)}: ${reason}`;
  if (!/^[+-]?[0-9]+$/.test(text)) return atoi("invalid syntax");
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) return atoi("value out of range");
  if (value < 0n) return `negative number (${value}) not allowed: ${text}`;
  return value;
}

function parseIntOrName(text: string, bounds: Bounds): bigint | string {
  const named = bounds.names?.[text.toLowerCase()];
  return named ?? parseCronInt(text);
}

/** The error for one `low[-high][/step]` expression, or undefined. */
function rangeError(expr: string, bounds: Bounds): string | undefined {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  const low = lowAndHigh[0] ?? "";
  let start: bigint;
  let end: bigint;
  if (low === "*" || low === "?") {
    start = bounds.min;
    end = bounds.max;
  } else {
    const first = parseIntOrName(low, bounds);
    if (typeof first === "string") return first;
    start = first;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const last = parseIntOrName(lowAndHigh[1] ?? "", bounds);
      if (typeof last === "string") return last;
      end = last;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    const parsed = parseCronInt(rangeAndStep[1] ?? "");
    if (typeof parsed === "string") return parsed;
    step = parsed;
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0n) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function isTimeZone(name: string): boolean {
  if (name === "" || name === "UTC" || name === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why robfig/cron would reject a five-field schedule, or undefined when it parses. */
export function cronScheduleError(spec: string): string | undefined {
  let rest = spec;
  if (rest.startsWith("TZ=") || rest.startsWith("CRON_TZ=")) {
    const space = rest.indexOf(" ");
    const zone = rest.slice(rest.indexOf("=") + 1, space === -1 ? undefined : space);
    if (!isTimeZone(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    rest = space === -1 ? "" : rest.slice(space).trim();
  }
  if (rest.startsWith("@")) return `parser does not accept descriptors: ${rest}`;
  const fields = rest.split(/\s+/).filter((item) => item !== "");
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  const all = ["0", ...fields];
  for (const [index, bounds] of FIELD_BOUNDS.entries()) {
    for (const expr of (all[index] ?? "").split(",").filter((item) => item !== "")) {
      const error = rangeError(expr, bounds);
      if (error !== undefined) return error;
    }
  }
  return undefined;
}
