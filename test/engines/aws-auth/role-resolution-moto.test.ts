// resolve_aws_unique_ids against a real moto through the mount's own clients: users, roles and
// instance profiles resolve to IAM's IDs in the ARN's account (config/sts for other accounts),
// an unknown principal fails the write after the bounded NoSuchEntity retries, a principal that
// appears while the write waits is found, and cancelling the request ends the wait.
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { stsEntries } from "../../../src/engines/aws-auth/config-storage.js";
import type { Storage } from "../../../src/logical/index.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type AwsKeyPair, type MotoServer } from "../../helpers/moto.js";
import { harness, silent } from "./role-harness.js";
import { isolateFromHostAwsConfig } from "../../helpers/aws-env.js";
import { putMotoClientConfig } from "./moto-client-config.js";

const VAULT_ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111122223333";
const CROSS_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/vault-cross-account`;
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto({ sigv4: false });
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  isolateFromHostAwsConfig();
});
afterEach(() => vi.unstubAllEnvs());

function iamAs(credentials: AwsKeyPair & { sessionToken?: string }): IAMClient {
  return new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials });
}

async function assumeInto(roleArn: string): Promise<AwsKeyPair & { sessionToken: string }> {
  const sts = new STSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "setup" }));
  sts.destroy();
  return { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "" };
}

/** A harness whose clients are the real ones, over config/client pointing at moto. */
async function motoHarness() {
  const h = harness({ clients: (storage: Storage) => createAwsAuthClients({ storage, logger: silent }) });
  await putMotoClientConfig(h.storage, moto);
  return h;
}

describe("unique-ID resolution against moto", () => {
  it("resolves users, roles and instance profiles to IAM's IDs; wildcards are not looked up", async () => {
    const iam = iamAs(moto.rootCredentials);
    const user = (await iam.send(new CreateUserCommand({ UserName: "deployer", Path: "/ci/" }))).User;
    const role = (await iam.send(new CreateRoleCommand({ RoleName: "app", AssumeRolePolicyDocument: TRUST }))).Role;
    const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web" }))).InstanceProfile;
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web", RoleName: "app" }));
    iam.destroy();

    const h = await motoHarness();
    const arns = [user?.Arn, role?.Arn, profile?.Arn, `arn:aws:iam::${VAULT_ACCOUNT}:role/app-*`];
    expect(arns[0]).toBe(`arn:aws:iam::${VAULT_ACCOUNT}:user/ci/deployer`);
    expect(await h.write("Mixed", { bound_iam_principal_arn: arns.join(",") })).toBeUndefined();
    expect(await h.read("mixed")).toMatchObject({
      bound_iam_principal_arn: arns,
      bound_iam_principal_id: [user?.UserId, role?.RoleId, profile?.InstanceProfileId],
    });
  });

  it("looks a principal up in its own account, through config/sts", async () => {
    const mine = (await iamAs(moto.rootCredentials).send(new CreateRoleCommand({ RoleName: "app", AssumeRolePolicyDocument: TRUST }))).Role;
    const other = iamAs(await assumeInto(CROSS_ROLE));
    const theirs = (await other.send(new CreateRoleCommand({ RoleName: "app", AssumeRolePolicyDocument: TRUST }))).Role;
    other.destroy();
    const h = await motoHarness();
    await stsEntries.put(h.storage, OTHER_ACCOUNT, { sts_role: CROSS_ROLE });
    await h.write("r", { bound_iam_principal_arn: `arn:aws:iam::${VAULT_ACCOUNT}:role/app,arn:aws:iam::${OTHER_ACCOUNT}:role/app` });
    expect((await h.read("r"))?.["bound_iam_principal_id"]).toEqual([mine?.RoleId, theirs?.RoleId]);
    expect(mine?.RoleId).not.toBe(theirs?.RoleId);
  });

  it("fails the write with upstream's prefix after about ten seconds of NoSuchEntity", async () => {
    const h = await motoHarness();
    const started = Date.now();
    const reply = await h.write("r", { bound_iam_principal_arn: `arn:aws:iam::${VAULT_ACCOUNT}:role/not-yet` });
    expect(String(reply?.data?.["error"])).toMatch(
      new RegExp(`^unable to resolve ARN "arn:aws:iam::${VAULT_ACCOUNT}:role/not-yet" to internal ID: IAM GetRole: NoSuchEntity: .*not-yet.* \\(still not found after 6 attempts over \\d+\\.\\ds\\)$`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    expect(await h.read("r")).toBeUndefined();
  }, 30_000);

  it("finds a role created while the write waits (IAM's eventual consistency)", async () => {
    const h = await motoHarness();
    const creating = new Promise<string | undefined>((resolve, reject) => {
      setTimeout(() => {
        iamAs(moto.rootCredentials)
          .send(new CreateRoleCommand({ RoleName: "fresh", AssumeRolePolicyDocument: TRUST }))
          .then((out) => resolve(out.Role?.RoleId), reject);
      }, 1_500);
    });
    expect(await h.write("r", { bound_iam_principal_arn: `arn:aws:iam::${VAULT_ACCOUNT}:role/fresh` })).toBeUndefined();
    expect((await h.read("r"))?.["bound_iam_principal_id"]).toEqual([await creating]);
  });

  it("stops waiting when the request is cancelled", async () => {
    const h = await motoHarness();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const started = Date.now();
    const reply = await h.write("r", { bound_iam_principal_arn: `arn:aws:iam::${VAULT_ACCOUNT}:role/never` }, controller.signal);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(String(reply?.data?.["error"])).toContain("cancelled");
  });
});
