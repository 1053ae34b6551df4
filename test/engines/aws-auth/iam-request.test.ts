// The checks of the CVE-2020-16250 fix on the decoded login request, with upstream's texts.
import { describe, expect, it } from "vitest";
import { decodeIamRequest, type IamRequestInput, type IamRequestPolicy } from "../../../src/engines/aws-auth/iam-request.js";
import { parseGoQuery } from "../../../src/engines/aws-auth/go-query.js";
import { parseRequestUrl } from "../../../src/engines/aws-auth/request-url.js";

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-vault-aws-iam-server-id, Signature=abc";

function input(over: Partial<IamRequestInput> = {}): IamRequestInput {
  return {
    method: "POST",
    urlBase64: b64("https://sts.amazonaws.com/"),
    bodyBase64: b64("Action=GetCallerIdentity&Version=2011-06-15"),
    headers: { Authorization: [AUTH], "X-Amz-Date": ["20260101T000000Z"], "Content-Type": ["application/x-www-form-urlencoded"] },
    ...over,
  };
}

const error = (i: IamRequestInput, policy?: IamRequestPolicy): string | undefined => {
  const r = decodeIamRequest(i, policy);
  return "error" in r ? r.error : undefined;
};

describe("decodeIamRequest", () => {
  it("accepts a signed POST and a presigned GET", () => {
    expect(error(input())).toBeUndefined();
    const get = input({
      method: "GET",
      urlBase64: b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"),
      bodyBase64: "",
      headers: { Host: ["sts.amazonaws.com"] },
    });
    expect(error(get)).toBeUndefined();
  });

  it("refuses methods other than GET and POST, and missing fields", () => {
    expect(error(input({ method: "" }))).toBe("missing iam_http_request_method");
    expect(error(input({ method: "PUT" }))).toBe("invalid iam_http_request_method; currently only 'GET' and 'POST' are supported");
    expect(error(input({ method: "post" }))).toBe("invalid iam_http_request_method; currently only 'GET' and 'POST' are supported");
    expect(error(input({ urlBase64: "" }))).toBe("missing iam_request_url");
    expect(error(input({ urlBase64: "%%%" }))).toBe("failed to base64 decode iam_request_url");
    expect(error(input({ urlBase64: b64("https://sts.amazonaws.com/\u0001") }))).toBe("error parsing iam_request_url");
    expect(error(input({ bodyBase64: "" }))).toBe("missing iam_request_body which is required for POST requests");
    expect(error(input({ bodyBase64: "abc" }))).toBe("failed to base64 decode iam_request_body");
    expect(error(input({ headers: {} }))).toBe("missing iam_request_headers");
  });

  it("CVE-2020-16250: a POST with a query string is refused", () => {
    expect(error(input({ urlBase64: b64("https://sts.amazonaws.com/?Action=AssumeRole") }))).toBe("invalid request");
  });

  it("CVE-2020-16250: a body with another action, extra keys or a smuggling separator is refused", () => {
    expect(error(input({ bodyBase64: b64("Action=GetCallerIdentity&Action=AssumeRole&Version=2011-06-15") }))).toBe("iam request body is invalid");
    expect(error(input({ bodyBase64: b64("Action=ListUsers&Version=2010-05-08") }))).toBe("iam request body is invalid");
    expect(error(input({ bodyBase64: b64("Action=GetCallerIdentity&RoleArn=x") }))).toBe("iam request body is invalid");
    expect(error(input({ bodyBase64: b64("Action=GetCallerIdentity;Action=AssumeRole") }))).toBe("invalid semicolon separator in query");
    expect(error(input({ bodyBase64: b64("Action=GetCallerIdentity&Version=%zz") }))).toBe('invalid URL escape "%zz"');
  });

  it("GET needs exactly one GetCallerIdentity action in the query", () => {
    const get = (query: string): IamRequestInput => input({ method: "GET", bodyBase64: "", urlBase64: b64(`https://sts.amazonaws.com/?${query}`) });
    expect(error(get("Version=1"))).toBe("no action found in request");
    expect(error(get("Action=GetCallerIdentity&Action=GetCallerIdentity"))).toBe("found multiple actions");
    expect(error(get("Action=AssumeRole"))).toBe("unexpected action parameter, AssumeRole");
    expect(error({ ...get("Action=GetCallerIdentity"), bodyBase64: b64("Action=AssumeRole") })).toBe("iam request body is invalid");
  });

  it("CVE-2020-16250: an X-Amz-* header outside the allow-list is refused unless configured", () => {
    const extra = input({ headers: { ...input().headers, "X-Amz-Target": ["AWSSecurityTokenServiceV20110615.AssumeRole"] } });
    expect(error(extra)).toBe("invalid request header: X-Amz-Target");
    expect(error(extra, { iamServerIdHeaderValue: "", allowedStsHeaderValues: ["X-Amz-Target"] })).toBeUndefined();
    // The defaults and non-X-Amz headers always pass (vault#9797, #10005, #11210).
    const ok = input({ headers: { ...input().headers, "X-Amz-Security-Token": ["t"], "X-Amz-Content-Sha256": ["x"], "X-Amz-Signedheaders": ["host"], "User-Agent": ["aws-cli"] } });
    expect(error(ok)).toBeUndefined();
  });

  it("CVE-2020-16250: an X-Amz-* query parameter outside the allow-list is refused on GET", () => {
    const get = input({ method: "GET", bodyBase64: "", urlBase64: b64("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Target=x") });
    expect(error(get)).toBe("invalid request query param: X-Amz-Target");
  });

  describe("iam_server_id_header_value", () => {
    const policy: IamRequestPolicy = { iamServerIdHeaderValue: "vault.example.com", allowedStsHeaderValues: [] };
    const prefix = "error validating X-Vault-AWS-IAM-Server-ID header: ";
    it("must be present, equal and signed", () => {
      expect(error(input(), policy)).toBe(`${prefix}missing header "X-Vault-AWS-IAM-Server-ID"`);
      const withHeader = (value: string, auth = AUTH): IamRequestInput =>
        input({ headers: { ...input().headers, Authorization: [auth], "X-Vault-Aws-Iam-Server-Id": [value] } });
      expect(error(withHeader("vault.example.com"), policy)).toBeUndefined();
      expect(error(withHeader("other"), policy)).toBe(`${prefix}expected "vault.example.com" but got "other"`);
      const unsigned = AUTH.replace(";x-vault-aws-iam-server-id", "");
      expect(error(withHeader("vault.example.com", unsigned), policy)).toBe(`${prefix}vault header wasn't signed`);
      const noAuth = input({ headers: { "X-Vault-Aws-Iam-Server-Id": ["vault.example.com"] } });
      expect(error(noAuth, policy)).toBe(`${prefix}missing Authorization header`);
    });
    it("on GET must be in the query's X-Amz-SignedHeaders", () => {
      const get = (signed: string): IamRequestInput =>
        input({
          method: "GET",
          bodyBase64: "",
          urlBase64: b64(`https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=${signed}`),
          headers: { "X-Vault-Aws-Iam-Server-Id": ["vault.example.com"] },
        });
      expect(error(get("host%3Bx-vault-aws-iam-server-id"), policy)).toBeUndefined();
      expect(error(get("host"), policy)).toBe(`${prefix}vault header wasn't signed`);
    });
  });
});

describe("parseRequestUrl and parseGoQuery", () => {
  it("keeps the client's host and request URI, as Go's RequestURI", () => {
    expect(parseRequestUrl("https://user@sts.eu-west-1.amazonaws.com:443/?a=b#frag")).toEqual({ host: "sts.eu-west-1.amazonaws.com:443", rawQuery: "a=b", requestUri: "/?a=b" });
    expect(parseRequestUrl("https://sts.amazonaws.com")).toEqual({ host: "sts.amazonaws.com", rawQuery: "", requestUri: "/" });
    expect(parseRequestUrl("/")).toEqual({ host: "", rawQuery: "", requestUri: "/" });
    expect(parseRequestUrl("https://evil.example\r\n/")).toBeUndefined();
    expect(parseRequestUrl("https://sts.amazonaws.com/%zz")).toBeUndefined();
    expect(parseRequestUrl("mailto:x")).toBeUndefined();
  });
  it("parses like url.ParseQuery", () => {
    const q = parseGoQuery("a=1&a=2&b&c=x+y%21&;d=1");
    expect([...q.values]).toEqual([["a", ["1", "2"]], ["b", [""]], ["c", ["x y!"]]]);
    expect(q.error).toBe("invalid semicolon separator in query");
  });
});
