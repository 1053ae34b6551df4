// go-plugin's GRPCBroker, plugin side (protocol.md §4.3–4.4; hashicorp/go-plugin grpc_broker.go).
// The host calls StartStream once and sends ConnInfo{service_id, network, address} for each
// service it offers — for Vault, the Storage/SystemView server of each Setup. A ConnInfo may
// arrive before or after the Setup that asks for it, so both sides wait for each other by id.
import * as grpc from "@grpc/grpc-js";
import type { ConnInfo, ConnInfo__Output } from "../generated/plugin/ConnInfo.js";
import type { HclogLogger } from "./logger.js";
import { GRPC_OPTIONS } from "./limits.js";

/** How long a dial waits for its ConnInfo, and an unclaimed ConnInfo is kept (Go uses 5 s). */
const CONN_INFO_WAIT_MS = 10_000;

export interface BrokerTls {
  /** PEM of the host certificate: the only trust root. */
  rootPem: string;
  certPem: string;
  keyPem: string;
}

interface Waiter {
  resolve: (info: ConnInfo__Output) => void;
  timer: NodeJS.Timeout;
}

export class Broker {
  readonly #pending = new Map<number, { info: ConnInfo__Output; timer: NodeJS.Timeout }>();
  readonly #waiters = new Map<number, Waiter>();
  readonly #channels = new Set<grpc.Channel>();

  constructor(
    private readonly tls: BrokerTls | undefined,
    private readonly logger: HclogLogger,
  ) {}

  /** The StartStream handler: the host's half of the stream feeds ConnInfos in. */
  readonly startStream = (call: grpc.ServerDuplexStream<ConnInfo__Output, ConnInfo>): void => {
    call.on("data", (info: ConnInfo__Output) => {
      this.accept(info);
    });
    call.on("error", (err: Error) => {
      this.logger.debug("broker stream ended", { error: err.message });
    });
    call.on("end", () => {
      call.end();
    });
  };

  accept(info: ConnInfo__Output): void {
    if (info.knock?.knock === true) {
      this.logger.warn("ignoring a broker knock: multiplexed broker connections are not supported", { id: info.service_id });
      return;
    }
    const waiter = this.#waiters.get(info.service_id);
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      this.#waiters.delete(info.service_id);
      waiter.resolve(info);
      return;
    }
    const timer = setTimeout(() => this.#pending.delete(info.service_id), CONN_INFO_WAIT_MS);
    timer.unref();
    this.#pending.set(info.service_id, { info, timer });
  }

  /** Waits for the host's ConnInfo for `id`. */
  connInfo(id: number): Promise<ConnInfo__Output> {
    const buffered = this.#pending.get(id);
    if (buffered !== undefined) {
      clearTimeout(buffered.timer);
      this.#pending.delete(id);
      return Promise.resolve(buffered.info);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        reject(new Error(`timeout waiting for connection info for broker id ${id}`));
      }, CONN_INFO_WAIT_MS);
      this.#waiters.set(id, { resolve, timer });
    });
  }

  /** Dials the host's brokered server `id` with our certificate; one channel per id. */
  async dial(id: number): Promise<grpc.Channel> {
    const info = await this.connInfo(id);
    const target = info.network === "unix" ? `unix:${info.address}` : info.address;
    const credentials =
      this.tls === undefined
        ? grpc.credentials.createInsecure()
        : grpc.credentials.createSsl(Buffer.from(this.tls.rootPem), Buffer.from(this.tls.keyPem), Buffer.from(this.tls.certPem));
    const channel = new grpc.Channel(target, credentials, {
      // The target is a socket path; the host's certificate names `localhost`.
      "grpc.ssl_target_name_override": "localhost",
      "grpc.default_authority": "localhost",
      ...GRPC_OPTIONS,
    });
    this.#channels.add(channel);
    return channel;
  }

  release(channel: grpc.Channel): void {
    this.#channels.delete(channel);
    channel.close();
  }

  close(): void {
    for (const channel of this.#channels) channel.close();
    this.#channels.clear();
    for (const waiter of this.#waiters.values()) clearTimeout(waiter.timer);
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
  }
}
