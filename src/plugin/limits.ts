// gRPC options shared by the plugin's server and its broker channels.

/** Vault raises gRPC message limits to MaxInt32 on both sides; grpc-js defaults to 4 MiB. */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/**
 * Options for every server and channel: message limits as Vault's, and channelz off — nobody
 * can query it inside a plugin, and its per-call bookkeeping was ~3% of a storage-backed read.
 */
export const GRPC_OPTIONS = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  "grpc.enable_channelz": 0,
} as const;
