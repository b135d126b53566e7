/**
 * Idempotency keys. A key names one action: the same key with the same request is a retry (one effect,
 * the first answer), the same key with another command, target or input is refused. The API prefixes a
 * caller's key with their person id so two callers' keys never meet; messages show the key as sent.
 */
import { createHash } from 'node:crypto';

/** The API's key for a caller: `api:<person id>:<key>`. */
export const apiIdempotencyKey = (personId: string, key: string) => `api:${personId}:${key}`;

/** The key as its sender wrote it: without the API's per-caller prefix. */
export const shownIdempotencyKey = (key: string) => key.replace(/^api:[0-9a-f-]{36}:/, '');

/** JSON with object keys sorted and undefined fields left out, so equal requests write equal text. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** What a key is bound to: the command and its request (target and input), hashed. */
export function commandFingerprint(command: string, request: unknown): string {
  return createHash('sha256')
    .update(`${command}\n${canonical(request)}`)
    .digest('base64url');
}
