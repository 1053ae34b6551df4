// logical.Storage over the brokered connection to Vault's `pb.Storage` server (protocol.md §5.1).
import * as grpc from "@grpc/grpc-js";
import type { StorageClient } from "../generated/pb/Storage.js";
import type { Storage, StorageEntry } from "../logical/index.js";
import { protos } from "../plugin/proto.js";
import { call, throwIfErr } from "./unary.js";

export class GrpcStorage implements Storage {
  readonly #client: StorageClient;

  constructor(channel: grpc.Channel) {
    const Client = protos().pb.Storage;
    this.#client = new Client("brokered", grpc.credentials.createInsecure(), { channelOverride: channel });
  }

  async list(prefix: string): Promise<string[]> {
    const reply = await call(this.#client.List.bind(this.#client), { prefix });
    throwIfErr(reply.err, "storage list");
    return reply.keys;
  }

  async get(key: string): Promise<StorageEntry | undefined> {
    const reply = await call(this.#client.Get.bind(this.#client), { key });
    throwIfErr(reply.err, "storage get");
    if (reply.entry === null) return undefined;
    return { key: reply.entry.key, value: reply.entry.value, sealWrap: reply.entry.seal_wrap };
  }

  async put(entry: StorageEntry): Promise<void> {
    const reply = await call(this.#client.Put.bind(this.#client), {
      entry: { key: entry.key, value: Buffer.from(entry.value), seal_wrap: entry.sealWrap ?? false },
    });
    throwIfErr(reply.err, "storage put");
  }

  async delete(key: string): Promise<void> {
    const reply = await call(this.#client.Delete.bind(this.#client), { key });
    throwIfErr(reply.err, "storage delete");
  }
}
