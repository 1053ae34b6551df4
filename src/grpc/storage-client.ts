// logical.Storage over the brokered connection to Vault's `pb.Storage` server (protocol.md §5.1).
import type * as grpc from "@grpc/grpc-js";
import type { StorageDefinition } from "../generated/pb/Storage.js";
import type { Storage, StorageEntry } from "../logical/index.js";
import { protos } from "../plugin/proto.js";
import { unaryCall } from "../plugin/unary.js";
import { throwIfErr } from "./reply-errors.js";

export class GrpcStorage implements Storage {
  readonly #methods: StorageDefinition = protos().pb.Storage.service;

  constructor(private readonly channel: grpc.Channel) {}

  async list(prefix: string): Promise<string[]> {
    const reply = await unaryCall(this.channel, this.#methods.List, { prefix });
    throwIfErr(reply.err, "storage list");
    return reply.keys;
  }

  async get(key: string): Promise<StorageEntry | undefined> {
    const reply = await unaryCall(this.channel, this.#methods.Get, { key });
    throwIfErr(reply.err, "storage get");
    if (reply.entry === null) return undefined;
    return { key: reply.entry.key, value: reply.entry.value, sealWrap: reply.entry.seal_wrap };
  }

  async put(entry: StorageEntry): Promise<void> {
    const reply = await unaryCall(this.channel, this.#methods.Put, {
      entry: { key: entry.key, value: Buffer.from(entry.value), seal_wrap: entry.sealWrap ?? false },
    });
    throwIfErr(reply.err, "storage put");
  }

  async delete(key: string): Promise<void> {
    const reply = await unaryCall(this.channel, this.#methods.Delete, { key });
    throwIfErr(reply.err, "storage delete");
  }
}
