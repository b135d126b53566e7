/**
 * State labels have one catalogue (cards/i18n/states.ts): every state is labelled in both languages, and
 * cards, dashboard pages, digests, charts and the CLI show the same words for it.
 */
import { describe, expect, it } from 'vitest';
import { digestTexts } from '../../cards/i18n/digest.ts';
import { LOCALES, messages, type Locale } from '../../cards/i18n/index.ts';
import { roleLabels } from '../../cards/i18n/roles.ts';
import { stateLabels, type StateLabels } from '../../cards/i18n/states.ts';
import { approvalCard } from '../../cards/templates/approval.ts';
import { cardText } from '../../cards/templates/digest.ts';
import { statusCard } from '../../cards/templates/status.ts';
import { varianceCard } from '../../cards/templates/variance.ts';
import type { StatusView } from '../../cards/templates/views.ts';
import { chartTexts, progressLabel } from '../../src/charts/i18n.ts';
import { renderDocument, renderLine } from '../../src/cli/commands/review.ts';
import { renderProgress } from '../../src/cli/commands/stocktake.ts';
import { ROLES } from '../../src/domain/people.ts';
import {
  COUNT_STATUSES,
  DOCUMENT_STATUSES,
  REVIEW_STATUSES,
  STEP_STATUSES,
  STOCKTAKE_STATUSES,
  type StepStatus,
} from '../../src/domain/stocktake.ts';
import { documentsHtml } from '../../src/http/pages/documentsSection.ts';
import { words } from '../../src/http/pages/i18n.ts';
import { parseFilter, varianceTableHtml } from '../../src/http/pages/varianceSection.ts';
import type { DocumentSummary } from '../../src/services/documents.ts';
import type { StocktakeRef } from '../../src/services/stocktakes.ts';
import type { VarianceListLine } from '../../src/services/varianceQuery.ts';
import type { StocktakeProgress } from '../../src/services/variances.ts';
import { documentView, galleryContext, variance } from './gallery.ts';

const GROUPS: Record<keyof StateLabels, readonly string[]> = {
  stocktake: STOCKTAKE_STATUSES,
  count: COUNT_STATUSES,
  review: REVIEW_STATUSES,
  document: DOCUMENT_STATUSES,
  step: STEP_STATUSES,
};

const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&');

