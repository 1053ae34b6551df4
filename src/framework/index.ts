export { defineBackend, type BackendSpec } from "./backend.js";
export { FieldData, type FieldSpec, type FieldSpecs } from "./field.js";
export { definePath, type Handler, type PathOperation, type PathSpec } from "./path.js";
export { DurationError, formatGoDuration, parseDurationSecond, parseGoDuration } from "./go-duration.js";
