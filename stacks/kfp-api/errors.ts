/** KFP API errors, and which failures are transient; pure. */
import { isNetworkError } from "../dynamic/http";

/**
 * An HTTP answer that is not 2xx, carrying KFP's (or the API server proxy's) own message. A tagged
 * plain Error, not a subclass (see KfpNetworkError in dynamic/http.ts for why).
 */
export type KfpApiError = Error & { status: number; kfpMessage: string; method: string; path: string };

export function apiError(method: string, path: string, status: number, kfpMessage: string): KfpApiError {
  const message = `KFP ${method} ${path} answered HTTP ${status}: ${kfpMessage || "(no message)"}${hintFor(status)}`;
  return Object.assign(new Error(message), { name: "KfpApiError", status, kfpMessage, method, path });
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

// Arrays, not Sets: dynamic-provider serialization does not reproduce Set/Map contents.
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
const TRANSIENT_STATUSES = [502, 503, 504];

export function isTransient(error: unknown): boolean {
  if (isNetworkError(error)) return TRANSIENT_NETWORK_CODES.includes(error.networkCode);
  if (isApiError(error)) return TRANSIENT_STATUSES.includes(error.status);
  return false;
}
