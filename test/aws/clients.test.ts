// src/aws (client building, credentials, regions, retries, STS fallback, error classification)
// and the engine's SDK adapters, against a real moto with SigV4 checking on. No mocks: where moto
// cannot produce a condition (a dead endpoint) a closed 127.0.0.1 port stands in.
import { generateKeyPairSync } from "node:crypto";
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeleteLoginProfileCommand,
  DeleteSSHPublicKeyCommand,
  EnableMFADeviceCommand,
  GetUserCommand,
  IAMClient,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import forge from "node-forge";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createIamClient, createStsClient } from "../../src/aws/clients.js";
import { loadIamSdk, loadStsSdk } from "../../src/aws/sdk.js";
import { DEFAULT_CONNECTION_CONFIG, maxAttemptsFor, stsCandidates, type AwsConnectionConfig } from "../../src/aws/config.js";
import { HALF_KEY_PAIR_MESSAGE } from "../../src/aws/credentials.js";
import { AwsApiError, awsErrorCode, classifyAwsError, isNoSuchEntity, isThrottling } from "../../src/aws/errors.js";
import { SdkIamApi, SdkStsApi } from "../../src/engines/aws-secrets/clients.js";
import type { IamApi, StsApi } from "../../src/engines/aws-secrets/aws-api.js";
import { UserError } from "../../src/logical/index.js";
import { DELETE_CONFLICT_MESSAGES, startDeleteConflictProxy, type DeleteConflictProxy } from "../helpers/delete-conflict-proxy.js";

const iamSdk = await loadIamSdk();
const stsSdk = await loadStsSdk();
import { MOTO_ADMIN_USER, MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { closedPort, failure } from "../helpers/failing-aws.js";

let moto: MotoServer;
let proxy: DeleteConflictProxy;
let admin: IAMClient;
let deadEndpoint: string;


beforeAll(async () => {
  moto = await startMoto({ sigv4: true });
  proxy = await startDeleteConflictProxy(moto.endpoint, { credentials: moto.rootCredentials });
  admin = new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials, maxAttempts: 1 });
  deadEndpoint = `http://127.0.0.1:${await closedPort()}`;
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  admin?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(() => {
  // The SDK's default chain must never leave this machine: no IMDS, no real profile files.
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/vnp-aws-config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/vnp-aws-credentials");
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_REGION", "AWS_DEFAULT_REGION"]) {
    vi.stubEnv(name, undefined);
  }
});
afterEach(() => vi.unstubAllEnvs());

/** A config signing with the admin key against moto, with `over` applied. */
function conn(over: Partial<AwsConnectionConfig> = {}): AwsConnectionConfig {
  return {
    ...DEFAULT_CONNECTION_CONFIG,
    accessKey: moto.rootCredentials.accessKeyId,
    secretKey: moto.rootCredentials.secretAccessKey,
    iamEndpoint: moto.endpoint,
    stsEndpoint: moto.endpoint,
    ...over,
  };
}


function attemptsOf(err: unknown): number | undefined {
  return (err as { $metadata?: { attempts?: number } }).$metadata?.attempts;
}

const ADMIN_ARN = (): string => `arn:aws:iam::123456789012:user/${MOTO_ADMIN_USER}`;

