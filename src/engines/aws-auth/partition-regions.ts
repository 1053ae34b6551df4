// IAM is global within a partition, but an SDK client still needs a region to find the
// partition's endpoint. IAM and STS ARNs carry the partition, not a region, so the method picks one
// region per partition (features.md B.1): us-east-1 for "aws" (always enabled, also for STS),
// us-gov-west-1 for GovCloud (the only region serving IAM there), any region elsewhere. Upstream
// builds the table from aws-sdk-go v1.55's endpoint list; aws-iso-f has no region there, so it is
// absent here too and such ARNs are refused as upstream refuses them.
import { quoteInput } from "../../framework/index.js";

const PARTITION_REGIONS: Readonly<Record<string, string>> = Object.freeze({
  aws: "us-east-1",
  "aws-cn": "cn-north-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-iso": "us-iso-east-1",
  "aws-iso-b": "us-isob-east-1",
  "aws-iso-e": "eu-isoe-west-1",
});

/** A region of `partition` to build its IAM client with, or undefined for an unknown partition. */
export function regionForPartition(partition: string): string | undefined {
  return Object.hasOwn(PARTITION_REGIONS, partition) ? PARTITION_REGIONS[partition] : undefined;
}

/** Upstream's refusal of an ARN whose partition has no region. */
export function unknownPartitionMessage(partition: string): string {
  return `unable to resolve partition ${quoteInput(partition)} to a region`;
}
