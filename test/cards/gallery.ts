/**
 * Every template with realistic data, in both locales: the snapshot and limit tests render each of these on
 * every renderer. Tokens are deterministic so snapshots are stable.
 */
import type { ActionIntent } from '../../cards/actions.ts';
import type { Locale } from '../../cards/i18n/index.ts';
import type { Card } from '../../cards/model.ts';
import { approvalCard, decisionResultCard } from '../../cards/templates/approval.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { helpCard } from '../../cards/templates/help.ts';
import { demoNextStepsCard } from '../../cards/templates/demo.ts';
import { nextSteps as demoNextSteps } from '../../src/services/demo/nextSteps.ts';
import { importSummaryCard } from '../../cards/templates/importSummary.ts';
import { voidedSheetCard } from '../../cards/templates/undo.ts';
import { accessCard, errorCard } from '../../cards/templates/notice.ts';
import { statusCard } from '../../cards/templates/status.ts';
import { recountRequestCard, varianceCard, variancePageCard } from '../../cards/templates/variance.ts';
import type { DocumentView, VarianceView } from '../../cards/templates/views.ts';
import { DEFAULT_CAUSES } from '../../src/domain/causes.ts';
import { render } from '../../src/domain/phrase.ts';
import { fileTexts } from '../../src/domain/texts/files.ts';

export function galleryContext(locale: Locale): TemplateContext & { intents: ActionIntent[] } {
  const intents: ActionIntent[] = [];
  return {
    locale,
    timezone: 'Asia/Shanghai',
    intents,
    act(intent) {
      intents.push(intent);
      return { token: `T${String(intents.length).padStart(9, '0')}.sig0000000` };
    },
  };
}

const ST = '7d0c1a3e-5b7f-4f4c-9a51-0f6f3b1c2d4e';
const causes = DEFAULT_CAUSES.map((c) => ({
  code: c.code,
  labelEn: c.labelEn,
  labelZh: c.labelZh,
  appliesTo: c.appliesTo,
  noteRequired: c.noteRequired,
}));

export function variance(over: Partial<VarianceView> = {}): VarianceView {
  return {
    stocktakeId: ST,
    stocktakeCode: 'ST-20261125-001',
    stocktakeStatus: 'reviewing',
    sku: 'A-200',
    location: 'R2-03',
    itemName: '螺丝 M4 (box of 100)',
    unit: 'box',
    bookQty: '20',
    movementQty: '-2',
    expectedQty: '18',
    countedQty: '21',
    diffQty: '3',
    diffValue: '36.00',
    currency: 'CNY',
    reviewStatus: 'open',
    owner: 'sam',
    dueAt: '2026-11-26T10:00:00.000Z',
    overdue: false,
    causeCode: null,
    note: null,
    suggestion: {
      cause: 'unrecorded_receipt',
      reason: {
        en: 'A receipt of 3 on 2026-11-25 10:02 was recorded after the count.',
        zh: '2026-11-25 10:02 的 3 件收货在盘点后才登记。',
      },
    },
    autoConfirmed: false,
    recountBy: null,
    returnedReason: null,
    causes: causes.filter((c) => c.appliesTo !== 'loss'),
    ...over,
  };
}

export const documentView = (over: Partial<DocumentView> = {}): DocumentView => ({
  id: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  number: 'PK-20261125-001',
  kind: 'loss',
  stocktakeCode: 'ST-20261125-001',
  warehouse: 'WH1',
  status: 'approving',
  lineCount: 14,
  totalQty: '-42.5',
  totalValue: '-12345.60',
  currency: 'CNY',
  route: [
    {
      stepNo: 1,
      role: 'supervisor',
      status: 'approved',
      decidedBy: 'sue',
      decidedAt: '2026-11-25T08:00:00.000Z',
      dueAt: null,
      reason: null,
    },
    { stepNo: 2, role: 'finance', status: 'pending', decidedBy: null, decidedAt: null, dueAt: '2026-11-26T08:00:00.000Z', reason: null },
    { stepNo: 3, role: 'manager', status: 'waiting', decidedBy: null, decidedAt: null, dueAt: null, reason: null },
  ],
  lines: Array.from({ length: 10 }, (_, i) => ({
    lineNo: i + 1,
    sku: `C-${400 + i}`,
    location: `R4-${i}`,
    qty: `-${i + 1}`,
    value: `-${(1500 - i * 100).toFixed(2)}`,
    causeEn: i === 2 ? 'Unknown' : 'Damage / scrap',
    causeZh: i === 2 ? '原因不明' : '报损',
    // What a person typed, in the warehouse's language whatever the card's.
    note: i === 2 ? '已查 3–5 号通道和退货区，未找到。' : null,
    photos: i === 0 ? 2 : 0,
  })),
  photos: [{ lineNo: 1, sku: 'C-400', location: 'R4-0', photos: 2 }],
  ...over,
});

