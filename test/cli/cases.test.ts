/** `stocktake cases add|list|search|show|done` against a standalone database, in English and Chinese. */
import { describe, expect, it } from 'vitest';
import { localDay } from '../../src/domain/time.ts';
import { cliWarehouse } from '../support/cli.ts';
import { databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake cases [${kind}]`, () => {
    const { cli, cliWith, file, ok } = cliWarehouse(kind, 'cases');
    const due = localDay(new Date(Date.now() + 7 * 24 * 3600_000), 'Asia/Shanghai');

    it('writes up an explained variance, finds it in Chinese and English, shows it and closes its action', async () => {
      const code = (await ok('start', 'WH1', '--json')).json().code as string;
      await ok('counts', 'import', code, file('c.csv', 'sku,location,qty\nA-1,L1,15\nB-2,L2,10\n'), '--counter', 'cara');
      await ok('close-counting', code, '--as', 'sam');
      const add = ['cases', 'add', code, 'A-1', '--title', '纸箱破损 tea leaked', '--what', '叉车撞破纸箱', '--action', '加装护栏'];
      const rest = ['--owner', 'sam', '--due', due, '--as', 'sam'];
      // Not explained yet: refused, exit 2, saying what to do.
      const early = await cli(...add, ...rest);
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('tag its cause before writing it up as a case');
      await ok('variances', 'tag', code, 'A-1', 'damage', '--as', 'sam');

      const created = (await ok(...add, ...rest, '--json')).json();
      expect(created).toMatchObject({ code: 'C-1', causeCode: 'damage', lines: [{ line: 'A-1@L1', diffQty: '-5', diffValue: '-500.00' }] });
      expect((await ok('cases', 'search', '破损', '--json')).json().map((c: { code: string }) => c.code)).toEqual(['C-1']);
      expect((await ok('cases', 'search', 'TEA', '--json')).json().map((c: { code: string }) => c.code)).toEqual(['C-1']);
      expect((await ok('cases', 'search', '冷库')).stdout).toContain('no case matches "冷库"');
      const zh = (await cliWith({ STOCKTAKE_LANG: 'zh' }, 'cases', 'show', 'C-1')).stdout;
      expect(zh).toContain('整改措施：加装护栏 · 负责人 sam');
      expect(zh).toContain('根本原因：damage · 盘亏');

      expect((await cli('cases', 'done', 'C-1', '--as', 'cara')).stderr).toContain('cara may not close C-1');
      expect((await ok('cases', 'done', 'C-1', '--note', '护栏已装', '--as', 'sam')).stdout).toContain('case C-1 done');
      expect((await ok('cases', 'list', '--status', 'done', '--json')).json().map((c: { code: string }) => c.code)).toEqual(['C-1']);
      expect((await ok('cases', 'list', '--status', 'open', '--json')).json()).toEqual([]);
    });
  });
}
