/**
 * The API's boundary: JSON bodies, queries and the Idempotency-Key header, validated with zod. A refusal
 * is an InvalidInputError naming each field in `column`, so the client sees every problem at once.
 */
import { z } from 'zod';
import { InvalidInputError, type InputProblem } from '../../domain/errors.ts';
import { apiIdempotencyKey } from '../../domain/idempotency.ts';
import type { Actor } from '../../domain/people.ts';
import type { AppContext } from '../app.ts';

/** A ZodError's issues as problems, one per field (`step`, `lines.2`; unknown keys by name). */
export function zodProblems(error: z.ZodError): InputProblem[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        line: null,
        column: field ? `${field}.${key}` : key,
        message: `${field ? `${field}.${key}` : key} is not a known field`,
      }));
    }
    return [{ line: null, column: field || null, message: field ? `${field}: ${issue.message}` : issue.message }];
  });
}

/** Parses `value` with `schema`, or refuses naming every bad field of the `where` (body, query). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error);
  throw new InvalidInputError(`invalid ${where}: ${problems.map((p) => p.message).join('; ')}`, problems);
}

/** The request's JSON body; an empty body is `{}` (actions without input need none). */
export async function jsonBody(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`the request body is not valid JSON (${reason}); send JSON with Content-Type: application/json`, [
      { line: null, column: null, message: reason },
    ]);
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The `Idempotency-Key` header, namespaced to the caller (`api:<person id>:<key>`): the same key from two
 * callers are two keys, so one caller can neither replay nor block another's command.
 */
export function idempotencyKey(c: AppContext, actor: Actor): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new InvalidInputError('the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good choice)', [
      { line: null, column: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
    ]);
  }
  return apiIdempotencyKey(actor.personId, key);
}

/** A yes/no query parameter or form field: true, false, 1 or 0. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A comma-separated list of `values` ("open,recount"), as an array. */
export function queryList<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .refine((text) => text.split(',').every((v) => (values as readonly string[]).includes(v.trim())), {
      message: `must be one or more of ${values.join(', ')}, separated by commas`,
    })
    .transform((text) => text.split(',').map((v) => v.trim()) as T[number][]);
}
