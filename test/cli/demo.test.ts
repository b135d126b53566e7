import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRecountSheet } from '../../src/services/demo.ts';
import { runCli } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake demo [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-demo-'));
    const databases: { env: Record<string, string>; drop: () => Promise<void> }[] = [];
    const fresh = async (name: string) => {
      const created = await createStandaloneDatabase(kind, join(dir, name));
      databases.push(created);
      return created.env;
    };
    let human: Record<string, string> = {};
    let json: Record<string, string> = {};
    beforeAll(async () => {
      human = await fresh('human');
      json = await fresh('json');
    });
    afterAll(async () => {
      for (const d of databases) await d.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads the demo and prints who is who, the chats and the next steps; a second run is refused with exit 2', async () => {
      const out = await runCli(human, 'demo', '--lang', 'en');
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/Demo loaded: warehouse DEMO 演示仓 \(Asia\/Shanghai\), stocktake ST-\d{8}-001 counting/);
      expect(out.stdout).toContain('1 in conflict (POT-ZS@C-01-01)');
      expect(out.stdout).toMatch(
        /The year before: 228 movements, 3 posted stocktakes \(ST-\d{8}-001, ST-\d{8}-001, ST-\d{8}-001\), case C-1, cycle-count plan A every 30 days, B 90, C 180\./,
      );
      expect(out.stdout).toMatch(/sam\s+孙明 Sam\s+web:sam\s+supervisor/);
      expect(out.stdout).toMatch(/ann\s+安妮 Ann\s+web:ann\s+admin, supervisor/);
      expect(out.stdout).toMatch(/web:demo-team\s+team\s+en/);
      expect(out.stdout).toContain('was not written (use --recount-file PATH); it reads: 物料编码,库位,实盘数量 / POT-ZS,C-01-01,11');
      expect(out.stdout).toContain('1. Run `npm start` and open http://127.0.0.1:3000');
      expect(out.stdout).toContain('Act as sam');
      const again = await runCli(human, 'demo');
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('demo data is already loaded (warehouse DEMO exists)');
      expect(again.stderr).toContain('delete the data directory to start over');
    });

    it('prints the summary as JSON in the chosen language and writes the recount sheet with --recount-file', async () => {
      const path = join(dir, 'recount.csv');
      const out = await runCli(json, 'demo', '--json', '--lang', 'zh', '--recount-file', path);
      expect(out.code, out.stderr).toBe(0);
      const summary = out.json();
      expect(summary).toMatchObject({
        warehouse: { code: 'DEMO' },
        stocktake: { status: 'counting', conflicts: ['POT-ZS@C-01-01'] },
        locale: 'zh-CN',
        recount: { fileName: 'demo-recount-carol-round2.csv', counter: 'carol', round: 2, line: 'POT-ZS@C-01-01' },
        recountFile: path,
        history: { case: 'C-1', plan: { warehouse: 'DEMO', days: { A: 30, B: 90, C: 180 } }, movements: 228 },
      });
      expect(summary.history.stocktakes).toHaveLength(3);
      expect(summary.nextSteps[3]).toContain('RICE-DB（与案例 C-1 相似');
      expect(summary.nextSteps[6]).toContain('/patterns?warehouse=DEMO');
      expect(summary.people.map((p: { handle: string }) => p.handle)).toEqual([
        'sam',
        'ada',
        'alice',
        'bob',
        'carol',
        'fiona',
        'max',
        'ann',
      ]);
      expect(summary.chats.map((c: { chatId: string; locale: string }) => `${c.chatId}:${c.locale}`)).toEqual([
        'demo-team:zh-CN',
        'demo-approvals:zh-CN',
        'demo-digest:zh-CN',
      ]);
      expect(summary.nextSteps[2]).toContain(`--counter carol --round 2`);
      expect(summary.nextSteps[2]).toContain(path);
      expect(readFileSync(path)).toEqual(demoRecountSheet().bytes);
      const refused = await runCli(json, 'demo', '--json');
      expect(refused.code).toBe(2);
      expect(refused.json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('demo data is already loaded') });
    });

    it('refuses an unknown language and an unwritable recount path before loading anything', async () => {
      const env = await fresh('refused');
      const lang = await runCli(env, 'demo', '--lang', 'fr');
      expect(lang.code).toBe(2);
      expect(lang.stderr).toContain('--lang fr: use en or zh');
      const path = await runCli(env, 'demo', '--recount-file', join(dir, 'no-such-folder', 'r.csv'));
      expect(path.code).toBe(2);
      expect(path.stderr).toContain('does not exist or is not writable');
      expect((await runCli(env, 'demo', '--json')).code).toBe(0);
    });
  });
}
