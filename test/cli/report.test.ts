/**
 * `stocktake report daily|weekly` on the demo data: --dry-run prints a readable digest and writes the
 * chart PNGs; without it the report is queued for the digest chat; what it cannot do it refuses.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DatabaseTarget } from '../../db/client.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake report [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-report-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    let target: DatabaseTarget;
    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      target = env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! };
      const { db, close } = await openOwnDatabase(target);
      // On a fixed day: the demo's history is dated back from it, and none of it may fall in the week of
      // 2026-11-23 that the weekly report below expects to be empty (loaded today, it would some weeks).
      await loadDemo(db, { locale: 'en', now: new Date('2026-11-20T04:00:00Z') });
      await close();
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints the daily digest of the demo and writes its chart as a PNG', async () => {
      const out = join(dir, 'charts');
      const res = await runCli(env, 'report', 'daily', '--dry-run', '--out', out);
      expect(res.code, res.stderr).toBe(0);
      const text = res.stdout;
      expect(text).toMatch(/^Daily digest · DEMO 演示仓\n\d{4}-\d\d-\d\d \d\d:\d\d · changes since /);
      expect(text).toMatch(/ST-\d{8}-001 · counting/);
      expect(text).toMatch(/Counted +16 \/ 16 +Verified +3/);
      expect(text).toMatch(/Conflicts +1 /);
      expect(text).toContain('Largest open variances');
      expect(text).toMatch(/CUP-GC12@B-01-02 +-264 +-3,168\.00/);
      const path = join(out, 'daily-progress.png');
      expect(text).toContain(`Charts written:\n  ${path}  1440×880  Counting and review progress`);
      const png = PNG.sync.read(readFileSync(path));
      expect([png.width, png.height]).toEqual([1440, 880]);
    });

    it('prints the weekly report in Chinese, and says when a scheduled one would not be sent', async () => {
      const res = await runCli(
        env,
        'report',
        'weekly',
        '--dry-run',
        '--lang',
        'zh',
        '--out',
        join(dir, 'weekly'),
        '--now',
        '2026-11-30T09:00+08:00',
      );
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^周报 · DEMO · 2026年第48周\n2026-11-23 至 2026-11-29/);
      expect(res.stdout).toContain("(Nothing to report: a scheduled weekly report would not be sent to DEMO's digest chats.)");
      expect(existsSync(join(dir, 'weekly'))).toBe(false);
    });

    it("speaks the command line's language (STOCKTAKE_LANG): the report, what it wrote, and its refusals", async () => {
      const zh = { ...env, STOCKTAKE_LANG: 'zh' };
      const out = join(dir, 'charts-zh');
      const res = await runCli(zh, 'report', 'daily', '--dry-run', '--out', out);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^日报 · DEMO/);
      expect(res.stdout).toContain(`已写入图表：\n  ${join(out, 'daily-progress.png')}  1440×880`);
      const refused = await runCli(zh, 'report', 'yearly');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('错误：未知报表“yearly”：请用 daily（日报）、weekly（周报）或 monthly（月度库存结构报告）');
    });

    it("queues the daily digest for the demo's digest chat, with its chart", async () => {
      const res = await runCli(env, 'report', 'daily', '--json');
      expect(res.code, res.stderr).toBe(0);
      expect(res.json()).toMatchObject({ kind: 'daily', sent: [{ chat: 'web:demo-digest', warehouse: 'DEMO', outcome: 'sent' }] });
      const { db, close } = await openOwnDatabase(target);
      try {
        const rows = await queryRows<{
          chat_id: string;
          payload: { view: { kind: string; card: { header: { title: string }; elements: { type: string; png?: string }[] } } };
        }>(db, sql`select chat_id, payload from outbox where platform = 'web'`);
        expect(rows).toHaveLength(1);
        const card = rows[0]!.payload.view.card;
        expect(card.header.title).toBe('Daily digest · DEMO 演示仓');
        const image = card.elements.find((e) => e.type === 'image')!;
        expect(PNG.sync.read(Buffer.from(image.png!, 'base64')).width).toBe(1440);
      } finally {
        await close();
      }
    });

    it('refuses what it cannot do, naming it', async () => {
      const refusals: [string[], RegExp][] = [
        [['yearly'], /unknown report "yearly": use daily, weekly or monthly/],
        [['daily', '--now', 'tomorrow'], /--now tomorrow: give an ISO 8601 time with its offset/],
        [['daily', '--chat', 'web:demo-team'], /chat web:demo-team is not a digest chat/],
        [['daily', '--warehouse', 'NOPE'], /warehouse "NOPE" not found/],
        [['daily', '--out', join(dir, 'x')], /--out goes with --dry-run/],
        [['daily', '--dry-run', '--lang', 'fr'], /--lang fr: use en or zh/],
      ];
      for (const [args, message] of refusals) {
        const res = await runCli(env, 'report', ...args);
        expect(res.code, args.join(' ')).toBe(2);
        expect(res.stderr).toMatch(message);
      }
    });
  });
}
