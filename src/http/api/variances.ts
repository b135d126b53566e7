/** Variances: the filtered, sorted, paged list, and the review actions on one line. */
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import { lineRef } from '../../domain/stocktake.ts';
import type { CommandContext } from '../../domain/people.ts';
import { addNote, assignOwner, confirmVariance, reopenVariance, requestRecount, tagCause, type ReviewLine } from '../../services/review.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { blindLine, showsBookFigures } from '../../services/blind.ts';
import { NotAllowedError } from '../../domain/errors.ts';
import { queryVariances, type VarianceListLine } from '../../services/varianceQuery.ts';
import { requireReader } from './access.ts';
import { queryBoolean, queryList } from './input.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { REVIEW_STATUSES, ReviewResult, VariancePage } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';
import { httpTexts } from '../../domain/texts/http.ts';

const LINE_PARAMS = {
  ...STOCKTAKE_PARAM,
  line: 'SKU, or SKU@LOCATION when the SKU has several lines, SKU@LOCATION#LOT for a lot (URL-encoded: # is %23)',
};

const listQuery = z
  .object({
    status: queryList(REVIEW_STATUSES)
      .optional()
      .describe(
        `review status, or several separated by commas: ${REVIEW_STATUSES.join(', ')} (none = no variance to review, or counting still open)`,
      ),
    direction: z.enum(['gain', 'loss', 'match']).optional(),
    cause: z.string().trim().min(1).optional().describe('cause code tagged'),
    location: z.string().trim().optional().describe('exact location (empty: lines without one)'),
    owner: z.string().trim().min(1).optional().describe('owner of the line: handle or platform:id'),
    onlyDiff: queryBoolean.optional().describe('true: leave out lines that match the book'),
    sort: z.enum(['sku', 'value']).default('sku').describe('sku: by SKU and location; value: largest absolute value first'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/** A line of the list as the API shows it: the SKU@LOCATION the line actions take, then the line. */
const toApiLine = (l: VarianceListLine) => ({ line: lineRef(l), ...l });

/** One review action on a line: POST /stocktakes/{stocktake}/variances/{line}/<verb>. */
function lineAction<B extends z.ZodType>(
  verb: string,
  operationId: string,
  summary: string,
  body: B,
  act: (db: Db, ctx: CommandContext, input: { stocktake: string; line: string }, body: z.output<B>) => Promise<ReviewLine>,
): ApiRoute {
  return defineRoute({
    method: 'post',
    path: `/stocktakes/{stocktake}/variances/{line}/${verb}`,
    operationId,
    summary,
    description: "By the line's owner, or a supervisor, manager or admin of the warehouse; the stocktake must be in review.",
    tags: ['variances'],
    params: LINE_PARAMS,
    body,
    status: 200,
    response: { description: 'the line after the action', schema: ReviewResult },
    errors: [403, 404, 409],
    handle: (c, { params, body: input, ctx }) =>
      act(c.get('deps').db, ctx, { stocktake: params.stocktake!, line: params.line! }, input as z.output<B>),
  });
}

/** Filters and orders that would reveal the variance of a blind count to a counter. */
function refuseBlindFilters(handle: string, code: string, q: z.output<typeof listQuery>): void {
  const revealing = [q.direction ? 'direction' : null, q.onlyDiff ? 'onlyDiff' : null, q.sort === 'value' ? 'sort=value' : null].filter(
    (f): f is string => f !== null,
  );
  if (revealing.length > 0) throw new NotAllowedError(httpTexts.blindFilters(handle, revealing.join(', '), code));
}

export const varianceRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/variances',
    operationId: 'listVariances',
    summary: 'Variance lines with their review state, filtered, sorted and paged',
    description:
      'For a counter while a blind count (盲盘) is counting: lines carry no figures (BlindVarianceLine: still uncounted, counted, or recount needed), and filtering by direction or difference or sorting by value is refused (403).',
    tags: ['variances'],
    params: STOCKTAKE_PARAM,
    query: listQuery,
    status: 200,
    response: { description: 'a page of lines', schema: VariancePage },
    errors: [403, 404],
    async handle(c, { actor, params, query }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      if (await showsBookFigures(db, actor, st)) {
        const { total, lines } = await queryVariances(db, st, query);
        return {
          stocktake: st.code,
          limit: query.limit,
          offset: query.offset,
          total,
          bookFiguresHidden: false,
          lines: lines.map(toApiLine),
        };
      }
      refuseBlindFilters(actor.handle, st.code, query);
      const { total, lines } = await queryVariances(db, st, query);
      const blind = lines.map((l) => ({ line: lineRef(l), ...blindLine(l) }));
      return { stocktake: st.code, limit: query.limit, offset: query.offset, total, bookFiguresHidden: true, lines: blind };
    },
  }),
  lineAction('confirm', 'confirmVariance', 'Confirm a variance: the owner stands by the count', z.object({}).strict(), (db, ctx, input) =>
    confirmVariance(db, ctx, input),
  ),
  lineAction(
    'tag',
    'tagCause',
    'Tag the cause of a variance (and a note, which some causes require)',
    z
      .object({
        cause: z.string().trim().min(1, 'is required').describe('cause code from the catalogue'),
        note: z.string().trim().max(2000).optional(),
      })
      .strict(),
    (db, ctx, input, b) => tagCause(db, ctx, { ...input, cause: b.cause, ...(b.note ? { note: b.note } : {}) }),
  ),
  lineAction(
    'note',
    'addNote',
    'Add a note to a variance',
    z.object({ note: z.string().trim().min(1, 'is empty').max(2000) }).strict(),
    (db, ctx, input, b) => addNote(db, ctx, { ...input, note: b.note }),
  ),
  lineAction(
    'recount',
    'requestRecount',
    'Send a variance back to counting for a named person',
    z.object({ by: z.string().trim().min(1, 'is required').describe('who recounts: handle or platform:id') }).strict(),
    (db, ctx, input, b) => requestRecount(db, ctx, { ...input, recounter: b.by }),
  ),
  lineAction(
    'assign',
    'assignOwner',
    'Give a variance another owner (supervisors, managers, admins)',
    z.object({ owner: z.string().trim().min(1, 'is required').describe('the new owner: handle or platform:id') }).strict(),
    (db, ctx, input, b) => assignOwner(db, ctx, { ...input, owner: b.owner }),
  ),
  lineAction(
    'reopen',
    'reopenVariance',
    'Undo a review (撤销确认): a confirmed line not yet on a document goes back to open review, its cause and note kept',
    z.object({ reason: z.string().max(500).describe('why; required, shown on the line and kept in the audit trail') }).strict(),
    (db, ctx, input, b) => reopenVariance(db, ctx, { ...input, reason: b.reason }),
  ),
];
