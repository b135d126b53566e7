/** The case library (事故案例库): list and search, one case, writing one up, closing its action. */
import { z } from 'zod';
import type { CaseDetail as Detail } from '../../services/cases.ts';
import { caseWarehouse, closeCase, createCase, getCase, listCases } from '../../services/cases.ts';
import { requireReader } from './access.ts';
import { defineRoute, API_BASE, type ApiRoute } from './route.ts';
import { CaseDetail, CaseList } from './schemas.ts';

const CASE_PARAM = { case: 'the case code, e.g. C-12' };

const listQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('words in Chinese or English (破损, pallet): cases matching every word, best first'),
    warehouse: z.string().trim().min(1).optional().describe('only this warehouse (its code)'),
    status: z.enum(['open', 'done']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const text = (max: number) => z.string().trim().min(1, 'is empty').max(max);

const createBody = z
  .object({
    stocktake: z.string().trim().min(1, 'is required').describe('the stocktake id or code'),
    lines: z.array(z.string().trim().min(1)).min(1, 'name at least one line').max(200).describe('SKU, SKU@LOCATION or SKU@LOCATION#LOT'),
    title: text(200),
    whatHappened: text(4000),
    cause: z.string().trim().min(1).optional().describe("the root cause from the catalogue; default: the first line's cause"),
    action: text(2000).describe('the corrective action'),
    actionOwner: z
      .string()
      .trim()
      .min(1, 'is required')
      .describe("the action's owner: handle or platform:id, with a role in the warehouse"),
    actionDue: z.string().trim().min(1, 'is required').describe('the due day, YYYY-MM-DD in the warehouse calendar'),
  })
  .strict();

const photoUrl = (sha256: string) => `${API_BASE}/photos/${sha256}`;

/** The case as the API shows it: photo links, and the history's essentials. */
function toApi(c: Detail) {
  return {
    ...c,
    photos: c.photos.map((p) => ({
      sha256: p.sha256,
      sku: p.sku,
      location: p.location,
      addedBy: p.addedBy,
      addedAt: p.addedAt,
      url: photoUrl(p.sha256),
      thumbnailUrl: `${photoUrl(p.sha256)}/thumbnail`,
    })),
    history: c.history.map((h) => ({ at: h.at, action: h.action, actorIdentity: h.actorIdentity, before: h.before, after: h.after })),
  };
}

export const caseRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: 'Cases of the case library, newest first; with q, a Chinese/English search, best match first',
    description:
      'Only cases of warehouses the caller holds a role in. The search cuts q into words: Latin words and numbers match case-insensitively as substrings, runs of Chinese characters by their character pairs (60 % of them must be found), the same on PGlite and Postgres.',
    tags: ['cases'],
    query: listQuery,
    status: 200,
    response: { description: 'the cases', schema: CaseList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      if (query.warehouse) await requireReader(db, actor, query.warehouse, `warehouse ${query.warehouse}`);
      const cases = await listCases(db, {
        readerPersonId: actor.personId,
        limit: query.limit,
        ...(query.q !== undefined ? { query: query.q } : {}),
        ...(query.warehouse ? { warehouse: query.warehouse } : {}),
        ...(query.status ? { status: query.status } : {}),
      });
      return { cases };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/{case}',
    operationId: 'getCase',
    summary: 'A case: its lines, photos, corrective action and history',
    tags: ['cases'],
    params: CASE_PARAM,
    status: 200,
    response: { description: 'the case', schema: CaseDetail },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const warehouse = await caseWarehouse(db, params.case!);
      await requireReader(db, actor, warehouse, `case ${params.case}`);
      return toApi(await getCase(db, params.case!));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/cases',
    operationId: 'createCase',
    summary: 'Write up explained variances of a stocktake as a case (写成案例)',
    description:
      "By the lines' owner, or a supervisor, manager or admin of the warehouse. Every line must have a cause and all must go the same way (gain or loss).",
    tags: ['cases'],
    body: createBody,
    status: 201,
    response: { description: 'the case written', schema: CaseDetail },
    errors: [403, 404],
    async handle(c, { ctx, body }) {
      const db = c.get('deps').db;
      const created = await createCase(db, ctx, {
        stocktake: body.stocktake,
        lines: body.lines,
        title: body.title,
        whatHappened: body.whatHappened,
        ...(body.cause ? { cause: body.cause } : {}),
        action: body.action,
        actionOwner: body.actionOwner,
        actionDue: body.actionDue,
      });
      return toApi(await getCase(db, created.code));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/cases/{case}/done',
    operationId: 'closeCase',
    summary: "Close a case's corrective action (open → done)",
    description: "By the action's owner, or a supervisor, manager or admin of the warehouse.",
    tags: ['cases'],
    params: CASE_PARAM,
    body: z.object({ note: z.string().trim().max(2000).optional().describe('what was done') }).strict(),
    status: 200,
    response: { description: 'the case, done', schema: CaseDetail },
    errors: [403, 404, 409],
    async handle(c, { ctx, params, body }) {
      const db = c.get('deps').db;
      const closed = await closeCase(db, ctx, { case: params.case!, ...(body.note ? { note: body.note } : {}) });
      return toApi(await getCase(db, closed.code));
    },
  }),
];
