/** Gain/loss documents: list, show with lines and route, approve, reject. */
import { z } from 'zod';
import { approveDocument, rejectDocument } from '../../services/approvals.ts';
import { documentLines, getDocument, listDocuments } from '../../services/documents.ts';
import { documentSync } from '../../services/erp.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { readableWarehouses, requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { DocumentDetail, DocumentList, DocumentSummary } from './schemas.ts';

export const DOCUMENT_PARAM = { document: 'document number (PK-2026-0001, or WH1%2FPK-2026-0001 when two warehouses share it) or id' };

const step = z.number().int().min(1).optional().describe('the step you are deciding: refused as stale (409) if it has moved on');

export const documentRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/documents',
    operationId: 'listDocuments',
    summary: 'List gain/loss documents',
    description: 'Of one stocktake, or of every warehouse where the caller holds a role.',
    tags: ['documents'],
    query: z.object({ stocktake: z.string().trim().min(1).optional().describe('stocktake code or id') }).strict(),
    status: 200,
    response: { description: 'the documents, oldest first', schema: DocumentList },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      if (query.stocktake) {
        const st = await getStocktake(db, query.stocktake);
        await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
        return { documents: await listDocuments(db, { stocktake: st.id }) };
      }
      const readable = await readableWarehouses(db, actor);
      return { documents: (await listDocuments(db)).filter((d) => readable.has(d.warehouse)) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/documents/{document}',
    operationId: 'getDocument',
    summary: 'A document with its lines and approval route',
    tags: ['documents'],
    params: DOCUMENT_PARAM,
    status: 200,
    response: { description: 'the document', schema: DocumentDetail },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const doc = await getDocument(db, params.document!, actor);
      await requireReader(db, actor, doc.warehouse, `document ${doc.number}`);
      return { ...doc, lines: await documentLines(db, doc.id), erpSync: await documentSync(db, doc.id) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/documents/{document}/approve',
    operationId: 'approveDocument',
    summary: 'Approve the pending step; the last approval posts the document',
    description:
      'Needs the role of the pending step. Whoever counted or explained a line of the document may not approve it, and nobody approves two steps of one document.',
    tags: ['documents'],
    params: DOCUMENT_PARAM,
    body: z.object({ step }).strict(),
    status: 200,
    response: { description: 'the document after the decision', schema: DocumentSummary },
    errors: [403, 404, 409],
    handle: (c, { params, body, ctx }) =>
      approveDocument(c.get('deps').db, ctx, { document: params.document!, ...(body.step !== undefined ? { step: body.step } : {}) }),
  }),

  defineRoute({
    method: 'post',
    path: '/documents/{document}/reject',
    operationId: 'rejectDocument',
    summary: 'Reject the pending step: the lines go back to review with the reason',
    tags: ['documents'],
    params: DOCUMENT_PARAM,
    body: z.object({ reason: z.string().trim().min(1, 'is required (it is shown on the lines sent back)').max(2000), step }).strict(),
    status: 200,
    response: { description: 'the document, rejected', schema: DocumentSummary },
    errors: [403, 404, 409],
    handle: (c, { params, body, ctx }) =>
      rejectDocument(c.get('deps').db, ctx, {
        document: params.document!,
        reason: body.reason,
        ...(body.step !== undefined ? { step: body.step } : {}),
      }),
  }),
];
