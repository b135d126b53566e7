import { describe, expect, it } from 'vitest';
import { cliWarehouse } from '../support/cli.ts';
import { databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake CLI: undo (cancel, counts void, variances reopen, withdraw) [${kind}]`, () => {
    const { cli, file, ok } = cliWarehouse(kind, 'undo');

    it('lists and voids a count sheet, says which lines changed, and cancels the stocktake', async () => {
      const code = (await ok('start', 'WH1', '--json')).json().code as string;
      await ok('counts', 'import', code, file('a.csv', 'sku,location,qty\nA-1,L1,5\nB-2,L2,12\n'), '--counter', 'cara');
      await ok('counts', 'import', code, file('b.csv', 'sku,location,qty\nA-1,L1,6\n'), '--counter', 'sam');
      const list = (await ok('counts', 'list', code, '--json')).json() as { id: string; fileName: string; voidedAt: string | null }[];
      expect(list.map((i) => [i.fileName, i.voidedAt])).toEqual([
        ['a.csv', null],
        ['b.csv', null],
      ]);

      expect((await cli('counts', 'void', code, 'b.csv', '--as', 'sam')).stderr).toContain(
        "required option '--reason <text>' not specified",
      );
      const refused = await cli('counts', 'void', code, 'b.csv', '--as', 'cara', '--reason', 'not mine');
      expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('only its counter (sam)')]);
      const voided = await ok('counts', 'void', code, 'b.csv', '--as', 'sam', '--reason', 'wrong shelf');
      expect(voided.stdout).toContain(`Voided b.csv (${list[1]!.id}) of ${code}, counted by sam: wrong shelf`);
      expect(voided.stdout).toContain('A-1@L1: conflict → counted 5');
      const human = (await ok('counts', 'list', code)).stdout;
      expect(human).toMatch(/b\.csv .* by sam: wrong shelf/);

      expect((await cli('cancel', code, '--as', 'cara', '--reason', 'x')).stderr).toContain('cara may not cancel a stocktake');
      const cancelled = await ok('cancel', code, '--as', 'sam', '--reason', 'book import was late');
      expect(cancelled.stdout).toContain(
        `Cancelled ${code} (was counting): book import was late. WH1 is free for a new stocktake and book imports.`,
      );
      expect((await ok('list', '--json')).json()).toEqual([expect.objectContaining({ code, status: 'cancelled' })]);
    });

    it('reopens a confirmed line and withdraws a submitted document', async () => {
      const code = (await ok('start', 'WH1', '--json')).json().code as string;
      await ok('counts', 'import', code, file('c.csv', 'sku,location,qty\nA-1,L1,19\nB-2,L2,10\n'), '--counter', 'cara');
      await ok('close-counting', code, '--as', 'sam');
      await ok('variances', 'confirm', code, 'A-1', '--as', 'sam');
      await ok('variances', 'tag', code, 'A-1', 'damage', '--as', 'sam');
      const reopened = await ok('variances', 'reopen', code, 'A-1', '--as', 'sam', '--reason', 'found one more', '--json');
      expect(reopened.json()).toMatchObject({
        reviewStatus: 'open',
        causeCode: 'damage',
        returnedReason: 'reopened by sam: found one more',
      });
      await ok('variances', 'confirm', code, 'A-1', '--as', 'sam');
      const [doc] = (await ok('submit', code, '--as', 'sam', '--json')).json().documents as { number: string }[];
      const withdrawn = await ok('withdraw', doc!.number, '--as', 'sam', '--reason', 'wrong cause');
      expect(withdrawn.stdout).toContain(`${doc!.number} (盘亏单 loss)`);
      expect(withdrawn.stdout).toContain('withdrawn');
      expect(withdrawn.stdout).toContain(`step 1 supervisor cancelled — ${doc!.number} withdrawn by sam: wrong cause`);
      const again = await cli('withdraw', doc!.number, '--as', 'sam', '--reason', 'again', '--json');
      expect([again.code, again.json().code]).toEqual([2, 'STALE']);
    });
  });
}
