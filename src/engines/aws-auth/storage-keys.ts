// Storage keys, exactly as Vault's builtin aws auth method writes them, so a mount can move between
// Vault's engine and ours. The access and deny lists keep their pre-1.7 names in storage.
export const STORAGE = {
  clientConfig: "config/client",
  identityConfig: "config/identity",
  certificatePrefix: "config/certificate/",
  stsPrefix: "config/sts/",
  tidyAccessListConfig: "config/tidy/identity-whitelist",
  tidyDenyListConfig: "config/tidy/roletag-blacklist",
  version: "config/version",
  rolePrefix: "role/",
  accessListPrefix: "whitelist/identity/",
  denyListPrefix: "blacklist/roletag/",
} as const;
