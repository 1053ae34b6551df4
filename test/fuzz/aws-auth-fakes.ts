// In-process AWS for fuzzing the AWS auth method: EC2, IAM and the default account as
// AwsAuthClients over a few fixed users, roles, instance profiles and one instance, and an STS
// that answers forwarded GetCallerIdentity requests by the access key they were signed with.
// iam login forwards to STS over HTTP (the configured or a regional endpoint, real hosts
// included): while installed, every outgoing node:http(s) request of the process goes to the
// local fake STS instead, so no fuzz input ever reaches the network.
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { AwsApiError } from "../../src/aws/errors.js";
import type { AwsAuthClients, Ec2Instance, IamApi, IamInstanceProfile, IamPrincipal } from "../../src/engines/aws-auth/aws-api.js";
import { UserError, type Storage } from "../../src/logical/index.js";

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "210987654321";
export const REGION = "us-east-1";
export const INSTANCE_ID = "i-0123456789abcdef0";
export const AMI = "ami-0fuzz";
export const INSTANCE_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/web-profile`;
export const WEB_ROLE = `arn:aws:iam::${ACCOUNT}:role/web-role`;
export const DEPLOY_USER = `arn:aws:iam::${ACCOUNT}:user/deploy`;

/** Access key IDs the fake STS knows, and whom they belong to. */
export const CALLERS: Readonly<Record<string, { arn: string; userId: string }>> = {
  AKIAFUZZDEPLOY: { arn: DEPLOY_USER, userId: "AIDAFUZZDEPLOY" },
  ASIAFUZZINSTANCE: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/web-role/${INSTANCE_ID}`, userId: `AROAFUZZWEBROLE:${INSTANCE_ID}` },
  AKIAFUZZOTHER: { arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/stranger`, userId: "AIDAFUZZSTRANGER" },
};

export const instance: Ec2Instance = {
  instanceId: INSTANCE_ID,
  state: "running",
  imageId: AMI,
  subnetId: "subnet-0fuzz",
  vpcId: "vpc-0fuzz",
  iamInstanceProfileArn: INSTANCE_PROFILE,
  launchTime: new Date("2026-01-01T00:00:00Z"),
  tags: { Name: "fuzz" },
  privateDnsName: "ip-10-0-0-10.ec2.internal",
};

const principals: Record<"user" | "role", Map<string, IamPrincipal>> = {
  user: new Map<string, IamPrincipal>([
    ["deploy", { arn: DEPLOY_USER, uniqueId: "AIDAFUZZDEPLOY", tags: { team: "fuzz" } }],
    ["ops.team", { arn: `arn:aws:iam::${ACCOUNT}:user/path/ops.team`, uniqueId: "AIDAFUZZOPS", tags: {} }],
  ]),
  role: new Map<string, IamPrincipal>([["web-role", { arn: WEB_ROLE, uniqueId: "AROAFUZZWEBROLE", tags: { team: "web" } }]]),
};

const profiles = new Map<string, IamInstanceProfile>([
  ["web-profile", { arn: INSTANCE_PROFILE, instanceProfileId: "AIPAFUZZWEB", roles: [{ arn: WEB_ROLE, roleId: "AROAFUZZWEBROLE" }] }],
]);

const IAM_NAME = /^[\w+=,.@-]{1,128}$/;

/**
 * IAM's answer for a name: a known principal, a synthesised one for any other valid name (IAM
 * answering NoSuchEntity would make the engine wait ≈10 s for eventual consistency, too slow for
 * a fuzz run), IAM's ValidationError for a name IAM could not hold.
 */
function lookUp(kind: "user" | "role", name: string, account: string): IamPrincipal {
  const action = kind === "user" ? "IAM GetUser" : "IAM GetRole";
  if (!IAM_NAME.test(name)) throw new AwsApiError("user", `${action}: ValidationError: The specified value for ${kind}Name is invalid`, "ValidationError", action, 400);
  const known = account === ACCOUNT ? principals[kind].get(name) : undefined;
  if (known !== undefined) return known;
  const id = createHash("sha256").update(`${account}/${kind}/${name}`).digest("hex").slice(0, 16).toUpperCase();
  return { arn: `arn:aws:iam::${account}:${kind}/${name}`, uniqueId: `${kind === "user" ? "AIDA" : "AROA"}${id}`, tags: {} };
}

function iamOf(account: string): IamApi {
  return {
    getUser: (name) => Promise.resolve().then(() => lookUp("user", name, account)),
    getRole: (name) => Promise.resolve().then(() => lookUp("role", name, account)),
    getInstanceProfile: (name) =>
      Promise.resolve().then(() => {
        const profile = account === ACCOUNT ? profiles.get(name) : undefined;
        if (profile === undefined) throw new AwsApiError("user", `IAM GetInstanceProfile: AccessDenied: not allowed to read ${name}`, "AccessDenied", "IAM GetInstanceProfile", 403, "denied");
        return profile;
      }),
  };
}

/**
 * The clients of one mount: Vault's own account is ACCOUNT; another account needs config/sts/<id>
 * (refused as the real clients refuse it, otherwise served by the same fakes).
 */
export function fakeClients(storage: Storage): AwsAuthClients {
  const target = async (accountId: string): Promise<void> => {
    if (accountId === ACCOUNT) return;
    if ((await storage.get(`config/sts/${accountId}`)) === undefined) throw new UserError(`no STS configuration found for account ID ${JSON.stringify(accountId)}`);
  };
  return {
    ec2: async (_region, accountId) => {
      await target(accountId);
      return { describeInstance: (id) => Promise.resolve(accountId === ACCOUNT && id === INSTANCE_ID ? instance : undefined) };
    },
    iam: async (_region, accountId) => {
      await target(accountId);
      return iamOf(accountId);
    },
    defaultAccountId: () => Promise.resolve(ACCOUNT),
    rootKeyIam: () =>
      Promise.resolve({
        currentUserName: () => Promise.resolve("vault-root"),
        createAccessKey: () => Promise.resolve({ accessKeyId: "AKIAFUZZROTATED", secretAccessKey: "fuzz-rotated-secret-key-0001" }),
        deleteAccessKey: () => Promise.resolve(),
      }),
    reset: () => undefined,
  };
}

// --- STS ---------------------------------------------------------------------------------------

const xml = (status: number, body: string): { status: number; body: string } => ({ status, body });

function stsAnswer(method: string, url: URL, body: string, headers: http.IncomingHttpHeaders): { status: number; body: string } {
  const form = new URLSearchParams(method === "GET" ? url.search : body);
  if (form.get("Action") !== "GetCallerIdentity") return xml(400, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>");
  const authorization = String(headers["authorization"] ?? "");
  const credential = /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? form.get("X-Amz-Credential")?.split("/")[0] ?? "";
  const caller = CALLERS[credential];
  if (caller === undefined) return xml(403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>");
  const account = caller.arn.split(":")[4] ?? "";
  return xml(
    200,
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${caller.arn}</Arn>` +
      `<UserId>${caller.userId}</UserId><Account>${account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
  );
}

/** Starts the fake STS and sends every node:http(s) request there; resolves with the undo. */
export async function installFakeSts(): Promise<() => Promise<void>> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = stsAnswer(req.method ?? "", new URL(req.url ?? "/", "http://sts"), Buffer.concat(chunks).toString("utf8"), req.headers);
      res.writeHead(answer.status, { "Content-Type": "text/xml" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const realHttpRequest = http.request;
  const realHttpsRequest = https.request;
  const redirect = (...args: unknown[]): http.ClientRequest => {
    const [first, second, third] = args;
    const original = typeof first === "string" || first instanceof URL ? new URL(String(first)) : new URL("http://unknown/");
    const local = new URL(`http://127.0.0.1:${port}${original.pathname}${original.search}`);
    const options = (typeof second === "object" && second !== null ? second : {}) as http.RequestOptions;
    const callback = (typeof second === "function" ? second : third) as ((res: http.IncomingMessage) => void) | undefined;
    return realHttpRequest(local, options, callback);
  };
  http.request = redirect;
  https.request = redirect;
  return async () => {
    http.request = realHttpRequest;
    https.request = realHttpsRequest;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
