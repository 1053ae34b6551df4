// config/tidy/identity-accesslist and config/tidy/roletag-denylist: the periodic tidy's safety
// buffer and on/off switch per list. Stored under Vault's pre-1.7 keys (config-storage.ts).
import { definePath, field, type FieldData, type KeyedLock, type PathSpec } from "../../framework/index.js";
import type { JsonEntry } from "../../framework/storage-json.js";
import type { Request, Response } from "../../logical/index.js";
import { tidyAccessListConfigEntry, tidyDenyListConfigEntry, type TidyConfig } from "./config-storage.js";

/** Upstream's operationPrefixAWS. */
const OPERATION_PREFIX = "aws";

/** Seconds the periodic tidy waits past an entry's expiration when nothing is configured. */
export const DEFAULT_ACCESS_LIST_SAFETY_BUFFER = 259_200; // 72 hours
export const DEFAULT_DENY_LIST_SAFETY_BUFFER = 15_552_000; // 180 days

interface ConfigTidyVariant {
  pattern: string;
  entry: JsonEntry<TidyConfig>;
  defaultBuffer: number;
  bufferDescription: string;
  disableDescription: string;
  /** Operation-ID suffix stem: `<stem>-tidy-operation`, `<stem>-tidy-settings`. */
  suffixStem: string;
  helpSynopsis: string;
  helpDescription: string;
}

function fieldsFor(variant: ConfigTidyVariant) {
  return {
    safety_buffer: field.durationSeconds({ description: variant.bufferDescription, default: variant.defaultBuffer }),
    disable_periodic_tidy: field.bool({ description: variant.disableDescription, default: false }),
  };
}

type ConfigTidyFields = ReturnType<typeof fieldsFor>;

function configTidyPath(variant: ConfigTidyVariant, lock: KeyedLock): PathSpec<ConfigTidyFields> {
  const { entry } = variant;

  // Both create and update: a field left out keeps its stored value on update and takes its
  // default on create, as upstream.
  const write = (request: Request, data: FieldData<ConfigTidyFields>): Promise<Response | undefined> =>
    lock.run(entry.key, async () => {
      const config: TidyConfig = (await entry.get(request.storage)) ?? { safety_buffer: 0, disable_periodic_tidy: false };
      const creating = request.operation === "create";
      const buffer = data.getOk("safety_buffer");
      if (buffer.ok || creating) config.safety_buffer = buffer.value;
      const disable = data.getOk("disable_periodic_tidy");
      if (disable.ok || creating) config.disable_periodic_tidy = disable.value;
      await entry.put(request.storage, config);
      return undefined;
    });

  const read = async (request: Request): Promise<Response | undefined> => {
    const config = await entry.get(request.storage);
    if (config === undefined) return undefined;
    return { data: { safety_buffer: config.safety_buffer, disable_periodic_tidy: config.disable_periodic_tidy } };
  };

  const remove = (request: Request): Promise<Response | undefined> =>
    lock.run(entry.key, async () => {
      await entry.delete(request.storage);
      return undefined;
    });

  const configure = { operationVerb: "configure", operationSuffix: `${variant.suffixStem}-tidy-operation` };
  const settings = { operationSuffix: `${variant.suffixStem}-tidy-settings` };
  return definePath({
    pattern: variant.pattern,
    fields: fieldsFor(variant),
    displayAttrs: { operationPrefix: OPERATION_PREFIX },
    existenceCheck: async (request) => (await entry.get(request.storage)) !== undefined,
    operations: {
      create: { handler: write, displayAttrs: configure },
      update: { handler: write, displayAttrs: configure },
      read: { handler: read, displayAttrs: settings },
      delete: { handler: remove, displayAttrs: settings },
    },
    helpSynopsis: variant.helpSynopsis,
    helpDescription: variant.helpDescription,
  });
}

export function configTidyAccessListPath(lock: KeyedLock): PathSpec<ConfigTidyFields> {
  return configTidyPath(
    {
      pattern: "config/tidy/identity-accesslist$",
      entry: tidyAccessListConfigEntry,
      defaultBuffer: DEFAULT_ACCESS_LIST_SAFETY_BUFFER,
      bufferDescription: `How long past an identity's expiration its access-list entry is kept before
the tidy removes it.`,
      disableDescription: "If true, the periodic tidy leaves the 'identity-accesslist/<instance_id>' entries alone.",
      suffixStem: "identity-access-list",
      helpSynopsis: "Configure the periodic tidy of the identity access list.",
      helpDescription: `Once an hour the method removes identity access-list entries that expired more
than 'safety_buffer' ago (72h unless configured here). Set 'disable_periodic_tidy'
to stop that; 'tidy/identity-accesslist' still tidies on demand.`,
    },
    lock,
  );
}

export function configTidyDenyListPath(lock: KeyedLock): PathSpec<ConfigTidyFields> {
  return configTidyPath(
    {
      pattern: "config/tidy/roletag-denylist$",
      entry: tidyDenyListConfigEntry,
      defaultBuffer: DEFAULT_DENY_LIST_SAFETY_BUFFER,
      bufferDescription: `How long past a role tag's deny-list expiration the entry is kept before the
tidy removes it. Defaults to 4320h (180 days).`,
      disableDescription: "If true, the periodic tidy leaves the deny-listed role tags alone.",
      suffixStem: "role-tag-deny-list",
      helpSynopsis: "Configure the periodic tidy of the role-tag deny list.",
      helpDescription: `Once an hour the method removes deny-listed role tags whose entry expired more
than 'safety_buffer' ago (180 days unless configured here). Set
'disable_periodic_tidy' to stop that; 'tidy/roletag-denylist' still tidies on
demand.`,
    },
    lock,
  );
}
