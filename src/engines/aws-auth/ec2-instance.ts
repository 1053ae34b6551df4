// The instance behind an ec2 login or renewal, as EC2 describes it: it must exist and be running.
import type { Ec2Instance } from "./aws-api.js";
import type { AwsAuthContext } from "./context.js";

export type RunningInstance = { instance: Ec2Instance } | { refused: string };

const q = (s: string): string => JSON.stringify(s);

/**
 * DescribeInstances for `instanceId` in `region` of `accountId`. A missing or not-running instance
 * is a refusal; a failed AWS call is too (upstream answers it in the same words), with its message.
 */
export async function runningInstance(
  ctx: AwsAuthContext,
  instanceId: string,
  region: string,
  accountId: string,
  signal?: AbortSignal,
): Promise<RunningInstance> {
  let instance: Ec2Instance | undefined;
  try {
    const ec2 = await ctx.clients.ec2(region, accountId, signal);
    instance = await ec2.describeInstance(instanceId);
  } catch (err) {
    signal?.throwIfAborted();
    const reason = err instanceof Error ? err.message : String(err);
    return { refused: `error fetching description for instance ID ${q(instanceId)}: ${reason}` };
  }
  if (instance === undefined) {
    return { refused: `no instance with ID ${q(instanceId)} found in region ${q(region)} of account ${q(accountId)}` };
  }
  if (instance.instanceId !== instanceId) return { refused: "expected instance ID not matching the instance ID in the instance description" };
  if (instance.state !== "running") return { refused: "instance is not in 'running' state" };
  return { instance };
}