describe("credentials", () => {
  it("signs with the static keys when both are set (moto verifies the signature)", async () => {
    const { identity, candidate } = await createStsClient(conn());
    expect(identity.Arn).toBe(ADMIN_ARN());
    expect(candidate).toEqual({ endpoint: moto.endpoint, region: "us-east-1" });
    const iam = await createIamClient(conn());
    expect((await iam.send(new GetUserCommand({}))).User?.UserName).toBe(MOTO_ADMIN_USER);
  });

  it("uses the SDK default chain (here: the environment) when no keys are configured", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", moto.rootCredentials.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", moto.rootCredentials.secretAccessKey);
    const { identity } = await createStsClient(conn({ accessKey: "", secretKey: "" }));
    expect(identity.Arn).toBe(ADMIN_ARN());

    // Proof that the environment really is what signs: a wrong secret there is refused.
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "not-the-secret");
    const err = await failure((await createIamClient(conn({ accessKey: "", secretKey: "" }))).send(new GetUserCommand({})));
    expect(awsErrorCode(err)).toBe("SignatureDoesNotMatch");
  });

  it("reports an empty default chain as a configuration problem (400), not an AWS failure", async () => {
    // Environment empty, files absent, IMDS disabled in beforeEach: the chain has nothing to offer.
    const err = await failure(new SdkIamApi(await createIamClient(conn({ accessKey: "", secretKey: "" })), iamSdk).getUser({}));
    const classified = classifyAwsError(err);
    expect(classified.kind).toBe("user");
    expect(classified.message).toMatch(/^no AWS credentials for IAM GetUser: config\/root has no access_key\/secret_key and the default credential chain/);
  });

  it("refuses half a key pair as upstream does", async () => {
    await expect(createIamClient(conn({ secretKey: "" }))).rejects.toThrow(new UserError(HALF_KEY_PAIR_MESSAGE));
    await expect(createIamClient(conn({ accessKey: "" }))).rejects.toThrow(UserError);
  });

  it("SigV4 on: moto refuses a wrong secret and an unknown key, as 400s carrying AWS's code", async () => {
    const wrongSecret = await failure((await createIamClient(conn({ secretKey: "wrong" }))).send(new GetUserCommand({})));
    const classified = classifyAwsError(wrongSecret, "IAM GetUser");
    expect(classified).toBeInstanceOf(AwsApiError);
    expect(classified.kind).toBe("user");
    expect(classified.message).toMatch(/^IAM GetUser: SignatureDoesNotMatch: The request signature we calculated does not match/);

    const unknownKey = await failure((await createIamClient(conn({ accessKey: "AKIAUNKNOWNKEY000000" }))).send(new GetUserCommand({})));
    expect(awsErrorCode(unknownKey)).toBe("InvalidClientTokenId");
    expect(classifyAwsError(unknownKey).kind).toBe("user");
  });
});

describe("region", () => {
  /** The SigV4 scope region of an IAM call made with `config` and `env`, as the proxy saw it. */
  async function signedRegion(region: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    const iam = await createIamClient(conn({ region, iamEndpoint: proxy.endpoint }), { env });
    await iam.send(new GetUserCommand({}));
    iam.destroy();
    return proxy.calls.at(-1)?.region;
  }

  it("is the configured one, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1", async () => {
    expect(await signedRegion("sa-east-1", { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "ap-south-1" })).toBe("sa-east-1");
    expect(await signedRegion("", { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "ap-south-1" })).toBe("eu-west-1");
    expect(await signedRegion("", { AWS_REGION: "", AWS_DEFAULT_REGION: "ap-south-1" })).toBe("ap-south-1");
    expect(await signedRegion("", {})).toBe("us-east-1");
  });

  it("defaults to process.env for the fallback", async () => {
    vi.stubEnv("AWS_REGION", "ca-central-1");
    const iam = await createIamClient(conn({ iamEndpoint: proxy.endpoint }));
    await iam.send(new GetUserCommand({}));
    expect(proxy.calls.at(-1)?.region).toBe("ca-central-1");
  });
});

