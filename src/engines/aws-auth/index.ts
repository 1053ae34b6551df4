export { awsAuthBackendSpec, createAwsAuthBackend } from "./backend.js";
