/** KFP API errors, and which failures are transient; pure. */
import { taggedError } from "../dynamic/errors";
import { isNetworkError } from "../dynamic/http";

/** An HTTP answer that is not 2xx, carrying KFP's (or the API server proxy's) own message. */
export type KfpApiError = Error & { status: number; kfpMessage: string; method: string; path: string };

export function apiError(method: string, path: string, status: number, kfpMessage: string): KfpApiError {
  const message = `KFP ${method} ${path} answered HTTP ${status}: ${kfpMessage || "(no message)"}${hintFor(status)}`;
  return taggedError("KfpApiError", message, { status, kfpMessage, method, path });
}

/** A 2xx answer whose body is not JSON: an HTML error page from a proxy, or a body cut short. */
export type KfpBodyError = Error & { status: number; method: string; path: string };

export function bodyError(method: string, path: string, status: number, text: string): KfpBodyError {
  const what = text.trim().startsWith("<") ? "HTML, not JSON (a proxy's page?)" : "a body that is not whole JSON";
  const message = `KFP ${method} ${path} answered HTTP ${status} with ${what}: ${text.slice(0, 200)}`;
  return taggedError("KfpBodyError", message, { status, method, path });
}

export function isBodyError(e: unknown): e is KfpBodyError {
  return e instanceof Error && e.name === "KfpBodyError";
}

export function isApiError(e: unknown): e is KfpApiError {
  return e instanceof Error && e.name === "KfpApiError" && typeof (e as Partial<KfpApiError>).status === "number";
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return " (check the kubeconfig user's or bearer token's permissions)";
  if (status === 409) return " (an object with this name already exists)";
  if (status === 502 || status === 503 || status === 504)
    return " (KFP API server not ready or unreachable behind the proxy)";
  return "";
}

// Arrays, not Sets (rule 6 of stacks/dynamic/README.md).
const TRANSIENT_NETWORK_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
];
const OUTAGE_STATUSES = [502, 503, 504];

/** Worth another attempt: the connection failed, the server answered 5xx, or the body came back broken. */
export function isTransient(error: unknown): boolean {
  if (isApiError(error)) return error.status >= 500 && error.status <= 599;
  return isBodyError(error) || isOutage(error);
}

/**
 * What the API server (or the proxy in front of it) answers while it restarts: retried through the outage
 * window. A 500 is not among them: KFP also answers some lasting failures with 500, so it gets only the
 * policy's attempts.
 */
export function isOutage(error: unknown): boolean {
  if (isNetworkError(error)) return TRANSIENT_NETWORK_CODES.includes(error.networkCode);
  if (isApiError(error)) return OUTAGE_STATUSES.includes(error.status);
  return isBodyError(error);
}
