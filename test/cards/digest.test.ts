/** The digest cards and texts: every renderer within its platform's limits, in both languages, big or empty. */
import { describe, expect, it } from 'vitest';
import { digestEn, digestZhCN } from '../../cards/i18n/digest.ts';
import { LOCALES, type Locale } from '../../cards/i18n/index.ts';
import { DINGTALK_BODY_BUDGET, DINGTALK_MARKDOWN_LIMIT, renderDingTalkCard, renderDingTalkMessage } from '../../cards/render/dingtalk.ts';
import { FEISHU_CARD_BUDGET, feishuCardBytes, renderFeishu } from '../../cards/render/feishu.ts';
import { renderHtml } from '../../cards/render/html.ts';
import { TELEGRAM_TEXT_LIMIT, renderTelegram, visibleLength } from '../../cards/render/telegram.ts';
import { codePoints, displayWidth } from '../../cards/render/text.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { dailyDigestCard, digestText, weeklyReportCard, weeklyText, type DigestChart } from '../../cards/templates/digest.ts';
import type { Card } from '../../cards/model.ts';
import type { DailyDigest, DigestChanges, StocktakeDigest, WeekKpis, WeeklyReport } from '../../src/services/digest/types.ts';
import { cardRefusal } from '../fakes/feishu/index.ts';
import { HOSTILE, PNG, assertTelegramHtml } from './render/fixtures.ts';

const ctx = (locale: Locale): TemplateContext => ({
  locale,
  timezone: 'Asia/Shanghai',
  act: () => {
    throw new Error('no buttons');
  },
});
const person = (handle: string) => ({ handle, name: handle });
const warehouse = { id: 'w', code: 'WH1', name: '上海仓', timezone: 'Asia/Shanghai', currency: 'CNY' };
const H = 3600;

const noChanges: DigestChanges = {
  from: '2026-11-25T01:00:00.000Z',
  to: '2026-11-26T01:00:00.000Z',
  imports: 0,
  linesCounted: 0,
  confirmed: 0,
  tagged: 0,
  notes: 0,
  recountsRequested: 0,
  recounted: 0,
  reassigned: 0,
  returned: 0,
  started: null,
  countingClosed: null,
  submitted: [],
  approved: [],
  rejected: [],
  posted: [],
};

