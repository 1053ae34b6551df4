// An in-process aws auth mount for ec2 login tests: in-memory storage, a settable clock, and AWS
// clients answering from fixture instances and instance profiles instead of EC2/IAM.
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineBackend, emptyLegacyTokenParams, emptyTokenParams, type FrameworkBackend } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, newRequest, type Logger, type Request, type Response } from "../../../src/logical/index.js";
import type { AwsAuthClients, Ec2Instance, IamInstanceProfile } from "../../../src/engines/aws-auth/aws-api.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import { certificates } from "../../../src/engines/aws-auth/config-storage.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";
import type { AwsAuthRole } from "../../../src/engines/aws-auth/role-model.js";
import { writeRole } from "../../../src/engines/aws-auth/role-storage.js";

export const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };
export const HOUR = 3_600_000_000_000n;
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

/** An RSA key and a self-signed certificate for it, as an operator registers with config/certificate type identity. */
export function identitySigner(): { key: KeyObject; certPem: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "ec2-signer-"));
  try {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    execFileSync("sh", ["-c", `cat > ${keyFile}`], { input: privateKey.export({ type: "pkcs8", format: "pem" }) });
    execFileSync("openssl", ["req", "-x509", "-key", keyFile, "-out", certFile, "-subj", "/CN=ec2-login-test", "-days", "2"], { stdio: "ignore" });
    return { key: privateKey, certPem: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Doc {
  instanceId: string;
  imageId: string;
  accountId: string;
  region: string;
  pendingTime: string;
}

export const defaultDoc = (): Doc => ({
  instanceId: "i-0123456789abcdef0",
  imageId: "ami-0abc",
  accountId: ACCOUNT,
  region: REGION,
  pendingTime: "2026-01-01T00:00:00Z",
});

export const defaultInstance = (doc: Doc = defaultDoc()): Ec2Instance => ({
  instanceId: doc.instanceId,
  state: "running",
  imageId: doc.imageId,
  subnetId: "subnet-1",
  vpcId: "vpc-1",
  iamInstanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/path/web-profile`,
  launchTime: new Date("2026-01-01T00:00:00Z"),
  tags: {},
});

export function ec2Role(overrides: Partial<AwsAuthRole> = {}): AwsAuthRole {
  return {
    roleId: "11111111-2222-3333-4444-555555555555",
    authType: "ec2",
    boundAmiIds: [],
    boundAccountIds: [],
    boundEc2InstanceIds: [],
    boundIamPrincipalArns: [],
    boundIamPrincipalIds: [],
    boundIamRoleArns: [],
    boundIamInstanceProfileArns: [],
    boundRegions: [],
    boundSubnetIds: [],
    boundVpcIds: [],
    inferredEntityType: "",
    inferredAwsRegion: "",
    resolveAwsUniqueIds: false,
    roleTag: "",
    allowInstanceMigration: false,
    disallowReauthentication: false,
    hmacKey: "hmac-key-of-the-role",
    version: 3,
    token: { ...emptyTokenParams(), tokenPolicies: ["dev", "prod"] },
    legacy: emptyLegacyTokenParams(),
    ...overrides,
  };
}

/** A role tag value as role/<role>/tag would issue it, signed with `hmacKey`. */
export function roleTagValue(hmacKey: string, t: { role: string; policies?: string[]; instanceId?: string; maxTtlSeconds?: number; disallow?: boolean }): string {
  let value = `v1:AAAAAAAAAAA=:r=${t.role}:d=${String(t.disallow ?? false)}:m=false`;
  if (t.policies !== undefined && t.policies.length > 0) value += `:p=${t.policies.join(",")}`;
  if (t.instanceId !== undefined) value += `:i=${t.instanceId}`;
  if (t.maxTtlSeconds !== undefined) value += `:t=${t.maxTtlSeconds}`;
  return `${value}:${createHmac("sha256", hmacKey).update(value).digest("base64")}`;
}

export interface Mount {
  backend: FrameworkBackend;
  storage: InmemStorage;
  instances: Map<string, Ec2Instance>;
  profiles: Map<string, IamInstanceProfile>;
  ec2Calls: { region: string; accountId: string }[];
  setNow(d: Date): void;
  putRole(name: string, role: AwsAuthRole): Promise<void>;
  /** The login body for `doc`, identity + signature form. */
  body(doc: Doc, extra?: Record<string, unknown>): Record<string, unknown>;
  call(operation: Request["operation"], data: Record<string, unknown>, more?: Partial<Request>): Promise<Response | undefined>;
}

export async function newMount(signer: { key: KeyObject; certPem: string }, maxLeaseTtl = 48n * HOUR): Promise<Mount> {
  const storage = new InmemStorage();
  const instances = new Map<string, Ec2Instance>();
  const profiles = new Map<string, IamInstanceProfile>();
  const ec2Calls: { region: string; accountId: string }[] = [];
  let now = new Date("2026-02-01T00:00:00Z");
  const refuse = (): Promise<never> => Promise.reject(new Error("not used by ec2 login"));
  const clients: AwsAuthClients = {
    ec2: (region, accountId) => {
      ec2Calls.push({ region, accountId });
      return Promise.resolve({ describeInstance: (id) => Promise.resolve(instances.get(id)) });
    },
    iam: () =>
      Promise.resolve({
        getUser: refuse,
        getRole: refuse,
        getInstanceProfile: (name) => {
          const p = profiles.get(name);
          return p === undefined ? Promise.reject(new Error(`NoSuchEntity: instance profile ${name}`)) : Promise.resolve(p);
        },
      }),
    defaultAccountId: () => Promise.resolve(ACCOUNT),
    rootKeyIam: refuse,
    reset: () => undefined,
  };
  const system = new StaticSystemView({ maxLeaseTtl });
  const ctx: AwsAuthContext = { system, logger: silent, clients, storage, now: () => now };
  const backend = defineBackend(awsAuthBackendSpec(ctx), { storage, system, logger: silent, backendUuid: "u", config: {} });
  await certificates.put(storage, "test", { aws_public_cert: signer.certPem, type: "identity" });
  return {
    backend,
    storage,
    instances,
    profiles,
    ec2Calls,
    setNow: (d) => {
      now = d;
    },
    putRole: (name, role) => writeRole(storage, name, role),
    body: (doc, extra = {}) => {
      const identity = Buffer.from(JSON.stringify({ ...doc, architecture: "x86_64", instanceType: "t3.micro" }));
      return { identity: identity.toString("base64"), signature: sign("sha256", identity, signer.key).toString("base64"), ...extra };
    },
    call: (operation, data, more = {}) =>
      backend.handleRequest(newRequest({ operation, path: "login", storage, data, connection: { remoteAddr: "10.0.0.5", remotePort: 1234, peerCertificates: [] }, ...more })),
  };
}
