/**
 * The monthly stock structure report: scheduled by default on the 1st at 09:00 in each digest chat, built
 * from the structure of the warehouse (figures of test/support/structure.ts), with its chart, in zh and en.
 */
import { expect, it } from 'vitest';
import { digestReports } from '../../src/jobs/digestReports.ts';
import { listSchedules } from '../../src/services/schedules.ts';
import { parseTextCommand } from '../../src/core/textCommands.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedStructure, STRUCTURE_AS_OF } from '../support/structure.ts';
import { setPolicy } from '../../src/services/policy.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { queuedCards, recordingReports, scheduler, seedChats } from './support.ts';

const at = (iso: string) => new Date(iso);

describeEachDatabase('monthly structure report', (get) => {
  it('is scheduled for every digest chat on the 1st at 09:00 and sent once that minute', async () => {
    const { db } = get();
    await seedChats(db);
    const monthly = (await listSchedules(db)).filter((s) => s.job === 'monthly');
    expect(monthly).toEqual([expect.objectContaining({ chatId: 'digest', cron: '0 9 1 * *', timezone: 'Asia/Shanghai', isDefault: true })]);
    const reports = recordingReports();
    const s = scheduler(db, reports.source);
    // 1 December 2026, 09:00 in Shanghai.
    const results = (await s.tick(at('2026-12-01T01:00:00Z'))).digests!;
    expect(results).toContainEqual({ job: 'monthly', chat: 'web:digest', slot: 'web:digest@2026-12-01T09:00', outcome: 'sent' });
    expect(reports.requests).toContainEqual({ kind: 'monthly', warehouse: 'WH1', now: at('2026-12-01T01:00:00Z'), locale: 'en' });
    expect((await queuedCards(db)).filter((c) => c.title.startsWith('monthly'))).toHaveLength(1);
    expect((await s.tick(at('2026-12-02T01:00:00Z'))).digests!.filter((r) => r.job === 'monthly')).toEqual([]);
  });

  it('shows totals, classes, top lists and the chart with the exact figures, in English and Chinese', async () => {
    const { db } = get();
    await seedStructure(db);
    await setPolicy(db, 'ST', { currency: 'CNY' });
    // The report on 1 July covers the 365 days before, so P6's issue of 5 × 3.00 on 2025-01-02 is in it too:
    // consumption 995.00, A = P1 + P2 (850.00, 85.43%), B = P3 (10.05%), C = P4 + P6 (45.00, 4.52%).
    const en = await digestReports(db, { kind: 'monthly', warehouse: 'ST', now: STRUCTURE_AS_OF, locale: 'en' });
    expect(en.empty).toBe(false);
    expect(en.card.header.title).toBe('Monthly stock structure report · ST Structure · 2025-06');
    expect(en.text).toContain('Consumption over 365 days, 2024-07-01 to 2025-06-30');
    expect(en.text).toMatch(/A\s+2\s+85\.43%\s+48\.28%/);
    expect(en.text).toMatch(/B\s+1\s+10\.05%\s+38\.62%/);
    expect(en.text).toMatch(/C\s+4\s+4\.52%\s+13\.10%/);
    expect(en.text).toMatch(/P6\s+45\.00\s+2025-01-02\s+180/);
    expect(en.text).toMatch(/P5\s+40\.00\s+never\s+—/);
    expect(en.text).toContain('slow mover after 30 days without an issue, dead stock after 60');
    expect(en.charts).toHaveLength(1);
    expect(en.charts[0]!.name).toBe('stock-structure');
    expect(en.charts[0]!.alt).toBe('Share of stock value: class A 48.28%, B 38.62%, C 13.10%; slow movers 8.28%, dead stock 11.72%.');
    expect(en.charts[0]!.png.subarray(1, 4).toString()).toBe('PNG');

    const zh = await digestReports(db, { kind: 'monthly', warehouse: 'ST', now: STRUCTURE_AS_OF, locale: 'zh-CN' });
    expect(zh.card.header.title).toBe('月度库存结构报告 · ST Structure · 2025-06');
    expect(zh.text).toContain('死库存（按库存金额）');
    expect(zh.text).toMatch(/P5\s+40\.00\s+从未出库/);
    expect(zh.charts[0]!.alt).toBe('库存金额占比：A 类 48.28%，B 类 38.62%，C 类 13.10%；呆滞 8.28%，死库存 11.72%。');
  });

  it('is empty for a warehouse with no stock and no movements, and counts a book that never moved as dead', async () => {
    const { db } = get();
    await seedChats(db, {});
    await addWarehouse(db, { code: 'E1', name: 'Empty', timezone: 'UTC' });
    expect((await digestReports(db, { kind: 'monthly', warehouse: 'E1', now: STRUCTURE_AS_OF, locale: 'en' })).empty).toBe(true);
    const report = await digestReports(db, { kind: 'monthly', warehouse: 'WH1', now: STRUCTURE_AS_OF, locale: 'en' });
    // WH1 has a book (seedWarehouse) but no movements: its stock never moved, so it is dead stock, not empty.
    expect(report.empty).toBe(false);
    expect(report.text).toContain('Dead stock by stock value');
  });
});

it('reads "schedule monthly …" and "定时 月报 …" in a chat', () => {
  expect(parseTextCommand('schedule monthly 0 9 1 * *')).toMatchObject({
    name: 'schedule',
    job: 'monthly',
    action: 'set',
    cron: '0 9 1 * *',
  });
  expect(parseTextCommand('定时 月报 关闭')).toMatchObject({ name: 'schedule', job: 'monthly', action: 'off' });
});
