// ec2 login against a real moto: a real instance (RunInstances) with its real AMI, subnet, VPC,
// instance profile and tags; the mount's real clients from config/client; the identity document
// signed by a key whose certificate is registered as config/certificate type identity.
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { defineBackend } from "../../../src/framework/index.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { accessList } from "../../../src/engines/aws-auth/list-storage.js";
import { writeRole } from "../../../src/engines/aws-auth/role-storage.js";
import { InmemStorage, StaticSystemView, newRequest, type Request, type Response } from "../../../src/logical/index.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../../helpers/moto.js";
import { ec2IdentitySigner, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";
import { ACCOUNT, ec2Role, registerSigner, roleTagValue, signedBody, silent, type Doc, type DocumentForm } from "./ec2-fixtures.js";
import { isolateFromHostAwsConfig } from "../../helpers/aws-env.js";
import { putMotoClientConfig } from "./moto-client-config.js";

let moto: MotoServer;
let signer: Ec2IdentitySigner;
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

beforeAll(async () => {
  signer = await ec2IdentitySigner();
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

interface RealInstance {
  instanceId: string;
  imageId: string;
  subnetId: string;
  vpcId: string;
  profileArn: string;
  roleArn: string;
}

async function launch(tags: Record<string, string> = {}): Promise<RealInstance> {
  const iam = new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  const { Role: role } = await iam.send(new CreateRoleCommand({ RoleName: "web-role", AssumeRolePolicyDocument: TRUST }));
  const { InstanceProfile: profile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile", Path: "/apps/" }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web-role" }));
  iam.destroy();
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Arn: profile?.Arn ?? "" },
      ...(Object.keys(tags).length > 0 && { TagSpecifications: [{ ResourceType: "instance", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] }),
    }),
  );
  ec2.destroy();
  const i = run.Instances?.[0];
  return {
    instanceId: i?.InstanceId ?? "",
    imageId: i?.ImageId ?? "",
    subnetId: i?.SubnetId ?? "",
    vpcId: i?.VpcId ?? "",
    profileArn: profile?.Arn ?? "",
    roleArn: role?.Arn ?? "",
  };
}

async function stop(instanceId: string): Promise<void> {
  const ec2 = new EC2Client({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  ec2.destroy();
}

async function mount() {
  const storage = new InmemStorage();
  await putMotoClientConfig(storage, moto, { sts_region: "" });
  await registerSigner(storage, signer);
  const system = new StaticSystemView();
  const clients = createAwsAuthClients({ storage, logger: silent });
  const backend = defineBackend(awsAuthBackendSpec({ system, logger: silent, clients, storage, now: () => new Date() }), { storage, system, logger: silent, backendUuid: "u", config: {} });
  const call = (operation: Request["operation"], data: Record<string, unknown>, more: Partial<Request> = {}): Promise<Response | undefined> =>
    backend.handleRequest(newRequest({ operation, path: "login", storage, data, connection: { remoteAddr: "127.0.0.1", remotePort: 1, peerCertificates: [] }, ...more }));
  return { storage, call };
}

function body(doc: Doc, extra: Record<string, unknown> = {}, form: DocumentForm = "identity"): Record<string, unknown> {
  return { ...signedBody(signer, doc, form), ...extra };
}

const docOf = (i: RealInstance): Doc => ({ instanceId: i.instanceId, imageId: i.imageId, accountId: ACCOUNT, region: "us-east-1", pendingTime: "2026-01-01T00:00:00Z" });
const errorOf = (r: Response | undefined): unknown => (r?.data as { error?: unknown } | undefined)?.error;

describe("ec2 login against moto", () => {
  it("logs a real running instance in with every bind, then renews", async () => {
    const i = await launch();
    const m = await mount();
    await writeRole(
      m.storage,
      "web",
      ec2Role({
        boundEc2InstanceIds: [i.instanceId],
        boundAccountIds: [ACCOUNT],
        boundAmiIds: [i.imageId],
        boundSubnetIds: [i.subnetId],
        boundVpcIds: [i.vpcId],
        boundRegions: ["us-east-1"],
        boundIamInstanceProfileArns: [i.profileArn],
        boundIamRoleArns: [`${i.roleArn.slice(0, -4)}*`],
      }),
    );
    const resp = await m.call("update", body(docOf(i), { role: "web" }, "pkcs7"));
    expect(errorOf(resp)).toBeUndefined();
    expect(resp?.auth?.internalData).toEqual({ instance_id: i.instanceId, region: "us-east-1", account_id: ACCOUNT });
    const renewed = await m.call("renew", {}, { auth: resp?.auth });
    expect(renewed?.auth?.internalData).toEqual(resp?.auth?.internalData);

    await stop(i.instanceId);
    expect(errorOf(await m.call("update", body(docOf(i), { role: "web", nonce: resp?.auth?.metadata["nonce"] })))).toBe(
      "failed to verify instance ID: instance is not in 'running' state",
    );
    await expect(m.call("renew", {}, { auth: resp?.auth })).rejects.toThrow(/instance is not in 'running' state/);
  });

  it("names the failing bind against real subnet, VPC and IAM role", async () => {
    const i = await launch();
    const m = await mount();
    await writeRole(m.storage, "subnet", ec2Role({ boundSubnetIds: ["subnet-00000000"] }));
    await writeRole(m.storage, "vpc", ec2Role({ boundVpcIds: ["vpc-00000000"] }));
    await writeRole(m.storage, "iamrole", ec2Role({ boundIamRoleArns: [`arn:aws:iam::${ACCOUNT}:role/other`] }));
    expect(errorOf(await m.call("update", body(docOf(i), { role: "subnet" })))).toBe(`Error validating instance: subnet ID "${i.subnetId}" does not satisfy the constraint on role "subnet"`);
    expect(errorOf(await m.call("update", body(docOf(i), { role: "vpc" })))).toBe(`Error validating instance: VPC ID "${i.vpcId}" does not satisfy the constraint on role "vpc"`);
    expect(errorOf(await m.call("update", body(docOf(i), { role: "iamrole" })))).toBe(`Error validating instance: IAM role ARN "${i.roleArn}" does not satisfy the constraint role "iamrole"`);
  });

  it("refuses an instance ID EC2 does not know", async () => {
    const i = await launch();
    const m = await mount();
    await writeRole(m.storage, "web", ec2Role());
    const doc = { ...docOf(i), instanceId: "i-00000000000000000" };
    expect(errorOf(await m.call("update", body(doc, { role: "web" })))).toBe(
      `failed to verify instance ID: no instance with ID "i-00000000000000000" found in region "us-east-1" of account "${ACCOUNT}"`,
    );
    expect(await accessList.get(m.storage, "i-00000000000000000")).toBeUndefined();
  });

  it("reads the role tag from the real instance's tags", async () => {
    const role = ec2Role({ roleTag: "VaultRole" });
    const i = await launch({ VaultRole: roleTagValue(role.hmacKey, { role: "web", policies: ["dev"], maxTtlSeconds: 600 }) });
    const m = await mount();
    await writeRole(m.storage, "web", role);
    const resp = await m.call("update", body(docOf(i), { role: "web" }));
    expect(errorOf(resp)).toBeUndefined();
    expect(resp?.auth?.policies).toEqual(["dev"]);
    expect(resp?.auth?.metadata["role_tag_max_ttl"]).toBe("10m0s");
  });
});
