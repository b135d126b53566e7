import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake CLI: review, approve, post, export, audit [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-review-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    const cli = (...args: string[]) => runCli(env, ...args);
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    let code = '';

    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      const ok = async (...args: string[]) => expect((await cli(...args)).code, args.join(' ')).toBe(0);
      await ok('warehouse', 'add', 'WH1', '--timezone', 'Asia/Shanghai');
      await ok('items', 'import', file('items.csv', 'sku,name,unit,unit_cost\nA-1,Tea,box,100\nB-2,Cup,pcs,5\n'));
      await ok('book', 'import', 'WH1', file('book.csv', 'sku,location,qty\nA-1,L1,20\nB-2,L2,10\n'));
      for (const p of ['cara', 'sam', 'sue', 'fay']) await ok('people', 'add', p, '--identity', `telegram:${p.length}${p}`);
      await ok('roles', 'grant', 'cara', 'counter', 'WH1');
      await ok('roles', 'grant', 'sam', 'supervisor', 'WH1');
      await ok('roles', 'grant', 'sue', 'supervisor', 'WH1');
      await ok('roles', 'grant', 'fay', 'finance', 'WH1');
      code = (await cli('start', 'WH1', '--json')).json().code;
      // A-1: 20 → 5, a loss of 1,500.00 (needs finance); B-2: 10 → 12, a gain of 10.00.
      await ok('counts', 'import', code, file('c.csv', 'sku,location,qty\nA-1,L1,5\nB-2,L2,12\n'), '--counter', 'cara');
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('closes counting into review with an owner, and shows the review', async () => {
      expect((await cli('close-counting', code, '--as', 'cara')).stderr).toContain('cara may not close counting');
      const closed = await cli('close-counting', code, '--as', 'sam', '--json');
      expect(closed.json()).toMatchObject({ status: 'reviewing', openVariances: 2, owner: 'sam' });
      const review = await cli('review', code, '--json');
      expect(review.json().map((l: { sku: string; reviewStatus: string }) => `${l.sku}:${l.reviewStatus}`)).toEqual([
        'A-1:open',
        'B-2:open',
      ]);
    });

    it('confirms and tags through the CLI with --as, replays a repeated --key, and exits 2 on refusals', async () => {
      expect((await cli('variances', 'confirm', code, 'A-1', '--as', 'telegram:4cara')).code).toBe(2);
      const first = await cli('variances', 'confirm', code, 'A-1', '--as', 'sam', '--key', 'k-1', '--json');
      const again = await cli('variances', 'confirm', code, 'A-1', '--as', 'sam', '--key', 'k-1', '--json');
      expect(again.json()).toEqual(first.json());
      // The key reused on another line is refused with exit 2, naming the key; B-2 stays open (confirmed below).
      const reused = await cli('variances', 'confirm', code, 'B-2@L2', '--as', 'sam', '--key', 'k-1', '--json');
      expect(reused.code).toBe(2);
      expect(reused.stderr).toContain('idempotency key "k-1" was already used for variance.confirm with another target or input');
      expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await cli('variances', 'tag', code, 'A-1', 'unknown', '--as', 'sam')).stderr).toContain('needs a note');
      expect((await cli('variances', 'tag', code, 'A-1', 'damage', '--as', 'sam')).code).toBe(0);
      expect((await cli('variances', 'confirm', code, 'B-2@L2', '--as', 'sam')).code).toBe(0);
      expect((await cli('variances', 'tag', code, 'B-2@L2', 'unrecorded_receipt', '--note', 'PO late', '--as', 'sam')).code).toBe(0);
      expect((await cli('variances', 'confirm', code, 'B-2', '--as', 'nobody')).stderr).toContain('person "nobody" not found');
    });

    it('submits, approves along the route, refuses segregation-of-duties breaches, and posts', async () => {
      const submitted = (await cli('submit', code, '--as', 'sam', '--json')).json();
      const loss = submitted.documents.find((d: { kind: string }) => d.kind === 'loss');
      const gain = submitted.documents.find((d: { kind: string }) => d.kind === 'gain');
      expect(loss.route.map((s: { role: string }) => s.role)).toEqual(['supervisor', 'finance']);
      const refused = await cli('approve', loss.number, '--as', 'sam');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/sam explained A-1@L1 on PK-\d{4}-0001 and may not approve it/);
      expect((await cli('approve', loss.number, '--as', 'sue', '--step', '1')).code).toBe(0);
      const stale = await cli('approve', loss.number, '--as', 'sue', '--step', '1');
      expect(stale.stderr).toMatch(/already approved by sue at/);
      const posted = await cli('approve', loss.number, '--as', 'fay', '--json');
      expect(posted.json()).toMatchObject({ status: 'posted' });
      expect((await cli('reject', gain.number, '--as', 'sue', '--reason', 'where is the PO?')).code).toBe(0);
      const shown = (await cli('documents', 'show', loss.number, '--json')).json();
      expect(shown.lines).toEqual([expect.objectContaining({ lineNo: 1, sku: 'A-1', qty: '-15', value: '-1500.00', causeCode: 'damage' })]);
      const exported = await cli('export', code, '--format', 'json', '--out', '-');
      expect(exported.json().documents.map((d: { number: string }) => d.number)).toEqual([loss.number]);
      // Without --out the file lands in the current folder, and the CLI says where in full.
      const here = process.cwd();
      process.chdir(dir);
      try {
        const written = await cli('export', code, '--format', 'csv');
        expect(written.stdout).toContain(
          `to ${join(realpathSync(dir), `${code}-posted.csv`)} (in the current folder; --out FILE writes elsewhere)`,
        );
      } finally {
        process.chdir(here);
      }
      expect((await cli('review', code)).stdout).toContain('rejected: where is the PO?');
    });

    it('verifies the audit chain, and exits 2 naming the row once one is edited', async () => {
      expect((await cli('audit', 'verify')).stdout).toMatch(/Audit chain intact: \d+ row\(s\)/);
      expect((await cli('audit', 'show', code, '--json')).json().map((r: { action: string }) => r.action)).toContain('document.posted');
      const database = await openOwnDatabase(
        kind === 'pglite' ? { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! } : { kind: 'postgres', url: env.DATABASE_URL! },
        { migrate: false },
      );
      try {
        await database.db.execute(sql`update audit_log set actor_identity = 'cli:mallory' where id = 5`);
      } finally {
        await database.close();
      }
      const broken = await cli('audit', 'verify');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('audit row 5 (chain #5) was edited');
    });
  });
}