describe("max_retries", () => {
  it("maps to SDK attempts: n ≥ 0 → n + 1, -1 → the SDK default", () => {
    expect([-1, 0, 1, 5].map(maxAttemptsFor)).toEqual([undefined, 1, 2, 6]);
  });

  // moto answers an action it lacks with HTTP 500, which the SDK retries: a real retryable failure.
  it.each([
    [0, 1],
    [2, 3],
    [-1, 3],
  ])("max_retries %i makes %i attempts on a retryable AWS failure", async (maxRetries, attempts) => {
    const iam = new SdkIamApi(await createIamClient(conn({ maxRetries })), iamSdk);
    const err = await failure(iam.listServiceSpecificCredentials({ UserName: MOTO_ADMIN_USER }));
    expect(attemptsOf(err)).toBe(attempts);
    const classified = classifyAwsError(err);
    expect(classified.kind).toBe("internal");
    expect(classified).toMatchObject({ failure: "unreadable" });
    expect(classified.message).toMatch(/^IAM ListServiceSpecificCredentials: AWS's answer could not be read \(HTTP 500\)/);
  });

  it("also bounds retries on a connection failure, classified as unreachable (500)", async () => {
    const err = await failure((await createIamClient(conn({ iamEndpoint: deadEndpoint, maxRetries: 1 }))).send(new GetUserCommand({})));
    expect(attemptsOf(err)).toBe(2);
    const classified = classifyAwsError(err, "IAM GetUser");
    expect(classified.kind).toBe("internal");
    expect(classified).toMatchObject({ failure: "unreachable" });
    expect(classified.message).toMatch(/^IAM GetUser: AWS could not be reached: .*ECONNREFUSED.* \(2 attempts\)$/);
  });
});

describe("STS endpoint candidates", () => {
  it("probes the primary, then each fallback pair, and keeps the first that answers", async () => {
    const failed: string[] = [];
    const config = conn({
      maxRetries: 0,
      stsEndpoint: deadEndpoint,
      stsRegion: "us-west-2",
      stsFallbackEndpoints: [deadEndpoint, proxy.endpoint],
      stsFallbackRegions: ["eu-west-1", "eu-central-1"],
    });
    const { candidate, identity, client } = await createStsClient(config, { onProbeFailure: (c) => failed.push(`${c.endpoint}|${c.region}`) });
    expect(failed).toEqual([`${deadEndpoint}|us-west-2`, `${deadEndpoint}|eu-west-1`]);
    expect(candidate).toEqual({ endpoint: proxy.endpoint, region: "eu-central-1" });
    expect(identity.Arn).toBe(ADMIN_ARN());
    expect(proxy.calls.at(-1)).toMatchObject({ service: "sts", region: "eu-central-1", action: "GetCallerIdentity" });
    // The chosen client is the one later calls use.
    expect((await new SdkStsApi(client, stsSdk).getCallerIdentity()).Arn).toBe(ADMIN_ARN());
  });

  it("orders candidates as documented, sts_region only with sts_endpoint", () => {
    const env = { AWS_REGION: "eu-north-1" };
    expect(stsCandidates({ ...DEFAULT_CONNECTION_CONFIG, stsRegion: "us-west-2" }, env)).toEqual([{ endpoint: undefined, region: "eu-north-1" }]);
    expect(stsCandidates({ ...DEFAULT_CONNECTION_CONFIG, region: "ap-east-1", stsEndpoint: "http://a" }, env)).toEqual([{ endpoint: "http://a", region: "ap-east-1" }]);
    expect(
      stsCandidates({ ...DEFAULT_CONNECTION_CONFIG, stsFallbackEndpoints: ["http://b"], stsFallbackRegions: ["us-east-2"] }, env),
    ).toEqual([
      { endpoint: undefined, region: "eu-north-1" },
      { endpoint: "http://b", region: "us-east-2" },
    ]);
    expect(() => stsCandidates({ ...DEFAULT_CONNECTION_CONFIG, stsFallbackEndpoints: ["http://b"], stsFallbackRegions: [] })).toThrow(UserError);
  });

  it("fails with every candidate named: 500 when none could be reached, 400 when all refused the keys", async () => {
    const unreachable = await failure(createStsClient(conn({ maxRetries: 0, stsEndpoint: deadEndpoint, stsFallbackEndpoints: [deadEndpoint], stsFallbackRegions: ["eu-west-1"] })));
    expect(unreachable).toMatchObject({ kind: "internal", failure: "unreachable" });
    expect((unreachable as Error).message).toContain(`could not obtain sts client: ${deadEndpoint} [us-east-1]: STS GetCallerIdentity: AWS could not be reached`);
    expect((unreachable as Error).message).toContain(`${deadEndpoint} [eu-west-1]`);

    const refused = await failure(createStsClient(conn({ secretKey: "wrong", stsFallbackEndpoints: [proxy.endpoint], stsFallbackRegions: ["eu-west-1"] })));
    expect(refused).toMatchObject({ kind: "user", failure: "denied" });
    expect((refused as Error).message).toMatch(/^could not obtain sts client: .*SignatureDoesNotMatch.*SignatureDoesNotMatch/);
  });
});

describe("classifyAwsError on real moto answers", () => {
  it("NoSuchEntity → 400 naming the call with AWS's code and message, recognised before and after", async () => {
    const iam = new SdkIamApi(await createIamClient(conn()), iamSdk);
    const err = await failure(iam.getUser({ UserName: "nobody-here" }));
    expect(isNoSuchEntity(err)).toBe(true);
    const classified = classifyAwsError(err);
    expect(classified.kind).toBe("user");
    expect(classified.message).toBe("IAM GetUser: NoSuchEntity: The user with name nobody-here cannot be found.");
    expect(classified).toMatchObject({ action: "IAM GetUser", awsCode: "NoSuchEntity", httpStatus: 404 });
    expect(isNoSuchEntity(classified)).toBe(true);
    expect(classifyAwsError(classified)).toBe(classified);
  });

  it("MalformedPolicyDocument → 400 with AWS's code and message", async () => {
    const iam = new SdkIamApi(await createIamClient(conn()), iamSdk);
    await iam.createUser({ UserName: "malformed-policy-user" });
    const err = await failure(iam.putUserPolicy({ UserName: "malformed-policy-user", PolicyName: "p", PolicyDocument: "{not json" }));
    expect(awsErrorCode(err)).toBe("MalformedPolicyDocument");
    expect(classifyAwsError(err)).toMatchObject({ kind: "user", awsCode: "MalformedPolicyDocument", httpStatus: 400, action: "IAM PutUserPolicy" });
    expect(classifyAwsError(err).message).toBe("IAM PutUserPolicy: MalformedPolicyDocument: Syntax errors in policy.");
  });

  it("leaves non-AWS failures internal and keeps logical errors as they are", () => {
    // Without an adapter's tag or an explicit action, a client error is just AWS's code and message.
    const untagged = { name: "NoSuchEntityException", Code: "NoSuchEntity", $fault: "client", $metadata: { httpStatusCode: 404 }, message: "gone" };
    expect(classifyAwsError(untagged)).toMatchObject({ kind: "user", message: "NoSuchEntity: gone" });
    expect(classifyAwsError(new Error("boom"), "IAM CreateUser")).toMatchObject({ kind: "internal", message: "IAM CreateUser: failed: boom" });
    const user = new UserError("x");
    expect(classifyAwsError(user)).toBe(user);
    expect(classifyAwsError({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }, "STS AssumeRole")).toMatchObject({
      kind: "internal",
      message: "STS AssumeRole: ThrottlingException: Rate exceeded",
    });
    expect(isThrottling(classifyAwsError({ name: "Throttling", Code: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }))).toBe(true);
    // aws-sdk-go v1 looks at the code only: IAM's quota error and a bare 429 are not throttling.
    expect(isThrottling({ name: "LimitExceededException", Code: "LimitExceeded", $fault: "client", $metadata: { httpStatusCode: 409 }, message: "quota" })).toBe(false);
    expect(isThrottling({ name: "Unknown", $fault: "client", $metadata: { httpStatusCode: 429 }, message: "slow down" })).toBe(false);
  });
});

/** A self-signed certificate, as IAM's UploadSigningCertificate (and moto) want one. */
function selfSignedPem(): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: "commonName", value: "vnp-test" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString()), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe("DeleteConflict proxy", () => {
  const viaProxy = async (): Promise<SdkIamApi> => new SdkIamApi(await createIamClient(conn({ iamEndpoint: proxy.endpoint, maxRetries: 0 })), iamSdk);

  async function conflictMessage(api: IamApi, userName: string): Promise<string> {
    const err = await failure(api.deleteUser({ UserName: userName }));
    expect(awsErrorCode(err)).toBe("DeleteConflict");
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(409);
    const classified = classifyAwsError(err);
    expect(classified.kind).toBe("user");
    return classified.message;
  }

  it("answers 409 while a login profile or SSH key remains, then lets DeleteUser through (signed via the proxy)", async () => {
    const api = await viaProxy();
    await api.createUser({ UserName: "conflicted" });
    await admin.send(new CreateLoginProfileCommand({ UserName: "conflicted", Password: "Secr3t-Passw0rd!" }));
    const key = await admin.send(new UploadSSHPublicKeyCommand({ UserName: "conflicted", SSHPublicKeyBody: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFvnpTestKeyBodyOnlyForMotoXXXXXXXXXXXXXXX test" }));

    expect(await conflictMessage(api, "conflicted")).toBe(`IAM DeleteUser: DeleteConflict: ${DELETE_CONFLICT_MESSAGES.loginProfile}`);
    await admin.send(new DeleteLoginProfileCommand({ UserName: "conflicted" }));
    expect(await conflictMessage(api, "conflicted")).toBe(`IAM DeleteUser: DeleteConflict: ${DELETE_CONFLICT_MESSAGES.sshPublicKeys}`);
    await admin.send(new DeleteSSHPublicKeyCommand({ UserName: "conflicted", SSHPublicKeyId: key.SSHPublicKey?.SSHPublicKeyId }));

    await api.deleteUser({ UserName: "conflicted" });
    expect(proxy.calls.at(-1)).toMatchObject({ action: "DeleteUser", status: 200, answeredByProxy: false });
    expect(isNoSuchEntity(await failure(api.getUser({ UserName: "conflicted" })))).toBe(true);
    // An unknown user gets moto's own answer, not a conflict.
    expect(isNoSuchEntity(await failure(api.deleteUser({ UserName: "conflicted" })))).toBe(true);
  });

  it("also refuses for MFA devices, signing certificates, access keys and group membership", async () => {
    const api = await viaProxy();
    await admin.send(new CreateUserCommand({ UserName: "mfa-user" }));
    const device = await admin.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "mfa-user-device" }));
    const serial = device.VirtualMFADevice?.SerialNumber;
    await admin.send(new EnableMFADeviceCommand({ UserName: "mfa-user", SerialNumber: serial, AuthenticationCode1: "123456", AuthenticationCode2: "654321" }));
    expect(await conflictMessage(api, "mfa-user")).toContain(DELETE_CONFLICT_MESSAGES.mfaDevices);

    await admin.send(new CreateUserCommand({ UserName: "cert-user" }));
    await admin.send(new UploadSigningCertificateCommand({ UserName: "cert-user", CertificateBody: selfSignedPem() }));
    expect(await conflictMessage(api, "cert-user")).toContain(DELETE_CONFLICT_MESSAGES.signingCertificates);

    await admin.send(new CreateUserCommand({ UserName: "key-user" }));
    await api.createAccessKey({ UserName: "key-user" });
    expect(await conflictMessage(api, "key-user")).toContain(DELETE_CONFLICT_MESSAGES.accessKeys);

    await admin.send(new CreateUserCommand({ UserName: "group-user" }));
    await admin.send(new CreateGroupCommand({ GroupName: "g1" }));
    await admin.send(new AddUserToGroupCommand({ GroupName: "g1", UserName: "group-user" }));
    expect(await conflictMessage(api, "group-user")).toContain(DELETE_CONFLICT_MESSAGES.groups);
    expect(proxy.conflicts.map((c) => c.userName)).toEqual(expect.arrayContaining(["mfa-user", "cert-user", "key-user", "group-user"]));
  });

  it("answers ListServiceSpecificCredentials, which moto lacks, as AWS does", async () => {
    const api = await viaProxy();
    expect((await api.listServiceSpecificCredentials({ UserName: MOTO_ADMIN_USER })).ServiceSpecificCredentials).toEqual([]);
    expect(isNoSuchEntity(await failure(api.listServiceSpecificCredentials({ UserName: "nobody-here" })))).toBe(true);
  });
});

