/** Domain errors as HTTP: a stable code, a status, the message and (for bad input) every problem with its place. */
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import {
  ChooseSheetError,
  DomainError,
  InvalidInputError,
  type DomainErrorCode,
  type InputProblem,
  type LocalizedText,
} from '../domain/errors.ts';
import { render, renderAll } from '../domain/phrase.ts';
import { httpTexts } from '../domain/texts/http.ts';

const STATUS: Record<DomainErrorCode, number> = {
  INVALID_INPUT: 400,
  FORGED_ACTION: 400,
  UNAUTHENTICATED: 401,
  NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  STALE: 409,
  STOCKTAKE_STATE: 409,
  DUPLICATE_IMPORT: 409,
  STOCKTAKE_ALREADY_OPEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  MISDIRECTED_HOST: 421,
};

/** The caller is not signed in (no key, a revoked key, no session). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** An upload over the limit. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export interface ErrorBody {
  error: { code: string; message: string; localized?: LocalizedText; problems?: InputProblem[]; sheets?: string[] };
}

/** Status and JSON body for an error; anything not a DomainError is a 500 with a reference, never its text. */
export function errorResponse(error: unknown, ref: string, surface: 'api' | 'page' = 'api'): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    return {
      status: STATUS[error.code],
      body: {
        error: {
          code: error.code,
          message: error.textFor('en', surface),
          ...(error.phrase ? { localized: renderAll(error.phrase, surface) } : error.localized ? { localized: error.localized } : {}),
          ...(error instanceof InvalidInputError && error.problems.length
            ? { problems: error.problems.map(({ phrase, ...problem }) => problem) }
            : {}),
          ...(error instanceof ChooseSheetError ? { sheets: error.sheets } : {}),
        },
      },
    };
  }
  if (isDatabaseUnavailable(error)) {
    // Nothing was applied (the transaction did not commit, or its answer was lost: resend with the same
    // Idempotency-Key and the first result comes back).
    return {
      status: 503,
      body: {
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: render(httpTexts.databaseUnavailable(ref), 'en', 'api'),
          localized: renderAll(httpTexts.databaseUnavailable(ref), 'api'),
        },
      },
    };
  }
  const internal = httpTexts.internal(ref);
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: render(internal, 'en', 'api'), localized: renderAll(internal, 'api') } },
  };
}