/** [name, card] for every template and its main states, built in `locale`. */
export function gallery(locale: Locale): [string, Card][] {
  const ctx = galleryContext(locale);
  // What a person would read in this locale: the problems come from the catalogues, a note from a person.
  const say = (en: string, zh: string) => (locale === 'en' ? en : zh);
  return [
    ['help', helpCard(ctx, { warehouse: 'WH1', purposes: ['team', 'approvals'] })],
    ['help for an admin', helpCard(ctx, { warehouse: 'WH1', purposes: ['team'], admin: true })],
    ['access', accessCard(ctx, 'telegram:123456789')],
    [
      'demo next steps',
      demoNextStepsCard(ctx, {
        stocktake: 'ST-DEMO-0001',
        steps: demoNextSteps(locale, { stocktake: 'ST-DEMO-0001', consoleUrl: 'http://127.0.0.1:3000', caseCode: 'C-1' }).slice(1),
      }),
    ],
    [
      'error',
      errorCard(ctx, say('count.csv: 2 invalid line(s); nothing was imported', 'count.csv：2 行有误，未导入任何内容'), [
        { line: 3, column: 'qty', message: say('qty "abc" is not a number', '数量“abc”不是数字') },
        { line: 7, message: say('sku is blank', 'SKU 为空') },
      ]),
    ],
    [
      'import summary',
      importSummaryCard(ctx, {
        fileName: '盘点表-A区.xlsx',
        stocktakeCode: 'ST-20261125-001',
        counter: 'carl',
        round: 1,
        rowsRead: 1204,
        rowsAccepted: 1202,
        rowsRejected: 2,
        linesCounted: 1180,
        linesVerified: 320,
        linesInConflict: 4,
        linesNotInBook: 3,
        linesSuperseded: 0,
        linesResolved: 2,
        uncounted: 57,
        sheet: '盘点',
        ignoredColumns: [render(fileTexts.columnIgnored('locaton', 'location'), locale, 'chat')],
        variances: { gains: 12, losses: 31, gainValue: '1520.00', lossValue: '-8830.25', netValue: '-7310.25' },
        currency: 'CNY',
        problems: [
          { line: 17, column: 'qty', message: say('qty "12..5" is not a number', '数量“12..5”不是数字') },
          { line: 904, column: 'sku', message: say('unknown SKU "Z-999"', '未知的 SKU“Z-999”') },
        ],
      }),
    ],
    ['variance open', varianceCard(ctx, variance())],
    [
      'variance confirmed',
      varianceCard(
        ctx,
        variance({ reviewStatus: 'confirmed', causeCode: 'unrecorded_receipt', note: say('Checked the receiving log', '已核对收货记录') }),
      ),
    ],
    [
      'variance recount',
      varianceCard(ctx, variance({ reviewStatus: 'recount', recountBy: 'carl', returnedReason: 'PK-20261124-002 rejected: count again' })),
    ],
    [
      'variance page',
      variancePageCard(ctx, {
        stocktakeId: ST,
        stocktakeCode: 'ST-20261125-001',
        currency: 'CNY',
        page: 2,
        pages: 5,
        waiting: 43,
        lines: Array.from({ length: 10 }, (_, i) =>
          variance({
            sku: `SKU-${1000 + i}`,
            location: `R${i}-01`,
            diffQty: i % 2 ? '-4' : '2',
            diffValue: i % 2 ? '-48.00' : '24.00',
            overdue: i === 3,
          }),
        ),
      }),
    ],
    ['recount request', recountRequestCard(ctx, variance({ reviewStatus: 'recount', recountBy: 'carl' }), 'sam')],
    ['approval pending', approvalCard(ctx, documentView())],
    [
      'approval posted',
      approvalCard(
        ctx,
        documentView({
          status: 'posted',
          route: documentView().route.map((s) => ({
            ...s,
            status: 'approved',
            decidedBy: s.decidedBy ?? 'fay',
            decidedAt: s.decidedAt ?? '2026-11-25T09:00:00.000Z',
          })),
        }),
      ),
    ],
    [
      'decision rejected',
      decisionResultCard(
        ctx,
        documentView({
          status: 'rejected',
          route: [
            {
              stepNo: 1,
              role: 'supervisor',
              status: 'rejected',
              decidedBy: 'sue',
              decidedAt: '2026-11-25T08:00:00.000Z',
              dueAt: null,
              reason: 'Recount C-404 first',
            },
          ],
        }),
      ),
    ],
    ['decision posted', decisionResultCard(ctx, documentView({ status: 'posted' }))],
    [
      'status',
      statusCard(ctx, {
        stocktakeId: ST,
        code: 'ST-20261125-001',
        warehouse: 'WH1',
        status: 'reviewing',
        snapshotAt: '2026-11-25T01:00:00.000Z',
        countingClosedAt: '2026-11-25T07:00:00.000Z',
        imports: 6,
        lines: { total: 1240, counted: 900, verified: 320, conflict: 0, uncounted: 0, notInBook: 3 },
        variances: { gain: 12, loss: 31, gainValue: '1520.00', lossValue: '-8830.25', netValue: '-7310.25' },
        review: { open: 20, recount: 3, confirmed: 10, documented: 10, posted: 0, overdue: 2 },
        currency: 'CNY',
        documents: [{ number: 'PY-20261125-001', kind: 'gain', status: 'approving', totalValue: '1520.00' }],
      }),
    ],
    [
      'status of a blind count while counting',
      statusCard(ctx, {
        stocktakeId: ST,
        code: 'ST-20261125-002',
        warehouse: 'WH1',
        status: 'counting',
        snapshotAt: '2026-11-25T01:00:00.000Z',
        countingClosedAt: null,
        imports: 2,
        lines: { total: 1240, counted: 600, verified: 120, conflict: 2, uncounted: 640, notInBook: 1 },
        blind: true,
        variances: null,
        review: { open: 0, recount: 0, confirmed: 0, documented: 0, posted: 0, overdue: 0 },
        currency: 'CNY',
        documents: [],
      }),
    ],
    [
      'import summary of a blind count',
      importSummaryCard(ctx, {
        fileName: 'count-b.csv',
        stocktakeCode: 'ST-20261125-002',
        counter: 'carl',
        round: 1,
        rowsRead: 120,
        rowsAccepted: 120,
        rowsRejected: 0,
        linesCounted: 118,
        linesVerified: 40,
        linesInConflict: 2,
        linesNotInBook: 1,
        linesSuperseded: 0,
        linesResolved: 0,
        uncounted: 640,
        sheet: null,
        ignoredColumns: [],
        variances: null,
        currency: 'CNY',
        problems: [],
      }),
    ],
    [
      'count sheet voided',
      voidedSheetCard(ctx, {
        fileName: 'count-A区.csv',
        counter: 'carl',
        reason: 'counted the wrong aisle <A3>',
        linesCovered: 40,
        linesChanged: 23,
        changed: Array.from({ length: 23 }, (_, i) => ({
          sku: `SKU-${1000 + i}`,
          location: `R${i}-01`,
          before: { countStatus: i % 2 ? 'verified' : 'conflict', countedQty: i % 2 ? '12' : null },
          after: { countStatus: i % 3 ? 'counted' : 'uncounted', countedQty: i % 3 ? '12.5' : null },
        })),
      }),
    ],
  ];
}
