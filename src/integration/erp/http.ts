import type { ErpKind } from './config.ts';
import { ErpError } from './errors.ts';

/** How long one request to an ERP may take before it counts as a (retryable) failure. */
export const ERP_TIMEOUT_MS = 30_000;

export interface ErpResponse {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
  text: string;
}

/**
 * One HTTP request to an ERP. A network error or timeout is a retryable ErpError; any HTTP answer is
 * returned for the connector to read in its ERP's own error shape. Secrets travel only in headers and
 * bodies, never in the messages made here.
 */
export async function erpFetch(erp: ErpKind, url: string, init: RequestInit & { timeoutMs?: number }): Promise<ErpResponse> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? ERP_TIMEOUT_MS) });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new ErpError(erp, `${new URL(url).origin} ${reason}`, { retryable: true, cause: error });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** An HTTP status a later attempt may get past: rate limits, timeouts and server errors. */
export const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** The start of a body for a message, without newlines. */
export const snippet = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 300);
