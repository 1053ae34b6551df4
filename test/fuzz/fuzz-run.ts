// Running a profile under fast-check with a fixed seed and run count, so `npm test` is repeatable
// and bounded; VNP_FUZZ_SEED and VNP_FUZZ_RUNS explore further. A failure names the seed, the
// shrunk steps and the property that broke.
import fc from "fast-check";
import { Coverage, FuzzSession, stepArbitrary, type FuzzProfile, type Step } from "./lib/driver.js";

export const DEFAULT_SEED = 20_261_203;

export interface FuzzRunOptions {
  seed: number;
  numRuns: number;
  maxSteps: number;
}

export function fuzzOptions(defaults: { numRuns: number; maxSteps: number }): FuzzRunOptions {
  const env = (name: string): number | undefined => {
    const text = process.env[name];
    return text === undefined || text === "" ? undefined : Number.parseInt(text, 10);
  };
  return { seed: env("VNP_FUZZ_SEED") ?? DEFAULT_SEED, numRuns: env("VNP_FUZZ_RUNS") ?? defaults.numRuns, maxSteps: defaults.maxSteps };
}

/** Runs the profile; resolves with the coverage, rejects with fast-check's report (seed included). */
export async function fuzzProfile(profile: FuzzProfile, options: FuzzRunOptions): Promise<Coverage> {
  const coverage = new Coverage();
  const probe = await profile.create();
  const steps = fc.array(stepArbitrary(profile, probe.backend), { minLength: 1, maxLength: options.maxSteps, size: "max" });
  const property = fc.asyncProperty(steps, async (list: Step[]) => {
    const session = await FuzzSession.start(profile, coverage);
    for (const step of list) await session.run(step);
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.numRuns, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: true });
  if (details.failed) {
    const header = `fuzz ${profile.name} failed: seed ${details.seed}, path "${details.counterexamplePath ?? ""}" ` +
      `(rerun with VNP_FUZZ_SEED=${details.seed} VNP_FUZZ_RUNS=${options.numRuns}); after ${details.numRuns} runs, ${details.numShrinks} shrinks`;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${header}\n${cause}`);
  }
  return coverage;
}
