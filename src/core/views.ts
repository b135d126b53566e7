/**
 * Renders a card view from current data: the same view rendered later shows the later state, which is
 * what makes in-place updates and stale taps simple. Returns the entities the card shows, so that a change
 * to any of them updates it.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import { cardSchema, type Card } from '../../cards/model.ts';
import { messages, type Locale } from '../../cards/i18n/index.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { approvalCard, decisionResultCard } from '../../cards/templates/approval.ts';
import { recountRequestCard, varianceCard, variancePageCard } from '../../cards/templates/variance.ts';
import { statusCard } from '../../cards/templates/status.ts';
import { sheetChoiceCard } from '../../cards/templates/importSummary.ts';
import type { CauseOption, DocumentView, VarianceView } from '../../cards/templates/views.ts';
import { parseDecimal } from '../domain/decimal.ts';
import { hidesBookFigures, lineRef } from '../domain/stocktake.ts';
import { listCauses } from '../services/causes.ts';
import { documentPhotos } from '../services/photos.ts';
import { documentLines, getDocument, listDocuments, resolveDocument } from '../services/documents.ts';
import { documentSync } from '../services/erp.ts';
import { withdrawalOf } from '../services/undo.ts';
import { entityKeys, type CardView } from '../services/outbox.ts';
import { currencyOf, reviewCounts, reviewDetails, reviewPage, type ReviewDetail } from '../services/reviewViews.ts';
import { getStocktake, type StocktakeRef } from '../services/stocktakes.ts';
import { stocktakeStatus } from '../services/variances.ts';
import type { ActionMinter } from './actionToken.ts';

export interface RenderedView {
  card: Card;
  entities: string[];
  /** The view as it should be stored (a page keeps the lines it first showed). */
  view: CardView;
}

function context(locale: Locale, timezone: string, minter: ActionMinter): TemplateContext {
  return { locale, timezone, act: minter.act };
}

async function causeOptions(db: DbOrTx): Promise<CauseOption[]> {
  return (await listCauses(db)).map((c) => ({
    code: c.code,
    labelEn: c.labelEn,
    labelZh: c.labelZh,
    appliesTo: c.appliesTo,
    noteRequired: c.noteRequired,
  }));
}

function varianceView(st: StocktakeRef, currency: string, causes: CauseOption[], d: ReviewDetail): VarianceView {
  const fitting =
    d.direction === 'gain' || d.direction === 'loss' ? causes.filter((c) => c.appliesTo === 'both' || c.appliesTo === d.direction) : [];
  return { ...d, stocktakeId: st.id, stocktakeCode: st.code, stocktakeStatus: st.status, currency, causes: fitting };
}

/** Lines of largest value an approval card always shows. */
const APPROVAL_LARGEST_LINES = 10;
/** Lines an approval card shows at most: the largest, then lines with a note or photos. */
const APPROVAL_MAX_LINES = 20;

/**
 * The lines an approval card shows: the ones that weigh most and the ones explained with evidence (a note,
 * photos), at most APPROVAL_MAX_LINES, in the document's own order.
 */
export function approvalLines<L extends { lineNo: number; value: string; note: string | null }>(
  lines: readonly L[],
  photoCount: ReadonlyMap<number, number>,
): L[] {
  // Money is compared as scaled integers, never as floats.
  const magnitude = (v: string) => {
    const parsed = parseDecimal(v, 2, { allowNegative: true });
    const n = parsed.ok ? parsed.value : 0n;
    return n < 0n ? -n : n;
  };
  const byValue = [...lines].sort((a, b) => {
    const d = magnitude(b.value) - magnitude(a.value);
    return d > 0n ? 1 : d < 0n ? -1 : a.lineNo - b.lineNo;
  });
  const largest = byValue.slice(0, APPROVAL_LARGEST_LINES);
  const evidence = byValue.slice(APPROVAL_LARGEST_LINES).filter((l) => l.note || photoCount.has(l.lineNo));
  return [...largest, ...evidence].slice(0, APPROVAL_MAX_LINES).sort((a, b) => a.lineNo - b.lineNo);
}

export async function documentView(db: DbOrTx, documentId: string): Promise<DocumentView> {
  const doc = await getDocument(db, documentId);
  const lines = await documentLines(db, doc.id);
  const photos = await documentPhotos(db, doc.id);
  const photoCount = new Map(photos.map((p) => [p.lineNo, p.photos]));
  const shown = approvalLines(lines, photoCount);
  const withdrawal = doc.status === 'withdrawn' ? await withdrawalOf(db, doc.id) : null;
  return {
    ...(withdrawal ? { withdrawnBy: withdrawal.by, withdrawnReason: withdrawal.reason } : {}),
    id: doc.id,
    number: doc.number,
    kind: doc.kind,
    stocktakeCode: doc.stocktake,
    warehouse: doc.warehouse,
    status: doc.status,
    lineCount: doc.lineCount,
    totalQty: doc.totalQty,
    totalValue: doc.totalValue,
    currency: doc.currency,
    route: doc.route,
    lines: shown.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      location: l.location,
      ...(l.lot ? { lot: l.lot } : {}),
      qty: l.qty,
      value: l.value,
      causeEn: l.causeLabelEn ?? l.causeCode,
      causeZh: l.causeLabelZh ?? l.causeCode,
      note: l.note,
      photos: photoCount.get(l.lineNo) ?? 0,
    })),
    photos,
    erpTargets: doc.status === 'posted' ? (await documentSync(db, doc.id)).length : 0,
  };
}

