/** The audit trail: whether the hash chain is intact, and the history of a stocktake or a document. */
import { z } from 'zod';
import { auditHistory, verifyAudit } from '../../services/audit.ts';
import { getDocument } from '../../services/documents.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { AuditHistory, AuditVerdict } from './schemas.ts';

export const auditRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    summary: 'Check the hash chain of the audit log',
    description: 'Answers 200 either way: `ok: false` names the first row that was edited, removed or reordered.',
    tags: ['audit'],
    status: 200,
    response: { description: 'the verdict', schema: AuditVerdict },
    handle: (c) => verifyAudit(c.get('deps').db),
  }),
  defineRoute({
    method: 'get',
    path: '/audit',
    operationId: 'auditHistory',
    summary: 'The audit history of a stocktake or a document',
    tags: ['audit'],
    query: z
      .object({
        stocktake: z.string().trim().min(1).optional().describe('stocktake code or id'),
        document: z.string().trim().min(1).optional().describe('document number or id'),
      })
      .strict()
      .refine((q) => (q.stocktake === undefined) !== (q.document === undefined), {
        message: 'give exactly one of stocktake and document',
        path: ['stocktake'],
      }),
    status: 200,
    response: { description: 'the entries, oldest first', schema: AuditHistory },
    errors: [403, 404],
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      if (query.document) {
        const doc = await getDocument(db, query.document, actor);
        await requireReader(db, actor, doc.warehouse, `document ${doc.number}`);
        return { entries: await auditHistory(db, { documentId: doc.id }) };
      }
      const st = await getStocktake(db, query.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      return { entries: await auditHistory(db, { stocktakeId: st.id }) };
    },
  }),
];
