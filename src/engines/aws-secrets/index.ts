export { createAwsSecretsBackend } from "./backend.js";
