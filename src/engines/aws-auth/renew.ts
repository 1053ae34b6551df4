// Token renewal dispatches on the token's auth_type metadata; tokens from before that key existed
// are ec2 tokens, as upstream assumes.
import type { Request, Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { renewEc2 } from "./login-ec2.js";
import { renewIam } from "./login-iam.js";

export function renewLogin(ctx: AwsAuthContext, request: Request): Promise<Response | undefined> {
  // iam_metadata may leave auth_type out of the metadata; an iam token still says what it is
  // through its internal data (upstream would then renew it as ec2 and fail).
  const iamInternal = request.auth?.internalData["canonical_arn"] !== undefined;
  const authType = request.auth?.metadata["auth_type"] ?? (iamInternal ? "iam" : "ec2");
  if (authType === "ec2") return renewEc2(ctx, request);
  if (authType === "iam") return renewIam(ctx, request);
  return Promise.reject(new Error(`unrecognized auth_type: ${JSON.stringify(authType)}`));
}
