// config/rotate-root against a real moto with SigV4 and IAM policies checked: the key in
// config/client is replaced by a new one of the same user, the old one is deleted in IAM, and a
// new key that cannot be stored is deleted again.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { InmemStorage, getJson, type StorageEntry } from "../../../src/logical/index.js";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { createAwsAuthBackend } from "../../../src/engines/aws-auth/index.js";
import { StaticSystemView } from "../../../src/logical/index.js";
import type { FieldSchemas, OperationSpec } from "../../../src/framework/index.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type AwsKeyPair, type MotoServer } from "../../helpers/moto.js";
import { harness, silent } from "./config-harness.js";
import { isolateFromHostAwsConfig } from "../../helpers/aws-env.js";

const USER = "vault-root";
const SELF_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["iam:GetUser", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:ListAccessKeys"], Resource: "*" }],
});

let moto: MotoServer;
let admin: IAMClient;

beforeAll(async () => {
  moto = await startMoto({ sigv4: true });
  admin = new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials, maxAttempts: 1 });
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  admin?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  isolateFromHostAwsConfig();
});
afterEach(() => vi.unstubAllEnvs());

async function vaultUser(): Promise<AwsKeyPair> {
  await admin.send(new CreateUserCommand({ UserName: USER }));
  await admin.send(new PutUserPolicyCommand({ UserName: USER, PolicyName: "self", PolicyDocument: SELF_POLICY }));
  const { AccessKey: key } = await admin.send(new CreateAccessKeyCommand({ UserName: USER }));
  return { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" };
}

async function keysOfUser(): Promise<string[]> {
  const { AccessKeyMetadata: keys } = await admin.send(new ListAccessKeysCommand({ UserName: USER }));
  return (keys ?? []).map((k) => k.AccessKeyId ?? "").sort();
}

/** A storage whose writes of config/client fail while `failing` is set. */
class FlakyStorage extends InmemStorage {
  failing = false;
  override async put(entry: StorageEntry): Promise<void> {
    if (this.failing && entry.key === "config/client") throw new Error("storage unavailable");
    return super.put(entry);
  }
}

function rig(storage = new InmemStorage()) {
  return harness({ storage, clients: createAwsAuthClients({ storage, logger: silent }) });
}

describe("config/rotate-root", () => {
  it("refuses without stored static keys, with upstream's texts", async () => {
    const h = harness();
    expect((await h.request("update", "config/rotate-root"))?.data).toEqual({ error: "can't update client config because it's unset" });
    await h.write("config/client", { endpoint: "http://127.0.0.1:9" });
    expect((await h.request("update", "config/rotate-root"))?.data).toEqual({ error: "can't update access_key because it's unset" });
    await h.write("config/client", { access_key: "AKIA1" });
    expect((await h.request("update", "config/rotate-root"))?.data).toEqual({ error: "can't update secret_key because it's unset" });
  });

  it("replaces the key, keeps the rest of config/client, deletes the old key and flushes the clients", async () => {
    const old = await vaultUser();
    const h = rig();
    await h.write("config/client", { access_key: old.accessKeyId, secret_key: old.secretAccessKey, iam_endpoint: moto.endpoint, sts_endpoint: moto.endpoint, max_retries: 1 });
    const resets = h.resets();
    const reply = await h.request("update", "config/rotate-root");
    const newKey = String(reply?.data?.["access_key"]);
    expect(reply?.data).toEqual({ access_key: newKey });
    expect(newKey).not.toBe(old.accessKeyId);
    expect(h.resets()).toBe(resets + 1);
    expect(await keysOfUser()).toEqual([newKey]);
    const stored = (await getJson(h.storage, "config/client")) as Record<string, unknown>;
    expect(stored).toMatchObject({ access_key: newKey, iam_endpoint: moto.endpoint, sts_endpoint: moto.endpoint, max_retries: 1 });
    expect(stored["secret_key"]).not.toBe(old.secretAccessKey);
    // The new key works: a second rotation signs with it.
    const again = await h.request("update", "config/rotate-root");
    expect(await keysOfUser()).toEqual([String(again?.data?.["access_key"])]);
  });

  it("deletes the new key again when it cannot be stored", async () => {
    const old = await vaultUser();
    const storage = new FlakyStorage();
    const h = rig(storage);
    await h.write("config/client", { access_key: old.accessKeyId, secret_key: old.secretAccessKey, iam_endpoint: moto.endpoint });
    storage.failing = true;
    await expect(h.request("update", "config/rotate-root")).rejects.toThrow("error saving new client config: storage unavailable");
    expect(await keysOfUser()).toEqual([old.accessKeyId]);
    expect(await getJson(storage, "config/client")).toMatchObject({ access_key: old.accessKeyId });
  });

  it("answers AWS refusing the stored key with a 400 naming the step", async () => {
    const h = rig();
    await h.write("config/client", { access_key: "AKIAUNKNOWN000000000", secret_key: "nope", iam_endpoint: moto.endpoint });
    const reply = await h.request("update", "config/rotate-root");
    expect(String(reply?.data?.["error"])).toMatch(/^error calling GetUser: IAM GetUser: InvalidClientTokenId/);
  });

  it("stops before any change when the request is already cancelled", async () => {
    const old = await vaultUser();
    const h = rig();
    await h.write("config/client", { access_key: old.accessKeyId, secret_key: old.secretAccessKey, iam_endpoint: moto.endpoint });
    await expect(h.request("update", "config/rotate-root", undefined, AbortSignal.abort())).rejects.toThrow(/cancelled|aborted/);
    expect(await keysOfUser()).toEqual([old.accessKeyId]);
  });
});

describe("aws auth: operations forwarded to the active node", () => {
  it("marks config/client writes and config/rotate-root", async () => {
    const backend = await createAwsAuthBackend({ storage: new InmemStorage(), system: new StaticSystemView(), logger: silent, backendUuid: "u", config: {} });
    const marked: string[] = [];
    for (const path of backend.spec.paths) {
      for (const [op, declared] of Object.entries(path.operations) as [string, OperationSpec<FieldSchemas> | ((...a: unknown[]) => unknown)][]) {
        if (typeof declared === "function") continue;
        if (declared.forwardPerformanceStandby === true && declared.forwardPerformanceSecondary === true) marked.push(`${path.pattern} ${op}`);
      }
    }
    expect(marked.filter((m) => m.startsWith("config/")).sort()).toEqual(["config/client$ create", "config/client$ update", "config/rotate-root update"]);
  });
});
