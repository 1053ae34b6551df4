import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrpcStorage } from "../../src/grpc/storage-client.js";
import { storageContract } from "../logical/storage.contract.js";
import { startStorageServer, type StorageServer } from "../helpers/storage-server.js";

const servers: StorageServer[] = [];
const channels: grpc.Channel[] = [];

afterAll(async () => {
  for (const channel of channels) channel.close();
  await Promise.all(servers.map((s) => s.close()));
});

storageContract("gRPC client", async () => {
  const server = await startStorageServer();
  servers.push(server);
  const channel = new grpc.Channel(`unix:${server.address}`, grpc.credentials.createInsecure(), {});
  channels.push(channel);
  return new GrpcStorage(channel);
});

describe("GrpcStorage errors", () => {
  let server: StorageServer;
  beforeAll(async () => {
    server = await startStorageServer();
    servers.push(server);
  });

  it("turns Vault's err string into a thrown error naming the operation", async () => {
    const channel = new grpc.Channel(`unix:${server.address}`, grpc.credentials.createInsecure(), {});
    channels.push(channel);
    const storage = new GrpcStorage(channel);
    await expect(storage.put({ key: "", value: Buffer.from("x") })).rejects.toThrow(/^storage put: storage key must not be empty/);
  });
});
