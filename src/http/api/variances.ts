/** Variances: the filtered, sorted, paged list, and the review actions on one line. */
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import { parseDecimal } from '../../domain/decimal.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { CommandContext } from '../../domain/people.ts';
import { findPerson } from '../../services/people.ts';
import { addNote, assignOwner, confirmVariance, listReview, requestRecount, tagCause, type ReviewLine } from '../../services/review.ts';
import { reviewDetails, type ReviewDetail } from '../../services/reviewViews.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { listVariances, type VarianceLine } from '../../services/variances.ts';
import { requireReader } from './access.ts';
import { queryBoolean, queryList } from './input.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { REVIEW_STATUSES, ReviewResult, VariancePage } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

const LINE_PARAMS = { ...STOCKTAKE_PARAM, line: 'SKU, or SKU@LOCATION when the SKU has several lines (URL-encoded)' };

const listQuery = z.object({
  status: queryList(REVIEW_STATUSES).optional().describe(`review status, or several separated by commas: ${REVIEW_STATUSES.join(', ')} (none = no variance to review, or counting still open)`),
  direction: z.enum(['gain', 'loss', 'match']).optional(),
  cause: z.string().trim().min(1).optional().describe('cause code tagged'),
  location: z.string().trim().optional().describe('exact location (empty: lines without one)'),
  owner: z.string().trim().min(1).optional().describe('owner of the line: handle or platform:id'),
  onlyDiff: queryBoolean.optional().describe('true: leave out lines that match the book'),
  sort: z.enum(['sku', 'value']).default('sku').describe('sku: by SKU and location; value: largest absolute value first'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();

type Query = z.output<typeof listQuery>;
const keyOf = (l: { sku: string; location: string }) => `${l.sku}\u0000${l.location}`;

/** |value| in cents, for ordering by size without ever making a float of money. */
const magnitude = (value: string | null) => (value === null ? -1n : (parseDecimal(value.replace('-', ''), 2) as { value: bigint }).value);

async function variancePage(db: Db, stocktakeId: string, query: Query) {
  const owner = query.owner ? await findPerson(db, query.owner) : null;
  if (query.owner && !owner) throw new InvalidInputError(`owner: nobody is known as ${query.owner}`, [{ line: null, column: 'owner', message: `nobody is known as ${query.owner}` }]);
  const review = new Map((await listReview(db, stocktakeId)).map((r) => [keyOf(r), r]));
  let lines: { v: VarianceLine; r: ReviewLine | null }[] = (await listVariances(db, stocktakeId)).map((v) => ({ v, r: review.get(keyOf(v)) ?? null }));
  lines = lines.filter(({ v, r }) =>
    (!query.status || query.status.includes(r?.reviewStatus ?? 'none')) &&
    (!query.direction || v.direction === query.direction) &&
    (!query.cause || r?.causeCode === query.cause) &&
    (query.location === undefined || v.location === query.location) &&
    (!owner || r?.ownerId === owner.id) &&
    (!query.onlyDiff || v.direction !== 'match'),
  );
  if (query.sort === 'value') {
    const size = new Map(lines.map(({ v }) => [keyOf(v), magnitude(v.diffValue)]));
    lines.sort((a, b) => {
      const d = size.get(keyOf(b.v))! - size.get(keyOf(a.v))!;
      return d > 0n ? 1 : d < 0n ? -1 : 0;
    });
  }
  const page = lines.slice(query.offset, query.offset + query.limit);
  const details = new Map((await reviewDetails(db, stocktakeId, page.map(({ v }) => v))).map((d) => [keyOf(d), d]));
  return { total: lines.length, lines: page.map(({ v, r }) => toLine(v, r, details.get(keyOf(v)))) };
}

function toLine(v: VarianceLine, r: ReviewLine | null, d: ReviewDetail | undefined) {
  return {
    line: `${v.sku}@${v.location}`, sku: v.sku, location: v.location, itemName: d?.itemName ?? null, unit: d?.unit ?? null,
    bookQty: v.bookQty, movementQty: v.movementQty, expectedQty: v.expectedQty, countedQty: v.countedQty, diffQty: v.diffQty, diffValue: v.diffValue,
    unitCost: v.unitCost, direction: v.direction, countStatus: v.countStatus,
    reviewStatus: r?.reviewStatus ?? 'none', owner: d?.owner ?? null, dueAt: r?.dueAt ?? null, overdue: d?.overdue ?? false,
    causeCode: r?.causeCode ?? null, note: r?.note ?? null, suggestion: r?.suggestion ?? null, autoConfirmed: r?.autoConfirmed ?? false,
    recountBy: d?.recountBy ?? null, returnedReason: r?.returnedReason ?? null,
  };
}

/** One review action on a line: POST /stocktakes/{stocktake}/variances/{line}/<verb>. */
function lineAction<B extends z.ZodType>(verb: string, operationId: string, summary: string, body: B, act: (db: Db, ctx: CommandContext, input: { stocktake: string; line: string }, body: z.output<B>) => Promise<ReviewLine>): ApiRoute {
  return defineRoute({
    method: 'post',
    path: `/stocktakes/{stocktake}/variances/{line}/${verb}`,
    operationId,
    summary,
    description: 'By the line\'s owner, or a supervisor, manager or admin of the warehouse; the stocktake must be in review.',
    tags: ['variances'],
    params: LINE_PARAMS,
    body,
    status: 200,
    response: { description: 'the line after the action', schema: ReviewResult },
    errors: [403, 404, 409],
    handle: (c, { params, body: input, ctx }) => act(c.get('deps').db, ctx, { stocktake: params.stocktake!, line: params.line! }, input as z.output<B>),
  });
}

export const varianceRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/variances',
    operationId: 'listVariances',
    summary: 'Variance lines with their review state, filtered, sorted and paged',
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
      return { stocktake: st.code, limit: query.limit, offset: query.offset, ...(await variancePage(db, st.id, query)) };
    },
  }),
  lineAction('confirm', 'confirmVariance', 'Confirm a variance: the owner stands by the count', z.object({}).strict(), (db, ctx, input) => confirmVariance(db, ctx, input)),
  lineAction('tag', 'tagCause', 'Tag the cause of a variance (and a note, which some causes require)',
    z.object({ cause: z.string().trim().min(1, 'is required').describe('cause code from the catalogue'), note: z.string().trim().max(2000).optional() }).strict(),
    (db, ctx, input, b) => tagCause(db, ctx, { ...input, cause: b.cause, ...(b.note ? { note: b.note } : {}) })),
  lineAction('note', 'addNote', 'Add a note to a variance',
    z.object({ note: z.string().trim().min(1, 'is empty').max(2000) }).strict(),
    (db, ctx, input, b) => addNote(db, ctx, { ...input, note: b.note })),
  lineAction('recount', 'requestRecount', 'Send a variance back to counting for a named person',
    z.object({ by: z.string().trim().min(1, 'is required').describe('who recounts: handle or platform:id') }).strict(),
    (db, ctx, input, b) => requestRecount(db, ctx, { ...input, recounter: b.by })),
  lineAction('assign', 'assignOwner', 'Give a variance another owner (supervisors, managers, admins)',
    z.object({ owner: z.string().trim().min(1, 'is required').describe('the new owner: handle or platform:id') }).strict(),
    (db, ctx, input, b) => assignOwner(db, ctx, { ...input, owner: b.owner })),
];