/** What a variance card says instead of its figures while a blind count is counting. */
function blindNotice(st: StocktakeRef, locale: Locale, entities: string[], view: CardView): RenderedView {
  const b = messages(locale).blind;
  return { card: noticeCard(`${st.code} · ${b.label}`, b.hidden, 'info'), entities, view };
}

/** Renders a view in a locale, minting the tokens of its buttons into `minter`. */
export async function renderView(db: Db | DbOrTx, view: CardView, locale: Locale, minter: ActionMinter): Promise<RenderedView> {
  switch (view.kind) {
    case 'static':
      return { card: cardSchema.parse(view.card), entities: [], view };
    case 'sheetChoice': {
      const st = await getStocktake(db, view.stocktakeId);
      return { card: sheetChoiceCard(context(locale, st.timezone, minter), view), entities: [], view };
    }
    case 'variance':
    case 'recount': {
      const st = await getStocktake(db, view.stocktakeId);
      const entity = entityKeys.line(st.id, view.sku, view.location, view.lot);
      if (hidesBookFigures(st)) return blindNotice(st, locale, [entity], view);
      const [detail] = await reviewDetails(db, st.id, [view]);
      if (!detail) throw new Error(`line ${lineRef(view)} is not in stocktake ${st.code}`);
      const v = varianceView(st, await currencyOf(db, st.warehouseId), await causeOptions(db), detail);
      const ctx = context(locale, st.timezone, minter);
      const card = view.kind === 'variance' ? varianceCard(ctx, v) : recountRequestCard(ctx, v, view.requestedBy);
      return { card, entities: [entity], view };
    }
    case 'variances': {
      const st = await getStocktake(db, view.stocktakeId);
      if (hidesBookFigures(st)) return blindNotice(st, locale, [entityKeys.stocktake(st.id)], view);
      const currency = await currencyOf(db, st.warehouseId);
      const causes = await causeOptions(db);
      const fresh = await reviewPage(db, st.id, view.page);
      // A page keeps the lines it first showed: a confirmed line stays on it (now confirmed) instead of the
      // page shifting under the reviewer's thumb.
      const lines = view.lines ? await reviewDetails(db, st.id, view.lines) : fresh.lines;
      const stored: CardView = {
        ...view,
        lines: lines.map((l) => ({ sku: l.sku, location: l.location, ...(l.lot ? { lot: l.lot } : {}) })),
      };
      const card = variancePageCard(context(locale, st.timezone, minter), {
        stocktakeId: st.id,
        stocktakeCode: st.code,
        currency,
        page: view.page,
        pages: fresh.pages,
        waiting: fresh.waiting,
        lines: lines.map((l) => varianceView(st, currency, causes, l)),
      });
      return {
        card,
        entities: [entityKeys.stocktake(st.id), ...lines.map((l) => entityKeys.line(st.id, l.sku, l.location, l.lot))],
        view: stored,
      };
    }
    case 'document':
    case 'decision': {
      const ref = await resolveDocument(db, view.documentId);
      const st = await getStocktake(db, ref.stocktakeId);
      const d = await documentView(db, ref.id);
      const ctx = context(locale, st.timezone, minter);
      return {
        card: view.kind === 'document' ? approvalCard(ctx, d) : decisionResultCard(ctx, d),
        entities: view.kind === 'document' ? [entityKeys.document(ref.id)] : [],
        view,
      };
    }
    case 'status': {
      const st = await getStocktake(db, view.stocktakeId);
      const progress = await stocktakeStatus(db, st.id);
      const docs = await listDocuments(db, { stocktake: st.id });
      const card = statusCard(context(locale, st.timezone, minter), {
        stocktakeId: st.id,
        code: st.code,
        warehouse: st.warehouseCode,
        status: st.status,
        snapshotAt: progress.snapshotAt,
        countingClosedAt: progress.countingClosedAt,
        imports: progress.imports,
        lines: progress.lines,
        blind: st.blind,
        // A card in a chat is seen by everyone in it: a blind count still counting shows no book figures.
        variances: hidesBookFigures(st)
          ? null
          : {
              gain: progress.variances.gain,
              loss: progress.variances.loss,
              gainValue: progress.variances.gainValue,
              lossValue: progress.variances.lossValue,
              netValue: progress.variances.netValue,
            },
        review: await reviewCounts(db, st.id),
        currency: await currencyOf(db, st.warehouseId),
        documents: docs.map((d) => ({ number: d.number, kind: d.kind, status: d.status, totalValue: d.totalValue })),
        ...(progress.scopeSummary ? { scope: progress.scopeSummary } : {}),
        ...(progress.spotCheck ? { spotCheck: progress.spotCheck.summary } : {}),
      });
      return { card, entities: [entityKeys.stocktake(st.id)], view };
    }
  }
}
