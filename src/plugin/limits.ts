/** Vault raises gRPC message limits to MaxInt32 on both sides; grpc-js defaults to 4 MiB. */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;
