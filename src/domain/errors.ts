import { isPhrase, render, renderAll, type Phrase, type PhraseLocale, type Surface } from './phrase.ts';
import { commonTexts } from './texts/common.ts';
import { causeTexts } from './texts/causes.ts';

/** A text in each language a person may choose (cards/i18n has the catalogues). */
export type LocalizedText = Readonly<Record<'zh-CN' | 'en', string>>;

/** Where a problem in an input file or command is: a spreadsheet line (header = 1) and a column. */
export interface InputProblem {
  line: number | null;
  column: string | null;
  /** In English (CLI, logs, API clients). */
  message: string;
  /** The message in every language, when it comes from a catalogue; chats and pages show their own. */
  localized?: LocalizedText;
  /** The catalogue entry it was worded from (src/domain/texts), for surfaces with their own advice. */
  phrase?: Phrase;
}

/** A problem worded from a catalogue entry: `message` in English for the CLI, `localized` for chats. */
export function problemOf(line: number | null, column: string | null, phrase: Phrase): InputProblem {
  return { line, column, message: render(phrase, 'en', 'cli'), localized: renderAll(phrase, 'chat'), phrase };
}

/** A problem's text for a reader: from its phrase when it has one, else its localized words, else English. */
export function problemText(problem: InputProblem, locale: PhraseLocale, surface: Surface): string {
  if (problem.phrase) return render(problem.phrase, locale, surface);
  return problem.localized?.[locale] ?? problem.message;
}

/**
 * Every code a domain error can carry: src/http/errors.ts maps each to a status, keyed by this type, so a
 * new code cannot silently become a 400.
 */
export type DomainErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'STOCKTAKE_STATE'
  | 'DUPLICATE_IMPORT'
  | 'STOCKTAKE_ALREADY_OPEN'
  | 'NOT_ALLOWED'
  | 'STALE'
  | 'FORGED_ACTION'
  | 'UNAUTHENTICATED'
  | 'PAYLOAD_TOO_LARGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'MISDIRECTED_HOST';

/**
 * Base of every error a user can fix themselves; the CLI exits 2 and the bots answer with a card. Like
 * grammY's errors: `name` is the class's own name (so a log or a stack says `NotFoundError`, not `Error`),
 * and `{ cause }` keeps the error it was made from, for the log.
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** The message in every language as a chat shows it (chats and pages show their own). */
  readonly localized?: LocalizedText;
  /** The catalogue entry the message was worded from (src/domain/texts). */
  readonly phrase?: Phrase;
  /**
   * `message` may be a phrase from a catalogue (src/domain/texts): then `message` is its English for the
   * command line and logs, `localized` its words for chats, and `textFor` words it for any reader.
   */
  constructor(message: string | Phrase, options?: { cause?: unknown; localized?: LocalizedText }) {
    super(isPhrase(message) ? render(message, 'en', 'cli') : message, options);
    this.name = new.target.name;
    if (isPhrase(message)) {
      this.phrase = message;
      this.localized = renderAll(message, 'chat');
    } else if (options?.localized) this.localized = options.localized;
  }

  /** The message for a reader: their language, and the advice that fits where they read it. */
  textFor(locale: PhraseLocale, surface: Surface): string {
    if (this.phrase) return render(this.phrase, locale, surface);
    return this.localized?.[locale] ?? this.message;
  }
}

/** Input that cannot be accepted. Lists every problem found, not just the first. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(
    message: string | Phrase,
    readonly problems: InputProblem[] = [],
    options?: { cause?: unknown; localized?: LocalizedText },
  ) {
    super(message, options);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly key: string,
    /** The whole message worded from a catalogue (what is missing and what to do), or a hint in English. */
    hint: Phrase | string = '',
    options?: { cause?: unknown; localized?: LocalizedText },
  ) {
    super(
      isPhrase(hint) ? hint : hint ? `${entity} ${JSON.stringify(key)} not found; ${hint}` : commonTexts.notFound(entity, key),
      options,
    );
  }
}

/** The command does not fit the stocktake's current status (e.g. importing counts after counting closed). */
export class StocktakeStateError extends DomainError {
  readonly code = 'STOCKTAKE_STATE';
}

/**
 * A workbook with data on several sheets: which one to import is the sender's call. `sheets` lists them,
 * so a chat can offer one button per sheet and the CLI and API name them.
 */
export class ChooseSheetError extends InvalidInputError {
  constructor(
    message: string | Phrase,
    readonly fileName: string,
    readonly sheets: string[],
    options?: { localized?: LocalizedText },
  ) {
    super(message, [], options);
  }
}

/**
 * A cause whose catalogue entry needs a note, tagged without one (on the line or with the tag). A chat
 * answers it by asking for the note and tagging both together; `cause` names what was picked.
 */
export class NoteRequiredError extends InvalidInputError {
  constructor(readonly picked: { code: string; labelEn: string; labelZh: string }) {
    super(causeTexts.noteRequired(picked.code, picked.labelEn, picked.labelZh));
  }
}

/** The identical file was already imported into this stocktake. */
export class DuplicateImportError extends DomainError {
  readonly code = 'DUPLICATE_IMPORT';
  constructor(readonly earlier: { id: string; fileName: string; importedAt: string; counter: string }) {
    super(commonTexts.duplicateImport(earlier.id, earlier.fileName, earlier.counter, earlier.importedAt));
  }
}

/** Starting a stocktake while the warehouse already has an open one. */
export class StocktakeAlreadyOpenError extends DomainError {
  readonly code = 'STOCKTAKE_ALREADY_OPEN';
  constructor(
    readonly warehouseCode: string,
    readonly openCode: string,
  ) {
    super(commonTexts.stocktakeAlreadyOpen(warehouseCode, openCode));
  }
}

/** The actor may not do this (missing role, segregation of duties); the message says why. */
export class NotAllowedError extends DomainError {
  readonly code = 'NOT_ALLOWED';
}

/** The target has moved on since the command was issued (a decided step, a submitted line). */
export class StaleCommandError extends DomainError {
  readonly code = 'STALE';
}

/**
 * A tap on a button this installation signed whose stored intent is gone: older than the button retention
 * window (src/domain/retention.ts). Nothing is done; the dispatcher refreshes the card if it knows it.
 */
export class ExpiredActionError extends StaleCommandError {}

/** A tap whose token this installation did not sign (forged, altered or from another installation). */
export class ForgedActionError extends DomainError {
  readonly code = 'FORGED_ACTION';
}

/**
 * An idempotency key sent again with another command, target or input: a key names one action, so the
 * second action is refused rather than answered with the first one's result (and silently dropped).
 */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(
    /** The key as its sender wrote it (the API's per-caller prefix removed). */
    readonly key: string,
    readonly earlierCommand: string,
    readonly command: string,
  ) {
    super(
      earlierCommand === command
        ? commonTexts.idempotencyReusedSame(key, command)
        : commonTexts.idempotencyReusedOther(key, earlierCommand, command),
    );
  }
}