function reviewing(overrides: Partial<StocktakeDigest> = {}): StocktakeDigest {
  return {
    id: 's1',
    code: 'ST-20261124-001',
    status: 'reviewing',
    snapshotAt: '2026-11-24T00:50:00.000Z',
    countingClosedAt: '2026-11-25T02:00:00.000Z',
    postedAt: null,
    lines: { total: 1200, counted: 1100, verified: 80, conflict: 0, uncounted: 20, notInBook: 3 },
    variances: { gain: 40, loss: 60, match: 1080, gainValue: '1234.50', lossValue: '-5678.25', netValue: '-4443.75' },
    review: {
      open: { lines: 70, value: '-3000.00' },
      recount: { lines: 2, value: '-10.00' },
      confirmed: { lines: 8, value: '120.00' },
      documented: { lines: 15, value: '-1500.00' },
      posted: { lines: 5, value: '-53.75' },
    },
    openVariances: 80,
    largestOpen: [
      {
        sku: 'C-400',
        location: 'R4',
        itemName: '托盘',
        diffQty: '-2',
        diffValue: '-300.00',
        reviewStatus: 'open',
        owner: person('sam'),
        dueAt: '2026-11-26T02:00:00.000Z',
        overdue: true,
        causeCode: null,
        suggestedCause: 'misplaced',
      },
      {
        sku: 'A-200',
        location: 'R2',
        itemName: '螺丝 M4',
        diffQty: '12',
        diffValue: '144.00',
        reviewStatus: 'confirmed',
        owner: person('sam'),
        dueAt: '2026-11-26T02:00:00.000Z',
        overdue: false,
        causeCode: 'unrecorded_receipt',
        suggestedCause: null,
      },
    ],
    overdue: {
      variances: [
        {
          sku: 'C-400',
          location: 'R4',
          diffValue: '-300.00',
          reviewStatus: 'open',
          owner: person('sam'),
          recountBy: null,
          dueAt: '2026-11-26T02:00:00.000Z',
          lateSeconds: 3 * H,
        },
      ],
      variancesTotal: 1,
      steps: [
        {
          documentId: 'd2',
          number: 'PK-2026-0001',
          kind: 'loss',
          totalValue: '-1500.00',
          stepNo: 2,
          role: 'finance',
          holders: [person('fay'), person('ann')],
          dueAt: '2026-11-26T04:00:00.000Z',
          lateSeconds: H + 120,
        },
      ],
    },
    approvalQueue: [
      {
        role: 'finance',
        holders: [person('fay'), person('ann')],
        documents: [
          {
            documentId: 'd2',
            number: 'PK-2026-0001',
            kind: 'loss',
            totalValue: '-1500.00',
            lineCount: 15,
            stepNo: 2,
            stepCount: 2,
            waitingSince: '2026-11-25T04:00:00.000Z',
            waitingSeconds: 25 * H,
            dueAt: '2026-11-26T04:00:00.000Z',
            overdue: true,
          },
        ],
      },
    ],
    documents: [],
    causes: [],
    changes: {
      ...noChanges,
      imports: 1,
      linesCounted: 30,
      countingClosed: '2026-11-25T02:00:00.000Z',
      confirmed: 12,
      tagged: 10,
      submitted: [
        {
          number: 'PK-2026-0001',
          kind: 'loss',
          totalValue: '-1500.00',
          at: '2026-11-25T04:00:00.000Z',
          by: person('sam'),
          stepNo: null,
          role: null,
          reason: null,
        },
      ],
      approved: [
        {
          number: 'PK-2026-0001',
          kind: 'loss',
          totalValue: '-1500.00',
          at: '2026-11-25T06:00:00.000Z',
          by: person('sue'),
          stepNo: 1,
          role: 'supervisor',
          reason: null,
        },
      ],
      rejected: [
        {
          number: 'PY-2026-0002',
          kind: 'gain',
          totalValue: '12.00',
          at: '2026-11-25T07:00:00.000Z',
          by: person('sue'),
          stepNo: 1,
          role: 'supervisor',
          reason: HOSTILE,
        },
      ],
    },
    progress: [],
    ...overrides,
  };
}

const representativeDigest = (): DailyDigest => ({
  kind: 'daily',
  warehouse,
  generatedAt: '2026-11-26T01:00:00.000Z',
  localTime: '2026-11-26 09:00',
  day: '2026-11-26',
  window: { from: '2026-11-25T01:00:00.000Z', to: '2026-11-26T01:00:00.000Z' },
  stocktakes: [
    reviewing(),
    reviewing({
      id: 's0',
      code: 'ST-20261120-001',
      status: 'posted',
      postedAt: '2026-11-25T08:00:00.000Z',
      openVariances: 0,
      largestOpen: [],
      overdue: { variances: [], variancesTotal: 0, steps: [] },
      approvalQueue: [],
      changes: {
        ...noChanges,
        posted: [
          {
            number: 'PK-2026-0000',
            kind: 'loss',
            totalValue: '-9.00',
            at: '2026-11-25T08:00:00.000Z',
            by: person('ann'),
            stepNo: null,
            role: null,
            reason: null,
          },
        ],
      },
    }),
  ],
});

/** Everything at its longest: long CJK names, ten of each list, 300 documents waiting, three stocktakes. */
function hugeDigest(): DailyDigest {
  const long = '超长的物料名称'.repeat(12);
  const base = reviewing();
  const s = reviewing({
    largestOpen: Array.from({ length: 10 }, (_, i) => ({
      ...base.largestOpen[0]!,
      sku: `SKU-${long}-${i}`,
      location: `库位-${long}`,
      owner: person(`owner.${i}.with-a-long-handle`),
    })),
    overdue: {
      variances: Array.from({ length: 10 }, (_, i) => ({
        ...base.overdue.variances[0]!,
        sku: `SKU-${i}-${long}`,
        lateSeconds: i * 86_400,
      })),
      variancesTotal: 150_000,
      steps: Array.from({ length: 300 }, (_, i) => ({
        ...base.overdue.steps[0]!,
        number: `PK-2026-${String(i).padStart(4, '0')}`,
        holders: Array.from({ length: 8 }, (_, j) => person(`finance-person-${j}`)),
      })),
    },
    approvalQueue: [
      {
        ...base.approvalQueue[0]!,
        documents: Array.from({ length: 300 }, (_, i) => ({
          ...base.approvalQueue[0]!.documents[0]!,
          number: `PK-2026-${String(i).padStart(4, '0')}`,
        })),
      },
    ],
    changes: {
      ...base.changes,
      submitted: Array.from({ length: 300 }, (_, i) => ({
        ...base.changes.submitted[0]!,
        number: `PK-2026-${String(i).padStart(4, '0')}`,
      })),
    },
  });
  return { ...representativeDigest(), stocktakes: [s, s, s] };
}

