// The go-plugin handshake: environment the host sets and the one line the plugin answers on
// stdout (protocol.md §1.2, §2.1; hashicorp/go-plugin constants.go, server.go).

export const MAGIC_COOKIE_KEY = "VAULT_BACKEND_PLUGIN";
export const MAGIC_COOKIE_VALUE = "6669da05-b1c8-4f49-97d9-c8e5bed98e20";
export const CORE_PROTOCOL_VERSION = 1;
/** Vault's v5 backend plugin protocol with AutoMTLS; v3/v4 are legacy and not served. */
export const APP_PROTOCOL_VERSION = 5;

export const ENV = {
  protocolVersions: "PLUGIN_PROTOCOL_VERSIONS",
  clientCert: "PLUGIN_CLIENT_CERT",
  multiplexGrpc: "PLUGIN_MULTIPLEX_GRPC",
  unixSocketDir: "PLUGIN_UNIX_SOCKET_DIR",
  unixSocketGroup: "PLUGIN_UNIX_SOCKET_GROUP",
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** OpenBao sets `BAO_x` and `VAULT_x`; the BAO name wins, as `api.ReadBaoVariable` does. */
export function readVaultVariable(env: Env, suffix: string): string | undefined {
  return env[`BAO_${suffix}`] ?? env[`VAULT_${suffix}`];
}

export class HandshakeError extends Error {
  override readonly name = "HandshakeError";
}

/** Refuses a launch that is not a backend-plugin launch, with the text go-plugin servers print. */
export function checkMagicCookie(env: Env): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new HandshakeError(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will\n" +
        "load any plugins automatically",
    );
  }
}

/**
 * Picks the app protocol from PLUGIN_PROTOCOL_VERSIONS. Only 5 is served; when the host offers
 * only older versions we still announce 5 so the host reports the mismatch (as Go servers do).
 */
export function negotiateProtocol(env: Env): { version: number; offered: boolean } {
  const offered = (env[ENV.protocolVersions] ?? "")
    .split(",")
    .map((v) => Number.parseInt(v.trim(), 10));
  return { version: APP_PROTOCOL_VERSION, offered: offered.includes(APP_PROTOCOL_VERSION) };
}

/** Unpadded standard base64, the only form the host's `RawStdEncoding` decoder accepts. */
export function rawStdBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}

export interface HandshakeLine {
  appProtocol: number;
  network: "unix" | "tcp";
  address: string;
  /** DER of the plugin's leaf certificate; omitted without AutoMTLS. */
  serverCertDer?: Uint8Array;
  /** Print the 7th field only when the host asked for broker multiplexing. */
  multiplexSupported?: boolean;
}

export function formatHandshake(line: HandshakeLine): string {
  const fields = [
    String(CORE_PROTOCOL_VERSION),
    String(line.appProtocol),
    line.network,
    line.address,
    "grpc",
    line.serverCertDer === undefined ? "" : rawStdBase64(line.serverCertDer),
  ];
  if (line.multiplexSupported !== undefined) fields.push(String(line.multiplexSupported));
  return `${fields.join("|")}\n`;
}
