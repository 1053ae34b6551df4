// Which operations a standby (and a performance secondary) hands to the active node: upstream's
// marks (Vault 1.21.4 builtin/logical/aws), plus creds on standbys (openbao/openbao-plugins#74).
import { describe, expect, it } from "vitest";
import { createAwsSecretsBackend } from "../../../src/engines/aws-secrets/index.js";
import type { OperationSpec, FieldSchemas, PathOperation } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, type Logger } from "../../../src/logical/index.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

type Marks = Record<string, string>; // "<pattern> <op>" → "standby" | "standby+secondary"

async function marks(): Promise<Marks> {
  const backend = await createAwsSecretsBackend({ storage: new InmemStorage(), system: new StaticSystemView(), logger: silent, backendUuid: "u", config: {} });
  const out: Marks = {};
  for (const path of backend.spec.paths) {
    for (const [op, declared] of Object.entries(path.operations) as [PathOperation, OperationSpec<FieldSchemas> | ((...a: unknown[]) => unknown)][]) {
      if (typeof declared === "function") continue;
      const flags = [declared.forwardPerformanceStandby === true ? "standby" : "", declared.forwardPerformanceSecondary === true ? "secondary" : ""].filter(Boolean);
      if (flags.length > 0) out[`${path.pattern} ${op}`] = flags.join("+");
    }
  }
  return out;
}

describe("aws secrets: operations forwarded to the active node", () => {
  it("marks exactly upstream's writes, and credential issuance on standbys", async () => {
    const got = await marks();
    const byPrefix = (prefix: string) => Object.entries(got).filter(([k]) => k.startsWith(prefix));
    expect(byPrefix("config/root ").map(([k, v]) => `${k.split(" ")[1]}=${v}`).sort()).toEqual(["create=standby+secondary", "update=standby+secondary"]);
    expect(byPrefix("config/rotate-root ").map(([k, v]) => `${k.split(" ")[1]}=${v}`)).toEqual(["update=standby+secondary"]);
    expect(byPrefix("static-roles/").map(([k, v]) => `${k.split(" ")[1]}=${v}`).sort()).toEqual(["delete=standby+secondary", "update=standby+secondary"]);
    expect(byPrefix("(creds|sts)/").map(([k, v]) => `${k.split(" ")[1]}=${v}`).sort()).toEqual(["read=standby", "update=standby"]);
    expect(Object.keys(got)).toHaveLength(7);
  });
});
