/** Prefix of every OpenAPI operation ID of this engine, as upstream's `operationPrefixAWS`. */
export const OPERATION_PREFIX = "aws";

/**
 * Operation properties of the writes upstream marks for forwarding (config/root, rotate-root,
 * static-roles): a standby or a performance secondary hands them to the primary's active node.
 */
export const FORWARDED = { forwardPerformanceStandby: true, forwardPerformanceSecondary: true } as const;
