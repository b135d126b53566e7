import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget } from '../../db/client.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake CLI: audit verify and audit books [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-audit-'));
    const headFile = join(dir, 'head.json');
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    const cli = (...args: string[]) => runCli(env, ...args);
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const tamper = async (statement: ReturnType<typeof sql>) => {
      const target: DatabaseTarget =
        kind === 'pglite' ? { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! } : { kind: 'postgres', url: env.DATABASE_URL! };
      const database = await openOwnDatabase(target, { migrate: false });
      try {
        await database.db.execute(statement);
      } finally {
        await database.close();
      }
    };

    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      env = { ...env, STOCKTAKE_AUDIT_KEY: 'cli-test-key-0123456789', STOCKTAKE_AUDIT_HEAD_FILE: headFile };
      const ok = async (...args: string[]) => expect((await cli(...args)).code, args.join(' ')).toBe(0);
      await ok('warehouse', 'add', 'WH1', '--timezone', 'Asia/Shanghai');
      await ok('items', 'import', file('items.csv', 'sku,name,unit,unit_cost\nA-1,Tea,box,100\n'));
      await ok('book', 'import', 'WH1', file('book.csv', 'sku,location,qty\nA-1,L1,20\n'));
      await ok('people', 'add', 'sam');
      await ok('roles', 'grant', 'sam', 'supervisor', 'WH1');
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('seals and signs at the end of each command, publishes the head, and verifies clean', async () => {
      expect(existsSync(headFile)).toBe(true);
      const head = JSON.parse(readFileSync(headFile, 'utf8'));
      expect(head).toMatchObject({ n: expect.any(Number), seq: expect.any(String), signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const verdict = await cli('audit', 'verify', '--json');
      expect(verdict.code).toBe(0);
      expect(verdict.json()).toMatchObject({ ok: true, unsealed: 0, lastSeq: head.seq, problems: [], warnings: [] });
      expect((await cli('audit', 'verify')).stdout).toMatch(new RegExp(`Audit chain intact: \\d+ row\\(s\\), ends at #${head.seq}`));
      expect((await cli('audit', 'books')).stdout).toContain('Books agree');
    });

    it('names a chain behind a pasted head, in Chinese when asked, with a non-zero exit', async () => {
      const head = JSON.parse(readFileSync(headFile, 'utf8'));
      const ahead = `${Number(head.seq) + 5}:${head.hash.slice(0, 12)}`;
      const broken = await cli('audit', 'verify', '--head', ahead, '--lang', 'zh');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain(`链止于 #${head.seq}，早于已发布的链头 #${Number(head.seq) + 5}`);
    });

    it('names an edited on-hand line and a removed tail', async () => {
      await tamper(sql`update on_hand set qty = 25 where sku = 'A-1'`);
      const books = await cli('audit', 'books');
      expect(books.code).toBe(2);
      expect(books.stderr).toContain(
        'on-hand of A-1 at L1 in warehouse WH1 is 25, but the book plus movements and posted ledger entries give 20',
      );
      const head = JSON.parse(readFileSync(headFile, 'utf8'));
      await tamper(sql`delete from audit_log where seq >= ${Number(head.seq) - 1}`);
      const verify = await cli('audit', 'verify');
      expect(verify.code).toBe(2);
      expect(verify.stderr).toContain(`the end of the chain was removed: it ends at #${Number(head.seq) - 2}`);
      expect(verify.stderr).toContain('before the published head');
    });
  });
}
