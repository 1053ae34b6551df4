/** Prefix of every OpenAPI operation ID of this engine, as upstream's `operationPrefixAWS`. */
export const OPERATION_PREFIX = "aws";
