// `login`: one path for both methods. The fields present pick the method (ec2: pkcs7, or identity
// + signature; iam: the four iam_request_* fields), as upstream decides it; each method lives in
// its own module (login-ec2.ts, login-iam.ts).
import { definePath, field, type FieldData } from "../../framework/index.js";
import { errorResponse, type Request, type Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { ec2Login, ec2ResolveRole } from "./login-ec2.js";
import { iamLogin, iamResolveRole } from "./login-iam.js";

export const loginFields = {
  role: field.string({
    description: `Name of the role against which the login is being attempted. If a matching role is not found, login fails.`,
  }),
  pkcs7: field.string({ description: "PKCS7 signature of the identity document when using an auth_type of ec2." }),
  nonce: field.string({ description: "The nonce to be used for subsequent login requests when auth_type is ec2." }),
  iam_http_request_method: field.string({ description: "HTTP method to use for the AWS request when auth_type is iam." }),
  iam_request_url: field.string({ description: "Base64-encoded full URL against which to make the AWS request when using iam auth_type." }),
  iam_request_body: field.string({ description: "Base64-encoded request body when auth_type is iam." }),
  iam_request_headers: field.header({ description: "Key/value pairs of headers for use in the sts:GetCallerIdentity HTTP requests headers when auth_type is iam." }),
  identity: field.string({ description: "Base64 encoded EC2 instance identity document." }),
  signature: field.string({ description: "Base64 encoded SHA256 RSA signature of the instance identity document." }),
};

export type LoginData = FieldData<typeof loginFields>;

/** What the caller asked for: a token, only the alias (MFA lookahead), or only the role (quotas). */
export type LoginPurpose = "login" | "alias-lookahead";

type Method = { method: "ec2" | "iam" } | { error: string };

function chooseMethod(data: LoginData): Method {
  const present = (name: keyof typeof loginFields): boolean => data.getOk(name).ok;
  const anyEc2 = present("pkcs7") || present("identity") || present("signature");
  const allEc2 = present("pkcs7") || (present("identity") && present("signature"));
  const iamNames = ["iam_http_request_method", "iam_request_url", "iam_request_body", "iam_request_headers"] as const;
  const anyIam = iamNames.some(present);
  // A presigned GET carries everything in its URL: iam_request_body may be left out (upstream's hasValuesForIamAuth).
  const isGet = present("iam_http_request_method") && data.get("iam_http_request_method") === "GET";
  const allIam = iamNames.every((name) => present(name) || (name === "iam_request_body" && isGet));
  if (anyEc2 && anyIam) return { error: "supplied auth values for both ec2 and iam auth types" };
  if (anyEc2) return allEc2 ? { method: "ec2" } : { error: "supplied some of the auth values for the ec2 auth type but not all" };
  if (anyIam) return allIam ? { method: "iam" } : { error: "supplied some of the auth values for the iam auth type but not all" };
  return { error: "didn't supply required authentication values" };
}

export function loginPath(ctx: AwsAuthContext) {
  const handle = (purpose: LoginPurpose) => (request: Request, data: LoginData): Promise<Response | undefined> => {
    const chosen = chooseMethod(data);
    if ("error" in chosen) return Promise.resolve(errorResponse(chosen.error));
    return chosen.method === "ec2" ? ec2Login(ctx, request, data, purpose) : iamLogin(ctx, request, data, purpose);
  };
  return definePath({
    pattern: "login$",
    displayAttrs: { operationPrefix: "aws", operationVerb: "login" },
    fields: loginFields,
    operations: {
      update: handle("login"),
      "alias-lookahead": handle("alias-lookahead"),
      "resolve-role": (request, data) => {
        const chosen = chooseMethod(data);
        if ("error" in chosen) return Promise.resolve(errorResponse(chosen.error));
        return chosen.method === "ec2" ? ec2ResolveRole(ctx, request, data) : iamResolveRole(ctx, request, data);
      },
    },
    helpSynopsis: "Authenticates an EC2 instance or IAM principal with Vault.",
    helpDescription: `An EC2 instance is authenticated using the PKCS#7 signature of the instance identity
document and a client created nonce. An IAM principal is authenticated using a signed
sts:GetCallerIdentity request.`,
  });
}
