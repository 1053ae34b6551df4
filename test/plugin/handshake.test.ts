import { describe, expect, it } from "vitest";
import {
  HandshakeError,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  checkMagicCookie,
  formatHandshake,
  negotiateProtocol,
  rawStdBase64,
  readVaultVariable,
} from "../../src/plugin/handshake.js";

describe("handshake line", () => {
  it("has six fields without PLUGIN_MULTIPLEX_GRPC", () => {
    const line = formatHandshake({ appProtocol: 5, network: "unix", address: "/tmp/plugin1", serverCertDer: Uint8Array.from([1, 2, 3, 4]) });
    expect(line).toBe("1|5|unix|/tmp/plugin1|grpc|AQIDBA\n");
  });

  it("carries a 7th field only when asked", () => {
    const line = formatHandshake({ appProtocol: 5, network: "tcp", address: "127.0.0.1:10000", multiplexSupported: true });
    expect(line).toBe("1|5|tcp|127.0.0.1:10000|grpc||true\n");
  });

  it.each([
    ["no padding needed", [1, 2, 3], "AQID"],
    ["one pad char dropped", [1, 2], "AQI"],
    ["two pad chars dropped", [1], "AQ"],
    ["standard alphabet, not URL-safe", [0xfb, 0xff], "+/8"],
  ])("encodes DER as unpadded standard base64: %s", (_name, bytes, text) => {
    expect(rawStdBase64(Uint8Array.from(bytes))).toBe(text);
  });
});

describe("launch checks", () => {
  it("accepts the backend-plugin cookie", () => {
    expect(() => checkMagicCookie({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE })).not.toThrow();
  });

  it.each([
    ["missing", {}],
    ["the database plugin cookie", { VAULT_DATABASE_PLUGIN: "926a0820-aea2-be28-51d6-83cdf00e8edb" }],
    ["a wrong value", { [MAGIC_COOKIE_KEY]: "x" }],
  ])("refuses a launch with the cookie %s", (_name, env) => {
    expect(() => checkMagicCookie(env)).toThrow(HandshakeError);
  });

  it.each([
    ["5", true],
    ["4,3", false],
    ["3, 5,4", true],
    ["", false],
  ])("announces protocol 5 whatever PLUGIN_PROTOCOL_VERSIONS=%j offers (offered: %s)", (versions, offered) => {
    expect(negotiateProtocol({ PLUGIN_PROTOCOL_VERSIONS: versions })).toEqual({ version: 5, offered });
  });

  it("reads BAO_ variables before VAULT_ ones", () => {
    expect(readVaultVariable({ BAO_VERSION: "2.6.1", VAULT_VERSION: "1.21.0" }, "VERSION")).toBe("2.6.1");
    expect(readVaultVariable({ VAULT_VERSION: "1.21.0" }, "VERSION")).toBe("1.21.0");
    expect(readVaultVariable({}, "VERSION")).toBeUndefined();
  });
});
