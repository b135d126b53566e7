/**
 * Blind counts (盲盘) from the command line: `start --blind`, and `status`, `variances` and `counts import`
 * show a counter (--as) no book figures while counting; a supervisor and the local operator (no --as) see them.
 */
import { describe, expect, it } from 'vitest';
import { cliWarehouse } from '../support/cli.ts';
import { databaseKinds } from '../support/db.ts';

/** book 20 at 100.00 counted 5 (−1,500.00); B-2: book 10 at 5.00 counted 12 (+10.00); net −1,490.00. */
const FIGURES = /1,?500|1,?490|10\.00|"bookQty"|"expectedQty"|"diffQty"|"diffValue"|"unitCost"|"variances"|gainValue|lossValue|netValue/;

for (const kind of databaseKinds()) {
  describe(`stocktake CLI: blind counts [${kind}]`, () => {
    const { cli, file, ok } = cliWarehouse(kind, 'blind');
    let code = '';

    it('starts a blind count with --blind and says so', async () => {
      const started = await cli('start', 'WH1', '--blind');
      expect(started.code).toBe(0);
      expect(started.stdout).toContain('blind stocktake (盲盘)');
      code = /(ST-\d{8}-\d{3})/.exec(started.stdout)![1]!;
      const list = await cli('list', '--json');
      expect(list.json().find((s: { code: string }) => s.code === code)).toMatchObject({ blind: true, status: 'counting' });
    });

    it('shows a counter (--as) no book figures while counting, in text and --json', async () => {
      const imported = await cli(
        'counts',
        'import',
        code,
        file('c.csv', 'sku,location,qty\nA-1,L1,5\nB-2,L2,12\n'),
        '--as',
        'cara',
        '--json',
      );
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.json()).toMatchObject({ counter: 'cara', progress: { bookFiguresHidden: true, lines: { counted: 2 } } });
      expect(imported.stdout).not.toMatch(FIGURES);
      for (const args of [
        ['status', code, '--as', 'cara'],
        ['status', code, '--as', 'cara', '--json'],
        ['variances', code, '--as', 'cara'],
        ['variances', code, '--as', 'cara', '--json'],
      ]) {
        const shown = await cli(...args);
        expect(shown.code, args.join(' ')).toBe(0);
        expect(shown.stdout, args.join(' ')).not.toMatch(FIGURES);
      }
      expect((await cli('status', code, '--as', 'cara')).stdout).toContain('blind count (盲盘)');
      expect((await cli('variances', code, '--as', 'cara', '--json')).json()).toEqual([
        { sku: 'A-1', location: 'L1', lot: '', itemName: 'Tea', unit: 'box', countStatus: 'counted', recountNeeded: false },
        { sku: 'B-2', location: 'L2', lot: '', itemName: 'Cup', unit: 'pcs', countStatus: 'counted', recountNeeded: false },
      ]);
      const refused = await cli('variances', code, '--as', 'cara', '--only-diff');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('blind count');
    });

    it('shows a supervisor (--as) and the local operator (no --as) the figures while counting', async () => {
      expect((await cli('status', code, '--as', 'sam')).stdout).toContain('net -1490.00');
      expect((await cli('status', code)).stdout).toContain('net -1490.00');
      expect((await cli('variances', code)).stdout).toContain('-1,500.00');
    });

    it('shows a counter everything once counting is closed', async () => {
      expect((await cli('close-counting', code, '--as', 'sam')).code).toBe(0);
      expect((await cli('status', code, '--as', 'cara')).stdout).toContain('net -1490.00');
      expect((await cli('variances', code, '--as', 'cara')).stdout).toContain('-1,500.00');
    });
  });
}
