/**
 * How an error appears in a log line: its class, code, message and stack, its scalar fields, and its
 * `cause` chain, each cause serialized the same way. Modelled on pino's `errWithCause` serializer, with two
 * differences that keep secrets and noise out of the logs:
 *
 * - only scalar fields are copied: an SDK error's `config`, `request` or `response` objects (axios keeps
 *   the Authorization header there) never reach a log line;
 * - a failed drizzle query (`Failed query: … params: …`) loses its parameters, which may hold an API key
 *   being looked up or a person's data; the query text and the database's reason (the cause) stay.
 */

/** Deeper causes than this are cut (a cycle, or a chain nobody reads to the end). */
const MAX_DEPTH = 8;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
  [field: string]: unknown;
}

/** pino serializer for the `error` and `err` fields; anything not error-like passes through. */
export function serializeError(value: unknown): unknown {
  return value instanceof Error ? serialize(value, 0, new Set()) : value;
}

function serialize(error: Error, depth: number, seen: Set<Error>): SerializedError {
  seen.add(error);
  const { message, stack } = withoutQueryParams(error);
  const out: SerializedError = { type: error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error', message };
  if (stack) out.stack = stack;
  for (const [key, value] of Object.entries(error)) {
    if (key in out || key === 'cause' || key === 'params') continue;
    if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value))
      out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) out.cause = nested(cause, depth, seen);
  if (error instanceof AggregateError) out.errors = error.errors.map((e: unknown) => nested(e, depth, seen));
  return out;
}

function nested(value: unknown, depth: number, seen: Set<Error>): SerializedError | string {
  if (!(value instanceof Error)) return String(value);
  if (seen.has(value)) return '[circular]';
  if (depth + 1 >= MAX_DEPTH) return `${value.name}: ${value.message} [deeper causes cut]`;
  return serialize(value, depth + 1, seen);
}

/** drizzle's DrizzleQueryError puts the bound parameters in its message (and so in its stack). */
function withoutQueryParams(error: Error): { message: string; stack: string | undefined } {
  const { query, params } = error as { query?: unknown; params?: unknown };
  if (typeof query !== 'string' || !Array.isArray(params)) return { message: error.message, stack: error.stack };
  const message = `Failed query: ${query} (parameters not logged)`;
  const stack = error.stack?.includes(error.message) ? error.stack.replace(error.message, message) : error.stack;
  return { message, stack };
}
