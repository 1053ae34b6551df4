import { describe, expect, it } from "vitest";
import {
  assumeRoleInputError,
  federationTokenInputError,
  sessionTokenInputError,
} from "../../../src/engines/aws-secrets/sts-input-validation.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/deployer";

describe("STS input checks made before any call, as aws-sdk-go v1 makes them", () => {
  it("accepts valid inputs", () => {
    expect(assumeRoleInputError({ RoleArn: ROLE_ARN, RoleSessionName: "vault-x", DurationSeconds: 900 })).toBeUndefined();
    expect(federationTokenInputError({ Name: "vault-x", DurationSeconds: 900, Policy: "{}" })).toBeUndefined();
    expect(sessionTokenInputError({ DurationSeconds: 900 })).toBeUndefined();
  });

  it("refuses a DurationSeconds below AWS's 900-second minimum for all three calls", () => {
    const one = (context: string): string =>
      `InvalidParameter: 1 validation error(s) found.\n- minimum field value of 900, ${context}.DurationSeconds.\n`;
    expect(assumeRoleInputError({ RoleArn: ROLE_ARN, RoleSessionName: "vault-x", DurationSeconds: 899 })).toBe(one("AssumeRoleInput"));
    expect(federationTokenInputError({ Name: "vault-x", DurationSeconds: 60 })).toBe(one("GetFederationTokenInput"));
    expect(sessionTokenInputError({ DurationSeconds: 0 })).toBe(one("GetSessionTokenInput"));
  });

  it("lists every problem of AssumeRole in the SDK's order, nested fields with their index", () => {
    expect(
      assumeRoleInputError({
        RoleArn: "arn:short",
        RoleSessionName: "x",
        DurationSeconds: 10,
        ExternalId: "e",
        PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, { arn: "arn:x" }],
        Tags: [{ Key: "", Value: "v" }],
      }),
    ).toBe(
      "InvalidParameter: 6 validation error(s) found.\n" +
        "- minimum field value of 900, AssumeRoleInput.DurationSeconds.\n" +
        "- minimum field size of 2, AssumeRoleInput.ExternalId.\n" +
        "- minimum field size of 20, AssumeRoleInput.RoleArn.\n" +
        "- minimum field size of 2, AssumeRoleInput.RoleSessionName.\n" +
        "- minimum field size of 20, AssumeRoleInput.PolicyArns[1].Arn.\n" +
        "- minimum field size of 1, AssumeRoleInput.Tags[0].Key.\n",
    );
  });

  it("checks GetFederationToken's name and GetSessionToken's serial and code", () => {
    expect(federationTokenInputError({ Name: "v", DurationSeconds: 3600, PolicyArns: [{ arn: "a" }] })).toBe(
      "InvalidParameter: 2 validation error(s) found.\n" +
        "- minimum field size of 2, GetFederationTokenInput.Name.\n" +
        "- minimum field size of 20, GetFederationTokenInput.PolicyArns[0].Arn.\n",
    );
    expect(sessionTokenInputError({ DurationSeconds: 3600, SerialNumber: "GAHT1", TokenCode: "123" })).toBe(
      "InvalidParameter: 2 validation error(s) found.\n" +
        "- minimum field size of 9, GetSessionTokenInput.SerialNumber.\n" +
        "- minimum field size of 6, GetSessionTokenInput.TokenCode.\n",
    );
  });

  it("measures lengths in UTF-8 bytes, as Go's len does", () => {
    // "é" is two bytes: long enough for a two-character minimum.
    expect(assumeRoleInputError({ RoleArn: ROLE_ARN, RoleSessionName: "é", DurationSeconds: 900 })).toBeUndefined();
  });
});
