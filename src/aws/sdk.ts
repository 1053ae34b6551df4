// The AWS SDK modules, loaded on first use. Evaluating @aws-sdk/client-iam, -sts and -ec2 costs about
// 100 ms and 25 MB at start-up; a plugin process is started for every registration probe and
// mount, most of which never talk to AWS, so the SDK is only loaded when a client is built (and
// scripts/lib/bundle.mjs keeps its code out of the parsed part of the plugin file).
import type * as IamModule from "@aws-sdk/client-iam";
import type * as StsModule from "@aws-sdk/client-sts";
import type * as Ec2Module from "@aws-sdk/client-ec2";

export type IamSdk = typeof IamModule;
export type StsSdk = typeof StsModule;
export type Ec2Sdk = typeof Ec2Module;

let iam: Promise<IamSdk> | undefined;
let sts: Promise<StsSdk> | undefined;
let ec2: Promise<Ec2Sdk> | undefined;

export function loadIamSdk(): Promise<IamSdk> {
  iam ??= import("@aws-sdk/client-iam");
  return iam;
}

export function loadStsSdk(): Promise<StsSdk> {
  sts ??= import("@aws-sdk/client-sts");
  return sts;
}

export function loadEc2Sdk(): Promise<Ec2Sdk> {
  ec2 ??= import("@aws-sdk/client-ec2");
  return ec2;
}
