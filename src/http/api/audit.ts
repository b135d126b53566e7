/** The audit trail: whether the hash chain is intact, and the history of a stocktake or a document. */
import { z } from 'zod';
import { auditTexts } from '../../../cards/i18n/audit.ts';
import { auditHistory } from '../../services/audit.ts';
import { readAuditHead } from '../../services/auditHead.ts';
import { verifyAudit } from '../../services/auditVerify.ts';
import { pageLocale } from '../locale.ts';
import { getDocument } from '../../services/documents.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import { requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { AuditHistory, AuditVerdict } from './schemas.ts';
import { render } from '../../domain/phrase.ts';
import { httpTexts } from '../../domain/texts/http.ts';

export const auditRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    summary: 'Check the audit chain and its anchors',
    description:
      "Answers 200 either way: `ok: false` lists what was found — an edited, removed or reordered row, a removed tail, a re-hashed range, a bad checkpoint signature, a chain behind the published head — each with a message in the caller's language (Accept-Language, ?lang=).",
    tags: ['audit'],
    status: 200,
    response: { description: 'the verdict', schema: AuditVerdict },
    async handle(c) {
      const { db, audit } = c.get('deps');
      const t = auditTexts(pageLocale(c));
      let head = null;
      let headProblem = null;
      if (audit?.headFile) {
        try {
          head = await readAuditHead(audit.headFile);
        } catch (error) {
          headProblem = { source: audit.headFile, reason: error instanceof Error ? error.message : String(error) };
        }
      }
      const verdict = await verifyAudit(db, { key: audit?.key ?? null, head, headProblem });
      return {
        ...verdict,
        problems: verdict.problems.map((p) => ({ ...p, message: t.finding(p) })),
        warnings: verdict.warnings.map((w) => ({ ...w, message: t.warning(w) })),
      };
    },
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
        message: render(httpTexts.oneOfStocktakeDocument(), 'en', 'api'),
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
