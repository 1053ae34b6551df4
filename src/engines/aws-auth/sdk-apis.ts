// The auth method's AWS calls over SDK v3 clients (Ec2Api, IamApi, RootKeyIamApi of aws-api.ts):
// one command per method, every failure classified and named after its call, the request's abort
// signal passed to every command. clients.ts builds and caches the clients these wrap.
import type { EC2Client, Instance } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import { sendOptions } from "../../aws/clients.js";
import { awsErrorCode, classifyAwsError } from "../../aws/errors.js";
import type { Ec2Sdk, IamSdk } from "../../aws/sdk.js";
import type { Ec2Api, Ec2Instance, IamApi, IamInstanceProfile, IamPrincipal, RootKeyIamApi } from "./aws-api.js";

/** Runs one SDK call; a failure leaves as a classified AwsApiError naming the call. */
export async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw classifyAwsError(err, action);
  }
}

function tagsOf(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return out;
}

function ec2InstanceOf(instance: Instance): Ec2Instance {
  return {
    instanceId: instance.InstanceId ?? "",
    state: instance.State?.Name ?? "",
    imageId: instance.ImageId ?? "",
    subnetId: instance.SubnetId ?? "",
    vpcId: instance.VpcId ?? "",
    iamInstanceProfileArn: instance.IamInstanceProfile?.Arn ?? "",
    launchTime: instance.LaunchTime,
    tags: tagsOf(instance.Tags),
    privateDnsName: instance.PrivateDnsName ?? "",
  };
}

/** Ec2Api over an SDK v3 EC2Client. */
export class SdkEc2Api implements Ec2Api {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: EC2Client,
    private readonly sdk: Ec2Sdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  withSignal(signal: AbortSignal | undefined): SdkEc2Api {
    return signal === undefined ? this : new SdkEc2Api(this.client, this.sdk, signal);
  }

  async describeInstance(instanceId: string): Promise<Ec2Instance | undefined> {
    let output;
    try {
      output = await this.client.send(new this.sdk.DescribeInstancesCommand({ InstanceIds: [instanceId] }), this.#send);
    } catch (err) {
      // EC2 answers an unknown ID with an error, not with an empty list.
      if (awsErrorCode(err) === "InvalidInstanceID.NotFound") return undefined;
      throw classifyAwsError(err, "EC2 DescribeInstances");
    }
    const instance = output.Reservations?.[0]?.Instances?.[0];
    return instance === undefined ? undefined : ec2InstanceOf(instance);
  }
}

/** IamApi over an SDK v3 IAMClient. */
export class SdkIamApi implements IamApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: IAMClient,
    private readonly sdk: IamSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  withSignal(signal: AbortSignal | undefined): SdkIamApi {
    return signal === undefined ? this : new SdkIamApi(this.client, this.sdk, signal);
  }

  async getUser(userName: string): Promise<IamPrincipal> {
    const { User: user } = await call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand({ UserName: userName }), this.#send));
    if (user?.Arn === undefined || user.UserId === undefined) throw new Error("got nil result from GetUser");
    return { arn: user.Arn, uniqueId: user.UserId, tags: tagsOf(user.Tags) };
  }

  async getRole(roleName: string): Promise<IamPrincipal> {
    const { Role: role } = await call("IAM GetRole", () => this.client.send(new this.sdk.GetRoleCommand({ RoleName: roleName }), this.#send));
    if (role?.Arn === undefined || role.RoleId === undefined) throw new Error("got nil result from GetRole");
    return { arn: role.Arn, uniqueId: role.RoleId, tags: tagsOf(role.Tags) };
  }

  async getInstanceProfile(profileName: string): Promise<IamInstanceProfile> {
    const { InstanceProfile: profile } = await call("IAM GetInstanceProfile", () =>
      this.client.send(new this.sdk.GetInstanceProfileCommand({ InstanceProfileName: profileName }), this.#send),
    );
    if (profile?.Arn === undefined || profile.InstanceProfileId === undefined) throw new Error("got nil result from GetInstanceProfile");
    return {
      arn: profile.Arn,
      instanceProfileId: profile.InstanceProfileId,
      roles: (profile.Roles ?? []).map((role) => ({ arn: role.Arn ?? "", roleId: role.RoleId ?? "" })),
    };
  }
}

/** RootKeyIamApi over an IAM client signing with config/client's static keys. */
export class SdkRootKeyIamApi implements RootKeyIamApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    private readonly client: IAMClient,
    private readonly sdk: IamSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  async currentUserName(): Promise<string> {
    // GetUser without a name describes the caller: the user owning the configured key.
    const { User: user } = await call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand({}), this.#send));
    if (user === undefined) throw new Error("nil user returned from GetUser");
    if (user.UserName === undefined) throw new Error("nil UserName returned from GetUser");
    return user.UserName;
  }

  async createAccessKey(userName: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const { AccessKey: key } = await call("IAM CreateAccessKey", () =>
      this.client.send(new this.sdk.CreateAccessKeyCommand({ UserName: userName }), this.#send),
    );
    if (key === undefined) throw new Error("nil response from CreateAccessKey");
    if (key.AccessKeyId === undefined || key.SecretAccessKey === undefined) {
      throw new Error("nil AccessKeyId or SecretAccessKey returned from CreateAccessKey");
    }
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    await call("IAM DeleteAccessKey", () => this.client.send(new this.sdk.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }), this.#send));
  }
}
