/**
 * Patterns and performance in the reports, on the fixed history (test/support/history.ts): the weekly report
 * lists the findings and everyone's figures (not in a chat counters read), and the daily digest after the
 * count that pushed a trend over its threshold warns once.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { digestReports } from '../../src/jobs/digestReports.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fourStocktakes } from '../support/history.ts';

afterEach(() => {
  vi.useRealTimers();
});

describeEachDatabase('patterns in the digests', (get) => {
  it('shows patterns and figures weekly and warns the day after a trend crosses its threshold', async () => {
    const { db } = get();
    const { codes } = await fourStocktakes(db);
    const weekly = await digestReports(db, { kind: 'weekly', warehouse: 'WH1', now: new Date('2026-11-30T01:00:00Z'), locale: 'en' });
    expect(weekly.text).toContain('Patterns in WH1');
    expect(weekly.text).toContain(
      `SKU A-100: a variance in 3 of the last 4 posted stocktakes (15.00 in all; ${codes.slice(0, 3).join(', ')})`,
    );
    expect(weekly.text).toContain(`Losses from "Damage / scrap" are rising: 300.00 in ${codes[3]} against a mean of 55.00 before (×5.45`);
    expect(weekly.text).toContain('Losses cluster in equipment: 450.00 (96.8% of all losses on 42.7% of book value, ×2.26');
    expect(weekly.text).toContain('carl counting: first-count accuracy 87.5% (14/16 lines), recount rate 12.5%, 8.0 lines/hour');
    expect(weekly.text).toContain('Median cycle time 6.0 h (target 24.0 h; before: 120.0 h)');
    const zh = await digestReports(db, { kind: 'weekly', warehouse: 'WH1', now: new Date('2026-11-30T01:00:00Z'), locale: 'zh-CN' });
    expect(zh.text).toContain('SKU A-100：近 4 次已过账盘点中 3 次有差异');
    expect(zh.text).toContain('carl 盘点：初盘准确率 87.5%（14/16 行），复盘率 12.5%，每小时 8.0 行');
    const teamChat = await digestReports(db, {
      kind: 'weekly',
      warehouse: 'WH1',
      now: new Date('2026-11-30T01:00:00Z'),
      locale: 'en',
      withoutBlindCounting: true,
    });
    expect(teamChat.text).toContain('Patterns in WH1');
    expect(teamChat.text).not.toContain('carl counting');

    // S4 closed at 2026-11-23 02:00 UTC: the next morning's digest warns, later ones do not.
    const nextDay = await digestReports(db, { kind: 'daily', warehouse: 'WH1', now: new Date('2026-11-24T01:00:00Z'), locale: 'en' });
    expect(nextDay.empty).toBe(false);
    expect(nextDay.text).toContain('Early warning for WH1');
    expect(nextDay.text).toContain('Losses from "Damage / scrap" are rising');
    const later = await digestReports(db, { kind: 'daily', warehouse: 'WH1', now: new Date('2026-11-26T01:00:00Z'), locale: 'en' });
    expect(later.text).not.toContain('Early warning');
  });
});
