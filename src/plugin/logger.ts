// hclog-shaped JSON lines on stderr: go-plugin forwards each line into Vault's log with its level
// (protocol.md §2.2). The timestamp must use Go's layout with exactly six fractional digits or the
// host treats the whole line as plain text.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

const LEVEL_ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

function isLogLevel(value: string): value is LogLevel {
  return value in LEVEL_ORDER;
}

/** `2006-01-02T15:04:05.000000Z07:00` in UTC. */
export function goTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2006-01-02T15:04:05.000Z
  return `${iso.slice(0, 23)}000Z`;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(line);
};

export class HclogLogger {
  constructor(
    private readonly name: string = "",
    private readonly minLevel: LogLevel = levelFromEnv(),
    private readonly sink: LogSink = stderrSink,
  ) {}

  named(name: string): HclogLogger {
    return new HclogLogger(this.name === "" ? name : `${this.name}.${name}`, this.minLevel, this.sink);
  }

  trace(message: string, fields?: Record<string, unknown>): void {
    this.log("trace", message, fields);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log("debug", message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.log("info", message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.log("warn", message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.log("error", message, fields);
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.minLevel]) return;
    const line: Record<string, unknown> = {
      "@level": level,
      "@message": message,
      "@timestamp": goTimestamp(new Date()),
    };
    if (this.name !== "") line["@module"] = this.name;
    for (const [key, value] of Object.entries(fields)) {
      line[key] = value instanceof Error ? value.message : typeof value === "bigint" ? value.toString() : value;
    }
    this.sink(`${JSON.stringify(line)}\n`);
  }
}

/** `VNP_LOG_LEVEL` (trace…error) lowers or raises the default `info`. */
function levelFromEnv(): LogLevel {
  const value = (process.env["VNP_LOG_LEVEL"] ?? "info").toLowerCase();
  return isLogLevel(value) ? value : "info";
}
