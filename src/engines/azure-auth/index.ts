export { azureAuthBackendSpec, createAzureAuthBackend } from "./backend.js";