const emptyDigest = (): DailyDigest => ({ ...representativeDigest(), stocktakes: [] });

function week(label: string, start: string, overrides: Partial<WeekKpis> = {}): WeekKpis {
  return {
    week: { label, start, end: start, from: `${start}T00:00:00.000Z`, to: `${start}T00:00:00.000Z` },
    stocktakesPosted: 0,
    cycleTime: { count: 0, medianSeconds: null, p90Seconds: null },
    accuracy: { lines: 0, matched: 0, matchedPercent: null, countedValue: '0.00', varianceValue: '0.00', varianceValuePercent: null },
    documentsPosted: 0,
    gainValue: '0.00',
    lossValue: '0.00',
    approvalLatency: { count: 0, medianSeconds: null, p90Seconds: null },
    itemsHandled: 0,
    ...overrides,
  };
}

function representativeReport(): WeeklyReport {
  const kpis = week('2026-W48', '2026-11-23', {
    week: { label: '2026-W48', start: '2026-11-23', end: '2026-11-30', from: '2026-11-22T16:00:00.000Z', to: '2026-11-29T16:00:00.000Z' },
    stocktakesPosted: 3,
    cycleTime: { count: 3, medianSeconds: 20 * H, p90Seconds: 44 * H },
    accuracy: {
      lines: 12,
      matched: 7,
      matchedPercent: '58.3',
      countedValue: '8390.03',
      varianceValue: '3093.17',
      varianceValuePercent: '36.87',
    },
    documentsPosted: 5,
    gainValue: '2928.00',
    lossValue: '-165.17',
    approvalLatency: { count: 7, medianSeconds: 4 * H, p90Seconds: 40320 },
    itemsHandled: 34,
  });
  const trend = ['2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47'].map((l, i) =>
    week(l, `2026-10-${10 + i}`, i === 6 ? { stocktakesPosted: 1, cycleTime: { count: 1, medianSeconds: 6 * H, p90Seconds: 6 * H } } : {}),
  );
  return {
    kind: 'weekly',
    warehouse,
    generatedAt: '2026-11-30T01:00:00.000Z',
    localTime: '2026-11-30 09:00',
    week: kpis.week,
    kpis,
    stocktakes: [],
    causes: [
      { code: 'counting_error', labelEn: 'Counting error', labelZh: '盘点错误', lines: 2, gainValue: '0.00', lossValue: '-15.17' },
      { code: 'unit_error', labelEn: 'Unit-of-measure error', labelZh: '单位错误', lines: 1, gainValue: '2904.00', lossValue: '0.00' },
    ],
    suggestions: { withSuggestion: 2, kept: 1, changed: 1, keptPercent: '50.0' },
    approvalLatency: [
      { stepNo: 1, role: 'supervisor', approved: 5, rejected: 1, count: 6, medianSeconds: 3 * H, p90Seconds: 24300 },
      { stepNo: 2, role: 'finance', approved: 1, rejected: 0, count: 1, medianSeconds: 16 * H, p90Seconds: 16 * H },
    ],
    people: [
      {
        person: person('carl'),
        sheets: 4,
        linesCounted: 16,
        confirmations: 0,
        tags: 0,
        recountRequests: 0,
        submissions: 0,
        approvals: 0,
        rejections: 0,
        total: 16,
      },
      {
        person: { handle: 'wang', name: '王小明' },
        sheets: 0,
        linesCounted: 0,
        confirmations: 6,
        tags: 5,
        recountRequests: 0,
        submissions: 6,
        approvals: 0,
        rejections: 0,
        total: 11,
      },
    ],
    trend: [...trend, kpis],
  };
}

