/**
 * Where the approval centres call us back when an approver approves or rejects there: one POST route per
 * platform. The platform's half (bots/<platform>/centre.ts) authenticates and reads the request and words
 * the answer; this half applies the decision through decideFromCentre (the same service as a card tap),
 * within the platform's deadline, and nudges the centre sync so every other place shows the outcome.
 */
import type { Hono } from 'hono';
import { DomainError, InvalidInputError, NotAllowedError, StaleCommandError } from '../domain/errors.ts';
import type { Phrase } from '../domain/phrase.ts';
import { centreTexts } from '../domain/texts/centres.ts';
import { decideFromCentre, type CentreDecision, type CentrePlatform } from '../services/approvalCentres.ts';
import type { AppEnv } from './app.ts';

/** What a platform's callback request turned out to be. */
export type CentreCallback =
  | { kind: 'decision'; decision: CentreDecision }
  /** Not from the platform (token, signature or context does not match): refused, nothing done. */
  | { kind: 'forged'; reason: string }
  /** A request the platform makes that is no decision (a URL check): answered as is. */
  | { kind: 'answer'; status: number; body: unknown };

/** How the outcome of a callback is told to the platform (its status codes and body shape). */
export type CentreOutcome =
  | { kind: 'done'; number: string }
  | {
      kind: 'refused';
      reason: 'forged' | 'not-allowed' | 'stale' | 'invalid' | 'late' | 'failed';
      message: Record<'zh-CN' | 'en', string>;
    };

/** A platform's callback half, from bots/<platform>/centre.ts. */
export interface CentreCallbacks {
  readonly platform: CentrePlatform;
  /** The route's path, e.g. /centres/feishu. */
  readonly path: string;
  /** How long the platform waits for our answer; we answer a little before. */
  readonly deadlineMs: number;
  read(request: { headers: Headers; body: string }): CentreCallback;
  answer(outcome: CentreOutcome): { status: number; body: unknown };
}

const LATE = Symbol('late');

function words(phrase: Phrase): Record<'zh-CN' | 'en', string> {
  return { 'zh-CN': phrase.words.zh, en: phrase.words.en };
}

function refusalOf(error: unknown): CentreOutcome {
  if (error instanceof DomainError) {
    const reason =
      error instanceof StaleCommandError
        ? 'stale'
        : error instanceof NotAllowedError
          ? 'not-allowed'
          : error instanceof InvalidInputError
            ? 'invalid'
            : 'invalid';
    return { kind: 'refused', reason, message: { 'zh-CN': error.textFor('zh-CN', 'chat'), en: error.textFor('en', 'chat') } };
  }
  return { kind: 'refused', reason: 'failed', message: words(centreTexts.failed()) };
}

/** Mounts each centre's callback route; `nudge` asks the centre sync for a pass after a decision. */
export function mountCentres(callbacks: readonly CentreCallbacks[], nudge: () => void) {
  return (app: Hono<AppEnv>) => {
    for (const cb of callbacks) {
      app.post(cb.path, async (c) => {
        const log = c.get('log') ?? c.get('deps').log;
        const reply = (outcome: CentreOutcome) => {
          const { status, body } = cb.answer(outcome);
          return c.json(body as object, status as 200);
        };
        const body = await c.req.text();
        const read = cb.read({ headers: c.req.raw.headers, body });
        if (read.kind === 'answer') return c.json(read.body as object, read.status as 200);
        if (read.kind === 'forged') {
          log('warn', 'refused an approval centre callback', { platform: cb.platform, reason: read.reason });
          return reply({ kind: 'refused', reason: 'forged', message: words(centreTexts.unknownTask(cb.platform)) });
        }
        const { decision } = read;
        const applied = decideFromCentre(c.get('deps').db, decision).then(
          (doc): CentreOutcome => ({ kind: 'done', number: doc.number }),
          (error: unknown): CentreOutcome => {
            if (!(error instanceof DomainError)) log('error', 'approval centre decision failed', { platform: cb.platform, error });
            return refusalOf(error);
          },
        );
        // Whatever the outcome, the centres are brought in line (a stale decision shows who decided).
        void applied.finally(nudge);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<typeof LATE>((resolve) => {
          timer = setTimeout(() => resolve(LATE), Math.max(cb.deadlineMs - 1_500, 500));
        });
        const outcome = await Promise.race([applied, late]).finally(() => clearTimeout(timer));
        if (outcome === LATE) {
          log('warn', 'approval centre decision not done within the deadline; it completes in the background', {
            platform: cb.platform,
            taskId: decision.taskId,
          });
          return reply({ kind: 'refused', reason: 'late', message: words(centreTexts.stillWorking()) });
        }
        if (outcome.kind === 'refused')
          log('info', 'approval centre decision refused', { platform: cb.platform, taskId: decision.taskId, reason: outcome.reason });
        return reply(outcome);
      });
    }
  };
}