describe('state labels', () => {
  it('label every state of every kind in zh-CN and en, each label different from the others of its kind', () => {
    for (const locale of LOCALES) {
      for (const [group, states] of Object.entries(GROUPS) as [keyof StateLabels, readonly string[]][]) {
        const labels = stateLabels(locale)[group] as Record<string, string>;
        expect(Object.keys(labels).sort(), `${locale} ${group}`).toEqual([...states].sort());
        for (const s of states) expect(labels[s]?.trim(), `${locale} ${group}.${s}`).toBeTruthy();
        expect(new Set(Object.values(labels)).size, `${locale} ${group}`).toBe(states.length);
      }
    }
  });

  it('name every role in zh-CN and en, the same on cards, digests and the dashboard', () => {
    for (const locale of LOCALES) {
      for (const role of ROLES) expect(roleLabels(locale)[role]?.trim(), `${locale} ${role}`).toBeTruthy();
      expect(messages(locale).approval.roles).toBe(roleLabels(locale));
      expect(digestTexts(locale).roles).toBe(roleLabels(locale));
      expect(words(locale).roles).toBe(roleLabels(locale));
    }
  });

  it('are the ones the digest and dashboard catalogues hand out, not copies', () => {
    for (const locale of LOCALES) {
      expect(digestTexts(locale).states).toBe(stateLabels(locale));
      expect(words(locale).states).toBe(stateLabels(locale));
      expect(chartTexts(locale)).not.toHaveProperty('progress.counted');
    }
  });

  it('show a review state the same on the variance card, the dashboard table and the CLI', () => {
    for (const locale of LOCALES) {
      for (const state of REVIEW_STATUSES) {
        const label = stateLabels(locale).review[state];
        const card = cardText(varianceCard(galleryContext(locale), variance({ reviewStatus: state, autoConfirmed: false })));
        expect(card, `${locale} card ${state}`).toContain(label);
        const row = {
          ...variance(),
          reviewStatus: state,
          countStatus: 'counted',
          itemName: null,
          autoConfirmed: false,
        } as unknown as VarianceListLine;
        const page = varianceTableHtml({
          st: { code: 'ST-20261125-001', timezone: 'Asia/Shanghai' } as StocktakeRef,
          q: parseFilter({}),
          t: words(locale),
          locale,
          causes: new Map(),
          rows: [row],
          total: 1,
        });
        expect(textOf(page), `${locale} page ${state}`).toContain(label);
      }
    }
    for (const state of REVIEW_STATUSES) {
      const line = { sku: 'A-100', location: 'R1', diffQty: '-10', diffValue: '-25.00', reviewStatus: state, suggestion: null };
      expect(renderLine(line as Parameters<typeof renderLine>[0])).toContain(`: ${stateLabels('en').review[state]} ·`);
    }
  });

  it('show a count state the same on the dashboard table and the progress chart', () => {
    for (const locale of LOCALES) {
      for (const state of COUNT_STATUSES) {
        const label = stateLabels(locale).count[state];
        const row = { ...variance(), reviewStatus: 'none', countStatus: state, itemName: null } as unknown as VarianceListLine;
        const page = varianceTableHtml({
          st: { code: 'ST-20261125-001', timezone: 'Asia/Shanghai' } as StocktakeRef,
          q: parseFilter({}),
          t: words(locale),
          locale,
          causes: new Map(),
          rows: [row],
          total: 1,
        });
        expect(textOf(page), `${locale} page ${state}`).toContain(label);
        expect(progressLabel(locale, state)).toBe(label);
      }
    }
  });

  it('show document and approval step states the same on the approval card, the dashboard and the CLI', () => {
    const summary = (status: DocumentSummary['status'], step: StepStatus): DocumentSummary => ({
      id: 'd',
      number: 'PK-2026-0001',
      kind: 'loss',
      stocktake: 'ST-20261125-001',
      warehouse: 'WH1',
      status,
      lineCount: 1,
      totalQty: '-1',
      totalValue: '-25.00',
      currency: 'CNY',
      timezone: 'Asia/Shanghai',
      route: [{ stepNo: 1, role: 'supervisor', status: step, decidedBy: null, decidedAt: null, dueAt: null, reason: null }],
    });
    const surfaces = (locale: Locale, status: DocumentSummary['status'], step: StepStatus) => {
      const doc = summary(status, step);
      const card = cardText(approvalCard(galleryContext(locale), documentView({ status, route: doc.route })));
      const page = textOf(
        documentsHtml({ docs: [{ doc, lines: [] }], t: words(locale), locale, timezone: 'Asia/Shanghai', causes: new Map() }),
      );
      return locale === 'en' ? [card, page, renderDocument(doc)] : [card, page];
    };
    for (const locale of LOCALES) {
      for (const status of DOCUMENT_STATUSES) {
        for (const text of surfaces(locale, status, 'approved'))
          expect(text, `${locale} ${status}`).toContain(stateLabels(locale).document[status]);
      }
      for (const step of STEP_STATUSES) {
        for (const text of surfaces(locale, 'approving', step))
          expect(text, `${locale} step ${step}`).toContain(stateLabels(locale).step[step]);
      }
    }
  });

  it('show a stocktake state the same on the status card and the CLI', () => {
    for (const status of STOCKTAKE_STATUSES) {
      for (const locale of LOCALES) {
        const view: StatusView = {
          stocktakeId: 's',
          code: 'ST-20261125-001',
          warehouse: 'WH1',
          status,
          snapshotAt: '2026-11-25T01:00:00.000Z',
          countingClosedAt: null,
          imports: 0,
          lines: { total: 0, counted: 0, verified: 0, conflict: 0, uncounted: 0, notInBook: 0 },
          variances: { gain: 0, loss: 0, gainValue: '0.00', lossValue: '0.00', netValue: '0.00' },
          review: { open: 0, recount: 0, confirmed: 0, documented: 0, posted: 0, overdue: 0 },
          currency: 'CNY',
          documents: [],
        };
        expect(cardText(statusCard(galleryContext(locale), view))).toContain(stateLabels(locale).stocktake[status]);
      }
      const progress = {
        code: 'ST-20261125-001',
        warehouse: 'WH1',
        timezone: 'Asia/Shanghai',
        status,
        snapshotAt: '2026-11-25T01:00:00.000Z',
        countingClosedAt: null,
        imports: 0,
        lines: { total: 0, counted: 0, verified: 0, conflict: 0, uncounted: 0, notInBook: 0 },
        variances: { gain: 0, loss: 0, match: 0, gainValue: '0.00', lossValue: '0.00', netValue: '0.00' },
      } as unknown as StocktakeProgress;
      expect(renderProgress(progress)).toContain(`· ${stateLabels('en').stocktake[status]}`);
    }
  });
});
