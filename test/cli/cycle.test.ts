import { describe, expect, it } from 'vitest';
import { parseTextCommand } from '../../src/core/textCommands.ts';
import { renderProgress } from '../../src/cli/commands/stocktake.ts';
import { cliWarehouse } from '../support/cli.ts';
import { databaseKinds } from '../support/db.ts';

describe('new in a chat with scope arguments', () => {
  it('reads locations, classes, categories and items in English and Chinese keys', () => {
    expect(parseTextCommand('/new loc=A-*,B-1 class=A')).toEqual({
      name: 'new',
      blind: false,
      scope: { locations: ['A-*', 'B-1'], classes: ['A'] },
    });
    expect(parseTextCommand('新盘点 库位：A-* 物料=X-1、X-2 品类=parts')).toEqual({
      name: 'new',
      blind: false,
      scope: { locations: ['A-*'], skus: ['X-1', 'X-2'], categories: ['parts'] },
    });
    expect(parseTextCommand('/new blind')).toEqual({ name: 'new', blind: true });
  });
});

for (const kind of databaseKinds()) {
  describe(`stocktake start with a scope [${kind}]`, () => {
    const { cli, ok, file } = cliWarehouse(kind, 'cycle');

    it('starts a partial stocktake of some locations and shows its scope in status', async () => {
      const started = await ok('start', 'WH1', '--locations', 'L1', '--json');
      expect(started.json()).toMatchObject({
        bookLines: 1,
        scope: { locations: ['L1'] },
        scopeSummary: { en: 'locations L1', zh: '库位 L1' },
      });
      const code = started.json().code as string;
      const status = await ok('status', code);
      expect(status.stdout).toContain('scope   partial stocktake: locations L1');
      const zh = renderProgress((await ok('status', code, '--json')).json(), 'zh-CN');
      expect(zh).toContain('范围    部分盘点：库位 L1');
      const refused = await cli('counts', 'import', code, file('count.csv', 'sku,location,qty\nA-1,L1,20\nB-2,L2,10\n'));
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('row 3: B-2@L2 is outside the scope of stocktake');
      await ok('cancel', code, '--as', 'sam', '--reason', 'test');
    });

    it('starts a seeded spot check and states the estimated accuracy once counting closes', async () => {
      const started = await ok('spot-check', 'WH1', '--share', '50%', '--seed', '3');
      expect(started.stdout).toContain('spot check: 1 of 2 items, random, seed 3');
      const code = /Started stocktake (ST-\S+)/.exec(started.stdout)![1]!;
      const refused = await cli('spot-check', 'WH1', '--size', '1');
      expect(refused.code).not.toBe(0); // one open stocktake per warehouse
      const sampled = started.stdout.trim().split('\n').pop()!.trim();
      const line = sampled === 'A-1' ? 'A-1,L1,19' : 'B-2,L2,9';
      await ok('counts', 'import', code, file('spot.csv', `sku,location,qty\n${line}\n`), '--counter', 'cara');
      await ok('close-counting', code);
      const status = await ok('status', code);
      expect(status.stdout).toContain(
        'spot check estimated accuracy 0.0% (95% interval 0.0–79.3%): 0 of 1 line(s) matched, sample of 1 of 2 items',
      );
      await ok('cancel', code, '--as', 'sam', '--reason', 'test');
    });

    it('sets, shows and runs a cycle-count plan', async () => {
      const none = await ok('plan', 'show', 'WH1');
      expect(none.stdout).toContain('Cycle-count plan of WH1 (not set; the defaults): class A every 30 days, B every 90, C every 365.');
      expect(none.stdout).toContain('2 of 2 held item(s) due now.');
      expect(none.stdout).toMatch(/A-1\s+C\s+never\s+-\s+due/);
      expect((await cli('plan', 'set', 'WH1', '--a', 'x')).code).not.toBe(0);
      const badRule = await cli('plan', 'set', 'WH1', '--a', '14', '--location', 'L1');
      expect(badRule.code).not.toBe(0);
      expect(badRule.stderr).toContain('location rule "L1" is not valid');
      const set = await ok('plan', 'set', 'WH1', '--a', '14', '--location', 'L1=7', 'L*=40', '--json');
      expect(set.json()).toEqual({
        warehouse: 'WH1',
        days: { A: 14, B: 90, C: 365 },
        locations: [
          { location: 'L*', days: 40 },
          { location: 'L1', days: 7 },
        ],
      });
      const shown = await ok('plan', 'show', 'WH1');
      expect(shown.stdout).toContain('Location rules: L* every 40 days, L1 every 7 days.');
      expect(shown.stdout).toContain('An item is due when it is due by its ABC class or by a location rule');
      expect(shown.stdout).toMatch(/location L\*\s+40\s+2\s+2/);
      expect(shown.stdout).toMatch(/A-1\s+C\s+never\s+-\s+due \(class C, L1\)\s+L1 every 7 days/);
      const removed = await ok('plan', 'set', 'WH1', '--remove-location', 'L*');
      expect(removed.stdout).toContain('Location rules: L1 every 7 days.');
      const started = await ok('plan', 'run', 'WH1');
      expect(started.stdout).toMatch(/Started cycle count ST-\S+: 2 due item\(s\), 2 line\(s\) frozen/);
      const again = await ok('plan', 'run', 'WH1', '--json');
      expect(again.json()).toEqual({ warehouse: 'WH1', outcome: 'stocktake open' });
    });
  });
}
