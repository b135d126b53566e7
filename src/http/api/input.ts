/**
 * The API's boundary: JSON bodies, queries and the Idempotency-Key header, validated with zod. A refusal
 * is an InvalidInputError naming each field in `column`, so the client sees every problem at once.
 */
import { z } from 'zod';
import { InvalidInputError, problemOf, type InputProblem } from '../../domain/errors.ts';
import { inputTexts, zodIssuePhrase, zodMessage } from '../../domain/texts/input.ts';
import { apiIdempotencyKey } from '../../domain/idempotency.ts';
import type { Actor } from '../../domain/people.ts';
import type { AppContext } from '../app.ts';

/** A ZodError's issues as problems, one per field (`step`, `lines.2`; unknown keys by name). */
export function zodProblems(error: z.ZodError): InputProblem[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const name = field ? `${field}.${key}` : key;
        return problemOf(null, name, inputTexts.unknownField(name));
      });
    }
    return [problemOf(null, field || null, zodIssuePhrase(issue, field))];
  });
}

/** Parses `value` with `schema`, or refuses naming every bad field of the `where` (body, query). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error);
  throw new InvalidInputError(
    inputTexts.invalid(where, problems.map((p) => p.message).join('; '), problems.map((p) => p.column ?? where).join('、')),
    problems,
  );
}

/** The request's JSON body; an empty body is `{}` (actions without input need none). */
export async function jsonBody(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(inputTexts.notJson(reason), [problemOf(null, null, inputTexts.notJsonProblem(reason))]);
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
    throw new InvalidInputError(inputTexts.idempotencyKey(), [problemOf(null, 'Idempotency-Key', inputTexts.idempotencyKeyProblem())]);
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
      message: zodMessage(inputTexts.oneOrMoreOf(values.join(', '))),
    })
    .transform((text) => text.split(',').map((v) => v.trim()) as T[number][]);
}
