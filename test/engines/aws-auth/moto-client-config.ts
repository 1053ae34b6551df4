// config/client of a test mount pointing every AWS service at moto with moto's admin keys, stored
// as the config/client path stores it. `over` replaces members (e.g. other keys, no sts_region).
import { clientConfigEntry, clientConfigFromStorage } from "../../../src/engines/aws-auth/config-storage.js";
import type { Storage } from "../../../src/logical/index.js";
import type { MotoServer } from "../../helpers/moto.js";

export async function putMotoClientConfig(storage: Storage, moto: MotoServer, over: Record<string, unknown> = {}): Promise<void> {
  await clientConfigEntry.put(
    storage,
    clientConfigFromStorage({
      access_key: moto.rootCredentials.accessKeyId,
      secret_key: moto.rootCredentials.secretAccessKey,
      endpoint: moto.endpoint,
      iam_endpoint: moto.endpoint,
      sts_endpoint: moto.endpoint,
      sts_region: "us-east-1",
      max_retries: 0,
      ...over,
    }),
  );
}