describe("SDK adapters", () => {
  // Record<keyof …> makes the compiler list every method of the contracts here.
  const IAM_METHODS: Record<keyof IamApi, true> = {
    createUser: true, getUser: true, deleteUser: true, tagUser: true, createAccessKey: true, deleteAccessKey: true, listAccessKeys: true,
    attachUserPolicy: true, detachUserPolicy: true, listAttachedUserPolicies: true, putUserPolicy: true, deleteUserPolicy: true,
    listUserPolicies: true, addUserToGroup: true, removeUserFromGroup: true, listGroupsForUser: true, listGroupPolicies: true,
    getGroupPolicy: true, listAttachedGroupPolicies: true, deleteLoginProfile: true, listMFADevices: true, deactivateMFADevice: true,
    deleteVirtualMFADevice: true, listSSHPublicKeys: true, deleteSSHPublicKey: true, listSigningCertificates: true,
    deleteSigningCertificate: true, listServiceSpecificCredentials: true, deleteServiceSpecificCredential: true,
  };
  const STS_METHODS: Record<keyof StsApi, true> = { assumeRole: true, getFederationToken: true, getSessionToken: true, getCallerIdentity: true };
  const actionOf = (method: string): string => method.charAt(0).toUpperCase() + method.slice(1);

  it("send each IamApi method as the IAM action of the same name", async () => {
    const api = await viaProxyIam();
    // One input satisfying every method's required members; IAM ignores what an action does not use.
    const input = {
      UserName: "adapter-probe", PolicyArn: "arn:aws:iam::123456789012:policy/none", PolicyName: "p", PolicyDocument: "{}", GroupName: "none",
      AccessKeyId: "AKIANONE", SerialNumber: "arn:aws:iam::123456789012:mfa/none", SSHPublicKeyId: "APKANONE", CertificateId: "none",
      ServiceSpecificCredentialId: "none", Tags: [{ Key: "k", Value: "v" }],
    };
    for (const method of Object.keys(IAM_METHODS) as (keyof IamApi)[]) {
      const before = proxy.calls.length;
      const invoke = api[method] as (i: typeof input) => Promise<unknown>;
      await invoke(input).catch(() => undefined);
      expect(proxy.calls.slice(before).map((c) => c.action), method).toEqual([actionOf(method)]);
    }
  });

  it("send each StsApi method as the STS action of the same name", async () => {
    const sts = new SdkStsApi((await createStsClient(conn({ stsEndpoint: proxy.endpoint, maxRetries: 0 }))).client, stsSdk);
    const inputs: { [K in keyof StsApi]: Parameters<StsApi[K]> } = {
      assumeRole: [{ RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "s" }],
      getFederationToken: [{ Name: "fed", Policy: '{"Version":"2012-10-17","Statement":[]}' }],
      getSessionToken: [{}],
      getCallerIdentity: [],
    };
    for (const method of Object.keys(STS_METHODS) as (keyof StsApi)[]) {
      const before = proxy.calls.length;
      const invoke = sts[method] as (...args: unknown[]) => Promise<unknown>;
      await invoke(...inputs[method]);
      expect(proxy.calls.slice(before).map((c) => `${c.service}:${c.action}`), method).toEqual([`sts:${actionOf(method)}`]);
    }
  });

  async function viaProxyIam(): Promise<SdkIamApi> {
    return new SdkIamApi(await createIamClient(conn({ iamEndpoint: proxy.endpoint, maxRetries: 0 })), iamSdk);
  }
});

describe("moto helper", () => {
  it("reset() wipes every resource and keeps the admin key working", async () => {
    await admin.send(new CreateUserCommand({ UserName: "short-lived" }));
    expect(await moto.reset()).toEqual({ credentialsChanged: false });
    expect(awsErrorCode(await failure(admin.send(new GetUserCommand({ UserName: "short-lived" }))))).toBe("NoSuchEntity");
    expect((await createStsClient(conn())).identity.Arn).toBe(ADMIN_ARN());
  });
});
