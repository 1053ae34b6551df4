// The Enterprise-only fields Vault's SDK adds to an engine's configuration path
// (pluginidentityutil.AddPluginIdentityTokenFields, automatedrotationutil.AddAutomatedRotationFields).
// Community Edition declares them too, so clients see the same schema, and refuses to use them;
// each engine answers those refusals itself.
import { field } from "./field-types.js";

/** identity_token_audience and identity_token_ttl, shown in the UI group `group`. */
export function pluginIdentityTokenFields(group: string) {
  return {
    identity_token_audience: field.string({
      default: "",
      description: "Audience of plugin identity tokens (Vault Enterprise only).",
      displayAttrs: { group },
    }),
    identity_token_ttl: field.durationSeconds({
      default: 3600,
      description: "Lifetime of plugin identity tokens (Vault Enterprise only).",
      displayAttrs: { name: "Identity token TTL", group },
    }),
  };
}

/** rotation_schedule, rotation_window, rotation_period and disable_automated_rotation; `rotated` names what rotates. */
export function automatedRotationFields(group: string, rotated: string) {
  return {
    rotation_schedule: field.string({
      description: `Cron schedule for automated rotation of ${rotated} (Vault Enterprise only).`,
      displayAttrs: { group },
    }),
    rotation_window: field.durationSeconds({
      description: "How long after each scheduled time a rotation may still start (Vault Enterprise only).",
      displayAttrs: { group },
    }),
    rotation_period: field.durationSeconds({
      description: "Interval between automated rotations; excludes rotation_schedule (Vault Enterprise only).",
      displayAttrs: { group },
    }),
    disable_automated_rotation: field.bool({
      description: `Stop automated rotation of ${rotated} (Vault Enterprise only).`,
      displayAttrs: { group },
    }),
  };
}
