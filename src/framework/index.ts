// The framework's public surface for engines.
export { defineBackend, type FrameworkBackend } from "./backend.js";
export { createFieldData, type FieldDataWithAliases } from "./field-data.js";
export { field, type FieldOptions } from "./field-types.js";
export { canonicalHeaderKey } from "./field-header.js";
export { DurationError, formatGoDuration, parseDurationSecond, parseGoDuration } from "./go-duration.js";
export { mergePatch, patchResource } from "./patch.js";
export { definePath } from "./path.js";
export {
  genericNameRegex,
  genericNameWithAtRegex,
  matchAllRegex,
  optionalGenericNameRegex,
  optionalParamRegex,
} from "./patterns.js";
export { DeclarationError } from "./router.js";
export { automatedRotationFields, pluginIdentityTokenFields } from "./enterprise-fields.js";
export * from "./types.js";
export {
  aliasLookaheadResponse,
  authRenewResponse,
  equivalentPolicies,
  loginResponse,
  newAuth,
  parseAddrs,
  parsePolicies,
  populateAuth,
  resolveRoleResponse,
  sanitizePolicies,
  type AuthRenewTerms,
  type LoginOptions,
} from "./auth.js";
export { calculateTtl, calculateTtlFromSystem, leaseExtend, type LeaseTerms, type TtlInput, type TtlResult } from "./lease.js";
export { KeyedLock } from "./locks.js";
export { goQuote, isPrint } from "./go-quote.js";
export { boundInput, MAX_QUOTED_INPUT, quoteInput } from "./error-text.js";
export { multiErrorText } from "./multierror.js";
export { primaryOwnsMountData, writeSafeReplicationState } from "./replication.js";
export { defineSecret, secretResponse, SECRET_TYPE_KEY } from "./secret.js";
export { jsonCollection, jsonEntry, StoredValueError } from "./storage-json.js";
export {
  emptyLegacyTokenParams,
  emptyTokenParams,
  legacyTokenFields,
  parseTokenFields,
  tokenFields,
  tokenParamsFromStorage,
  tokenParamsResponseData,
  tokenParamsToStorage,
  upgradeStoredTokenParams,
  withTokenFields,
  type LegacyTokenParams,
  type TokenParams,
} from "./token-fields.js";
export { DEFAULT_WAL_ROLLBACK_MIN_AGE_MS, deleteWal, deleteWalAfterReply, getWal, listWal, putWal, WAL_PREFIX } from "./wal.js";
export { compileTemplate, DEFAULT_TEMPLATE_LIMITS, formatGoTime, GoMap, GoStruct, TemplateError, TemplateLimitError, type TemplateLimitName, type TemplateLimits, type Template, type TemplateData, type TemplateFunc, type TemplateOptions } from "./template/index.js";
