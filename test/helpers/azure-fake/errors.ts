// Error bodies in the shapes Azure's three surfaces use: ARM ({error:{code,message}}), Microsoft
// Graph (the same plus innerError) and the Entra token endpoint (OAuth error + AADSTS code).
import { guid } from "./ids.js";

export interface HttpReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): HttpReply {
  return { status, body: { error: { code, message } }, headers };
}

export function graphError(status: number, code: string, message: string): HttpReply {
  const innerError = { date: new Date().toISOString().slice(0, 19), "request-id": guid(), "client-request-id": guid() };
  return { status, body: { error: { code, message, innerError } } };
}

/** `{ error, error_description: "AADSTS<n>: …", error_codes, … }` as login.microsoftonline.com answers. */
export function aadError(status: number, error: string, aadsts: number, message: string): HttpReply {
  const traceId = guid();
  const correlationId = guid();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}

/** The managed-identity endpoint's OAuth-style error. */
export function imdsError(message: string, status = 400): HttpReply {
  return { status, body: { error: "invalid_request", error_description: message } };
}
