// The AWS auth method's clients against a real moto: Vault's own account through GetCallerIdentity,
// other accounts through config/sts AssumeRole (moto resolves the account of each request from
// the access key signing it), and the CVE-2025-11621 regression: a same-named role in a second
// account must resolve to that account's role, never to the one cached for the first.
import { CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, IAMClient } from "@aws-sdk/client-iam";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsApiError } from "../../../src/aws/errors.js";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { clientConfigFromStorage, clientConfigEntry, stsEntries } from "../../../src/engines/aws-auth/config-storage.js";
import { regionForPartition } from "../../../src/engines/aws-auth/partition-regions.js";
import { InmemStorage, type Logger } from "../../../src/logical/index.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type AwsKeyPair, type MotoServer } from "../../helpers/moto.js";
import { isolateFromHostAwsConfig } from "../../helpers/aws-env.js";
import { putMotoClientConfig } from "./moto-client-config.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

const VAULT_ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const UNTRUSTED_ACCOUNT = "999988887777";
const CROSS_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/vault-cross-account`;
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

let moto: MotoServer;
let otherAccountKeys: AwsKeyPair & { sessionToken: string };

async function assumeInto(roleArn: string): Promise<AwsKeyPair & { sessionToken: string }> {
  const sts = new STSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "setup" }));
  sts.destroy();
  return { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "" };
}

beforeAll(async () => {
  moto = await startMoto({ sigv4: false });
  otherAccountKeys = await assumeInto(CROSS_ROLE);
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  otherAccountKeys = await assumeInto(CROSS_ROLE);
  isolateFromHostAwsConfig();
});
afterEach(() => vi.unstubAllEnvs());

function iamAs(credentials: AwsKeyPair & { sessionToken?: string }): IAMClient {
  return new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
}

async function createRole(credentials: AwsKeyPair & { sessionToken?: string }, name: string): Promise<{ arn: string; id: string }> {
  const iam = iamAs(credentials);
  const { Role: role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST, Tags: [{ Key: "team", Value: name }] }));
  iam.destroy();
  return { arn: role?.Arn ?? "", id: role?.RoleId ?? "" };
}

/** A mount's storage with config/client pointing every service at moto. */
async function configuredStorage(over: Record<string, unknown> = {}): Promise<InmemStorage> {
  const storage = new InmemStorage();
  await putMotoClientConfig(storage, moto, over);
  return storage;
}

describe("AWS auth clients against moto", () => {
  it("learns Vault's own account once through GetCallerIdentity", async () => {
    const clients = createAwsAuthClients({ storage: await configuredStorage(), logger: silent });
    expect(await clients.defaultAccountId()).toBe(VAULT_ACCOUNT);
  });

  it("resolves a same-named role in each account to that account's role (CVE-2025-11621)", async () => {
    const mine = await createRole(moto.rootCredentials, "app");
    const theirs = await createRole(otherAccountKeys, "app");
    expect(theirs.arn).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role/app`);
    expect(theirs.id).not.toBe(mine.id);

    const storage = await configuredStorage();
    await stsEntries.put(storage, OTHER_ACCOUNT, { sts_role: CROSS_ROLE, external_id: "ext-1" });
    for (const order of [[VAULT_ACCOUNT, OTHER_ACCOUNT], [OTHER_ACCOUNT, VAULT_ACCOUNT]]) {
      const clients = createAwsAuthClients({ storage, logger: silent });
      for (const account of order) {
        const role = await (await clients.iam("us-east-1", account)).getRole("app");
        expect(role.uniqueId).toBe(account === VAULT_ACCOUNT ? mine.id : theirs.id);
        expect(role.arn).toBe(`arn:aws:iam::${account}:role/app`);
        expect(role.tags).toEqual({ team: "app" });
      }
      // The cached clients keep answering for their own account.
      expect((await (await clients.iam("us-east-1", OTHER_ACCOUNT)).getRole("app")).uniqueId).toBe(theirs.id);
      expect((await (await clients.iam("us-east-1", VAULT_ACCOUNT)).getRole("app")).uniqueId).toBe(mine.id);
    }
  });

  it("refuses an account that is neither Vault's own nor in config/sts, with upstream's texts", async () => {
    await createRole(moto.rootCredentials, "app");
    const clients = createAwsAuthClients({ storage: await configuredStorage(), logger: silent });
    // Before the default account is known, the build learns it and refuses the mismatch.
    await expect(clients.iam("us-east-1", UNTRUSTED_ACCOUNT)).rejects.toThrow(
      `unable to fetch client for account ID "${UNTRUSTED_ACCOUNT}" -- default client is for account "${VAULT_ACCOUNT}"`,
    );
    // Once it is known, the account is refused before any client is built.
    await expect(clients.ec2("us-east-1", UNTRUSTED_ACCOUNT)).rejects.toThrow(`no STS configuration found for account ID "${UNTRUSTED_ACCOUNT}"`);
    await expect(clients.iam("us-east-1", UNTRUSTED_ACCOUNT)).rejects.toMatchObject({ kind: "user" });
    // Vault's own account still works.
    expect((await (await clients.iam("us-east-1", VAULT_ACCOUNT)).getRole("app")).arn).toContain(VAULT_ACCOUNT);
  });

  it("describes an instance in the account it runs in, with its tags", async () => {
    const ec2 = new EC2Client({ region: "us-west-2", endpoint: moto.endpoint, credentials: otherAccountKeys });
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-12c6146b",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "VaultRole", Value: "web" }] }],
      }),
    );
    ec2.destroy();
    const instanceId = run.Instances?.[0]?.InstanceId ?? "";
    const storage = await configuredStorage();
    await stsEntries.put(storage, OTHER_ACCOUNT, { sts_role: CROSS_ROLE });
    const clients = createAwsAuthClients({ storage, logger: silent });

    const instance = await (await clients.ec2("us-west-2", OTHER_ACCOUNT)).describeInstance(instanceId);
    expect(instance).toMatchObject({ instanceId, state: "running", imageId: "ami-12c6146b", tags: { VaultRole: "web" } });
    expect(instance?.subnetId).not.toBe("");
    // Vault's own account does not have that instance.
    expect(await (await clients.ec2("us-west-2", VAULT_ACCOUNT)).describeInstance(instanceId)).toBeUndefined();
  });

  it("passes the request's signal to every call", async () => {
    const clients = createAwsAuthClients({ storage: await configuredStorage(), logger: silent });
    const controller = new AbortController();
    const iam = await clients.iam("us-east-1", VAULT_ACCOUNT, controller.signal);
    controller.abort();
    const err = await iam.getRole("app").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsApiError);
    expect((err as AwsApiError).failure).toBe("cancelled");
    // A request that is gone does not wait for a client build either.
    await expect(clients.ec2("us-east-1", VAULT_ACCOUNT, controller.signal)).rejects.toMatchObject({ failure: "cancelled" });
  });

  it("classifies an AWS refusal (unknown role) as a user error naming the call", async () => {
    const clients = createAwsAuthClients({ storage: await configuredStorage(), logger: silent });
    const err = await (await clients.iam("us-east-1", VAULT_ACCOUNT)).getRole("missing").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "user", failure: "not_found" });
    expect((err as Error).message).toMatch(/^IAM GetRole: NoSuchEntity/);
  });

  it("forgets the default account and clients on reset()", async () => {
    const storage = await configuredStorage();
    const clients = createAwsAuthClients({ storage, logger: silent });
    expect(await clients.defaultAccountId()).toBe(VAULT_ACCOUNT);
    const first = await clients.iam("us-east-1", VAULT_ACCOUNT);
    expect(await clients.iam("us-east-1", VAULT_ACCOUNT)).toBe(first);
    // Vault's credentials now belong to the other account: after reset() that is the default.
    await clientConfigEntry.put(
      storage,
      clientConfigFromStorage({ access_key: otherAccountKeys.accessKeyId, secret_key: otherAccountKeys.secretAccessKey, sts_endpoint: moto.endpoint, iam_endpoint: moto.endpoint }),
    );
    clients.reset();
    const second = await clients.iam("us-east-1", VAULT_ACCOUNT).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Error);
  });

  it("rotates with config/client's static keys (rootKeyIam)", async () => {
    const admin = iamAs(moto.rootCredentials);
    await admin.send(new CreateUserCommand({ UserName: "vault-root" }));
    const { AccessKey: key } = await admin.send(new CreateAccessKeyCommand({ UserName: "vault-root" }));
    admin.destroy();
    const storage = await configuredStorage({ access_key: key?.AccessKeyId, secret_key: key?.SecretAccessKey });
    const clients = createAwsAuthClients({ storage, logger: silent });
    const root = await clients.rootKeyIam();
    expect(await root.currentUserName()).toBe("vault-root");
    const created = await root.createAccessKey("vault-root");
    expect(created.accessKeyId).toMatch(/^AKIA/);
    await root.deleteAccessKey("vault-root", created.accessKeyId);
    await expect(root.deleteAccessKey("vault-root", created.accessKeyId)).rejects.toMatchObject({ failure: "not_found" });
    await expect(createAwsAuthClients({ storage: new InmemStorage(), logger: silent }).rootKeyIam()).rejects.toMatchObject({ kind: "user" });
  });
});

describe("regionForPartition", () => {
  it("maps each partition to a region serving its IAM", () => {
    expect(regionForPartition("aws")).toBe("us-east-1");
    expect(regionForPartition("aws-us-gov")).toBe("us-gov-west-1");
    expect(regionForPartition("aws-cn")).toBe("cn-north-1");
    expect(regionForPartition("aws-iso-f")).toBeUndefined();
    expect(regionForPartition("toString")).toBeUndefined();
  });
});
