// How long one AWS call may take, retries included. Vault gives a request 90 s before it answers
// the client with a timeout of its own; an AWS call that outlives that has no one left to answer,
// so every call ends, with a classified error, well before: no attempt outlives the socket limits
// of src/aws/clients.ts, and a retry is only started when it can end within the call's budget.
//
// The strategy below is the SDK's standard one (retry throttling and transient failures, capped
// exponential backoff with full jitter, a server's Retry-After honoured) plus that budget. It is
// written here, not wrapped, because the SDK's own classes live in a package this project does not
// depend on directly; the types come from the client config, so they follow the SDK's.
import type { IAMClientConfig } from "@aws-sdk/client-iam";

type RetryStrategyV2 = Extract<NonNullable<IAMClientConfig["retryStrategy"]>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2["acquireInitialRetryToken"]>>;
type RetryErrorInfo = Parameters<RetryStrategyV2["refreshRetryTokenForRetry"]>[1];

/** The numbers that bound one AWS call; see src/aws/clients.ts for the values in use. */
export interface CallLimits {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Longest one attempt can last (connection, answer and body together). */
  attemptMs: number;
  /** Longest the whole call may last, retries and backoff included. */
  budgetMs: number;
}

/** The SDK's backoff bases: 100 ms, 500 ms after throttling; never more than 20 s. */
const BASE_DELAY_MS = 100;
const THROTTLED_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

class BudgetToken implements RetryToken {
  constructor(
    readonly startedAt: number,
    private readonly count: number,
    private readonly delay: number,
  ) {}

  getRetryCount(): number {
    return this.count;
  }

  getRetryDelay(): number {
    return this.delay;
  }
}

/** Thrown to the SDK's retry loop, which then throws the call's last error unchanged. */
class NoRetry extends Error {
  override readonly name = "NoRetry";
}

/**
 * A retry strategy bounded by `limits`: attempt n+1 starts only when n < maxAttempts - 1 and
 * elapsed time + backoff + one whole attempt fits in the budget. `now` and `random` are the clock
 * and jitter source (tests pass their own).
 */
export class BudgetedRetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";

  constructor(
    private readonly limits: CallLimits,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(new BudgetToken(this.now(), 0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const startedAt = token instanceof BudgetToken ? token.startedAt : this.now();
    const retries = token.getRetryCount();
    const retryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
    if (!retryable || retries + 1 >= this.limits.maxAttempts) return Promise.reject(new NoRetry("not retried"));
    const delay = this.delayFor(retries, info);
    if (this.now() - startedAt + delay + this.limits.attemptMs > this.limits.budgetMs) return Promise.reject(new NoRetry("no time left"));
    return Promise.resolve(new BudgetToken(startedAt, retries + 1, delay));
  }

  recordSuccess(): void {}

  /** The SDK's delay: full jitter over base × 2^retries, at most 20 s; a Retry-After adds up to 5 s. */
  private delayFor(retries: number, info: RetryErrorInfo): number {
    const base = info.errorType === "THROTTLING" ? THROTTLED_BASE_DELAY_MS : BASE_DELAY_MS;
    const delay = Math.floor(this.random() * Math.min(MAX_DELAY_MS, base * 2 ** retries));
    const hint = info.retryAfterHint;
    if (hint instanceof Date) return Math.max(delay, Math.min(hint.getTime() - this.now(), delay + 5_000));
    return delay;
  }
}
