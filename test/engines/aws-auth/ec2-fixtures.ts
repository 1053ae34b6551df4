// An in-process aws auth mount for ec2 login tests: in-memory storage, a settable clock, and AWS
// clients answering from fixture instances and instance profiles instead of EC2/IAM.
import { createHmac } from "node:crypto";
import { defineBackend, emptyTokenParams, type FrameworkBackend } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, newRequest, type Logger, type Request, type Response } from "../../../src/logical/index.js";
import type { AwsAuthClients, Ec2Instance, IamInstanceProfile } from "../../../src/engines/aws-auth/aws-api.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import { certificates } from "../../../src/engines/aws-auth/config-storage.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";
import { blankRole, type AwsAuthRole } from "../../../src/engines/aws-auth/role-model.js";
import { writeRole } from "../../../src/engines/aws-auth/role-storage.js";
import { ec2IdentityDocument, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";

/** How the document is sent: identity + signature, or as `pkcs7` signed with DSA or RSA-2048. */
export type DocumentForm = "identity" | "pkcs7" | "rsa2048";

/** The login parameters carrying `doc`, signed by `signer` in `form`. */
export function signedBody(signer: Ec2IdentitySigner, doc: Doc, form: DocumentForm = "identity"): Record<string, string> {
  const text = ec2IdentityDocument({ ...doc });
  if (form === "pkcs7") return { pkcs7: signer.pkcs7Dsa(text) };
  if (form === "rsa2048") return { pkcs7: signer.pkcs7Rsa2048(text) };
  return { identity: signer.identity(text), signature: signer.signature(text) };
}

/** Registers the signer's certificates as an operator would through config/certificate. */
export async function registerSigner(storage: InmemStorage, signer: Ec2IdentitySigner): Promise<void> {
  await certificates.put(storage, "dsa", { aws_public_cert: signer.certificates.dsa, type: "pkcs7" });
  await certificates.put(storage, "rsa2048", { aws_public_cert: signer.certificates.rsa2048, type: "pkcs7" });
  await certificates.put(storage, "identity", { aws_public_cert: signer.certificates.rsaIdentity, type: "identity" });
}

export const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };
export const HOUR = 3_600_000_000_000n;
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

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
    ...blankRole("11111111-2222-3333-4444-555555555555", "ec2"),
    hmacKey: "hmac-key-of-the-role",
    token: { ...emptyTokenParams(), tokenPolicies: ["dev", "prod"] },
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
  /** The login body for `doc` (identity + signature unless `form` says otherwise). */
  body(doc: Doc, extra?: Record<string, unknown>, form?: DocumentForm): Record<string, unknown>;
  call(operation: Request["operation"], data: Record<string, unknown>, more?: Partial<Request>): Promise<Response | undefined>;
}

export async function newMount(signer: Ec2IdentitySigner, maxLeaseTtl = 48n * HOUR): Promise<Mount> {
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
  await registerSigner(storage, signer);
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
    body: (doc, extra = {}, form = "identity") => ({ ...signedBody(signer, doc, form), ...extra }),
    call: (operation, data, more = {}) =>
      backend.handleRequest(newRequest({ operation, path: "login", storage, data, connection: { remoteAddr: "10.0.0.5", remotePort: 1234, peerCertificates: [] }, ...more })),
  };
}
