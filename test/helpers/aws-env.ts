// Keeps the host's AWS settings out of a test that builds real SDK clients: no instance metadata
// lookups, no shared config or credentials files, no profile, keys or region from the environment.
// Call it in beforeEach; vi.unstubAllEnvs() (afterEach) puts everything back.
import { vi } from "vitest";

export function isolateFromHostAwsConfig(): void {
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/vnp-aws-config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/vnp-aws-credentials");
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"]) {
    vi.stubEnv(name, undefined);
  }
}