const emptyReport = (): WeeklyReport => {
  const r = representativeReport();
  const kpis = week('2026-W48', '2026-11-23', { week: r.week });
  return {
    ...r,
    kpis,
    causes: [],
    approvalLatency: [],
    people: [],
    suggestions: { withSuggestion: 0, kept: 0, changed: 0, keptPercent: null },
    trend: [...r.trend.slice(0, 7).map((w) => week(w.week.label, w.week.start)), kpis],
  };
};

const CHARTS: DigestChart[] = [
  { alt: 'Variance value by cause', png: Buffer.from(PNG, 'base64') },
  { alt: '每日进度', png: PNG },
];

const cards = (locale: Locale): [string, Card][] => [
  ['daily digest', dailyDigestCard(ctx(locale), representativeDigest(), CHARTS)],
  ['huge daily digest', dailyDigestCard(ctx(locale), hugeDigest(), CHARTS)],
  ['empty daily digest', dailyDigestCard(ctx(locale), emptyDigest())],
  ['weekly report', weeklyReportCard(ctx(locale), representativeReport(), CHARTS)],
  ['empty weekly report', weeklyReportCard(ctx(locale), emptyReport())],
];

describe.each(LOCALES)('digest cards in %s', (locale) => {
  describe.each(cards(locale))('%s', (_name, c) => {
    it('fits Feishu (30 KB), showing the uploaded charts as images', () => {
      const rendered = renderFeishu(c, { imageKey: (png) => (png === PNG ? 'img_v3_key' : undefined) });
      expect(feishuCardBytes(rendered)).toBeLessThanOrEqual(FEISHU_CARD_BUDGET);
      const imgs = rendered.body.elements.filter((e) => e.tag === 'img');
      expect(imgs).toHaveLength(c.elements.filter((e) => e.type === 'image').length);
      // Card JSON 2.0 as Feishu checks it: at most five tables (markdown tables count), 200 elements, known properties.
      expect(cardRefusal(rendered)).toBeNull();
    });
    it('fits Telegram (4096 characters) as valid HTML', () => {
      const { text } = renderTelegram(c);
      expect(visibleLength(text)).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      assertTelegramHtml(text);
      expect(text).not.toContain('<script>');
    });
    it('fits DingTalk (3000 characters of markdown, 18,000 bytes) as a card and as a message', () => {
      const { cardParamMap } = renderDingTalkCard(c, { imageUrl: () => '@lADOmedia' });
      expect(codePoints(cardParamMap.markdown!)).toBeLessThanOrEqual(DINGTALK_MARKDOWN_LIMIT);
      expect(Buffer.byteLength(JSON.stringify({ cardParamMap }))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
      const message = renderDingTalkMessage(c);
      expect(message.msgtype).toBe('markdown');
      expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(DINGTALK_BODY_BUDGET);
    });
    it('renders as HTML with the charts inline and every text escaped', () => {
      const html = renderHtml(c);
      expect(html).not.toMatch(/<script/i);
      expect((html.match(/<img class="image" src="data:image\/png;base64,/g) ?? []).length).toBe(
        c.elements.filter((e) => e.type === 'image').length,
      );
    });
  });

  it('trims a huge digest by rows, keeping every section and saying how many were left off', () => {
    const c = dailyDigestCard(ctx(locale), hugeDigest(), CHARTS);
    const { text } = renderTelegram(c);
    expect(text).toMatch(/… and \d+ more/);
    expect(text.match(/ST-20261124-001/g)).toHaveLength(3);
    const feishu = JSON.stringify(renderFeishu(c));
    expect(feishu).toContain('… and');
  });
});

describe('digest card content', () => {
  it('shows the figures, owners, lateness and the queue of a digest', () => {
    const text = digestText(representativeDigest(), 'en');
    expect(text).toContain('Daily digest · WH1 上海仓');
    expect(text).toContain('2026-11-26 09:00 · changes since 2026-11-25 09:00');
    expect(text).toContain('ST-20261124-001 · reviewing variances');
    expect(text).toContain('ST-20261120-001 · posted · Posted 2026-11-25 16:00.');
    expect(text).toMatch(/Counted\s+1,180 \/ 1,200/);
    expect(text).toMatch(/Net value\s+-4,443.75 CNY/);
    expect(text).toContain(
      'Variances by state: to review 70 (-3,000.00) · recount 2 (-10.00) · confirmed 8 (+120.00) · on a document 15 (-1,500.00) · posted 5 (-53.75)',
    );
    expect(text).toContain(
      'Since the last digest: 1 count sheet(s), 30 line(s); counting closed 2026-11-25 10:00; 12 confirmed; 10 cause(s) tagged; submitted PK-2026-0001; approved PK-2026-0001 step 1 (sue)',
    );
    expect(text).toMatch(/C-400@R4\s+-2\s+-300.00\s+sam\s+⚠ to review/);
    expect(text).toContain('… and 78 more');
    expect(text).toMatch(/PK-2026-0001 step 2 · finance\s+fay, ann\s+1 h 2 min/);
    expect(text).toMatch(/C-400@R4 · to review\s+sam\s+3 h/);
    expect(text).toMatch(/finance\s+fay, ann\s+PK-2026-0001 \(2\/2\)\s+-1,500.00\s+⚠ 1 d 1 h/);
    expect(text).toContain('Since the last digest: posted PK-2026-0000');
  });

  it('aligns the terminal tables by display width, Chinese counting two columns', () => {
    const text = digestText(representativeDigest(), 'zh-CN');
    expect(text).toContain('日报 · WH1 上海仓');
    expect(text).toContain('自上次日报以来');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('角色'));
    const rule = lines[header + 1]!;
    const row = lines[header + 2]!;
    expect(row).toMatch(/^财务\s+fay, ann\s+PK-2026-0001（2\/2）\s+-1,500.00\s+⚠ 1天1小时$/);
    // Every row of a table is as wide as its rule (the last column right-aligned).
    expect(displayWidth(row)).toBe(displayWidth(rule));
    expect(digestText(emptyDigest(), 'zh-CN')).toContain('仓库 WH1 没有进行中的盘点');
  });

  it('shows the weekly KPIs, the trend newest first and the causes, in both languages', () => {
    const en = weeklyText(representativeReport(), 'en');
    expect(en).toContain('Weekly report · WH1 · 2026-W48');
    expect(en).toContain('2026-11-23 – 2026-11-29');
    expect(en).toMatch(/Cycle time \(median \/ p90\)\s+20 h \/ 1 d 20 h/);
    expect(en).toMatch(/Lines matched\s+7 of 12 \(58.3%\)/);
    expect(en).toMatch(/Variance \/ counted value\s+36.87%/);
    expect(en).toMatch(/Approval latency \(median \/ p90\)\s+4 h \/ 11 h 12 min/);
    expect(en).toMatch(/Suggested cause kept\s+1 of 2 \(50.0%\)/);
    const trend = en.split('\n').filter((l) => /^W\d\d /.test(l));
    expect(trend.map((l) => l.split(/\s+/)[0])).toEqual(['W48', 'W47', 'W46', 'W45', 'W44', 'W43', 'W42', 'W41']);
    expect(trend[0]).toMatch(/^W48\s+3\s+20 h\s+58.3%\s+36.87%\s+4 h$/);
    expect(en).toMatch(/Unit-of-measure error\s+1\s+2904.00\s+0.00/);
    expect(en).toMatch(/1 · supervisor\s+6 \(−1\)\s+3 h\s+6 h 45 min/);
    expect(en).toMatch(/carl\s+16\s+0\s+0\s+0\s+16/);
    const zh = weeklyText(representativeReport(), 'zh-CN');
    expect(zh).toContain('周报 · WH1 · 2026年第48周');
    expect(zh).toMatch(/第48周\s+3\s+20小时/);
    expect(zh).toMatch(/单位错误\s+1\s+2904.00/);
    expect(weeklyText(emptyReport(), 'en')).toContain('Nothing was posted, decided or counted this week.');
  });

  it('has the same texts in both languages, and different words', () => {
    const shape = (o: unknown): unknown =>
      typeof o === 'function'
        ? 'fn'
        : o && typeof o === 'object'
          ? Object.fromEntries(
              Object.keys(o)
                .sort()
                .map((k) => [k, shape((o as Record<string, unknown>)[k])]),
            )
          : typeof o;
    expect(shape(digestZhCN)).toEqual(shape(digestEn));
    const en = cards('en').map(([, c]) => c);
    const zh = cards('zh-CN').map(([, c]) => c);
    expect(zh.map((c) => c.elements.map((e) => e.type))).toEqual(en.map((c) => c.elements.map((e) => e.type)));
    expect(zh.map((c) => c.header.title)).not.toEqual(en.map((c) => c.header.title));
  });
});
