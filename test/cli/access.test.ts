import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseTarget, type Db } from '../../db/client.ts';
import { authenticate } from '../../src/services/credentials.ts';
import { SESSION_COOKIE } from '../../src/http/session.ts';
import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';
import { testHttp } from '../support/http.ts';

for (const kind of databaseKinds()) {
  describe(`stocktake access [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-access-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};
    const cli = (...args: string[]) => runCli(env, ...args);
    /** The database between CLI runs (a PGlite directory is one process's at a time, so it is closed after). */
    const withDb = async <T>(use: (db: Db) => Promise<T>): Promise<T> => {
      const target: DatabaseTarget = env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! };
      const { db, close } = await openOwnDatabase(target);
      try {
        return await use(db);
      } finally {
        await close();
      }
    };

    beforeAll(async () => {
      ({ env, drop } = await createStandaloneDatabase(kind, join(dir, 'data')));
      for (const p of ['sam', 'fay']) expect((await cli('people', 'add', p)).code).toBe(0);
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates an API key acting as the person, printed once with how to send it', async () => {
      const made = await cli('access', 'key', 'sam', '--label', 'ERP sync', '--expires-days', '30', '--json');
      expect(made.code, made.stderr).toBe(0);
      const { secret, header, credential } = made.json();
      expect(secret).toMatch(/^stk_[A-Za-z0-9_-]{32}$/);
      expect(header).toBe(`Authorization: Bearer ${secret}`);
      expect(credential).toMatchObject({
        kind: 'api_key',
        person: 'sam',
        label: 'ERP sync',
        prefix: secret.slice(0, 10),
        revoked: false,
        expiresAt: expect.any(String),
      });
      expect(await withDb((db) => authenticate(db, 'api_key', secret))).toMatchObject({ handle: 'sam', identity: 'api:sam' });

      const human = await cli('access', 'key', 'fay');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/API key for fay \("API key", no expiry\):\n\n {2}stk_\S+\n/);
      expect(human.stdout).toContain('shown only this once');
      expect(human.stdout).toMatch(/Authorization: Bearer stk_\S+/);
      expect(human.stdout).toMatch(/curl -H "Authorization: Bearer stk_\S+" http:\/\/127\.0\.0\.1:3000\/api\/v1\/stocktakes/);

      const nobody = await cli('access', 'key', 'nobody');
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toContain('person "nobody" not found');
      const badDays = await cli('access', 'key', 'sam', '--expires-days', 'soon', '--json');
      expect(badDays.code).toBe(2);
      expect(badDays.json()).toMatchObject({ code: 'INVALID_INPUT', errors: [{ column: '--expires-days' }] });
    });

    it('prints a sign-in link on the public URL that signs the person in to the console', async () => {
      const made = await cli('access', 'login', 'fay', '--base-url', 'https://stock.example.com/', '--expires-days', '7', '--json');
      expect(made.code, made.stderr).toBe(0);
      const { url, secret } = made.json();
      expect(secret).toMatch(/^stl_/);
      expect(url).toBe(`https://stock.example.com/login?token=${secret}`);
      const signedIn = await withDb(async (db) => {
        const http = await testHttp(db, [], { localOnly: false });
        return http.app.request(new URL(url).pathname + new URL(url).search);
      });
      expect(signedIn.status).toBe(302);
      expect(signedIn.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=`);

      const local = await cli('access', 'login', 'fay');
      expect(local.stdout).toMatch(/^Sign-in link for fay \(no expiry\):\n\n {2}http:\/\/127\.0\.0\.1:3000\/login\?token=stl_\S+\n/);
      const behindProxy = await runCli({ ...env, PUBLIC_URL: 'https://pub.example.com' }, 'access', 'login', 'fay', '--json');
      expect(behindProxy.json().url).toMatch(/^https:\/\/pub\.example\.com\/login\?token=stl_/);
      const bad = await cli('access', 'login', 'fay', '--base-url', 'stock.example.com');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--base-url: must be an http:// or https:// URL');
    });

    it('lists keys and links by prefix, never their secrets, and revokes one by prefix or id', async () => {
      const key = (await cli('access', 'key', 'sam', '--label', 'to revoke', '--json')).json();
      const link = (await cli('access', 'login', 'sam', '--json')).json();
      const listed = await cli('access', 'list', '--person', 'sam', '--json');
      expect(listed.code).toBe(0);
      expect(listed.stdout).not.toContain(key.secret);
      expect(listed.stdout).not.toContain(link.secret);
      const rows = listed.json() as { id: string; person: string; prefix: string; kind: string; status: string }[];
      expect(rows.every((r) => r.person === 'sam')).toBe(true);
      expect(rows.find((r) => r.prefix === key.credential.prefix)).toMatchObject({ kind: 'api_key', status: 'active' });

      const table = await cli('access', 'list');
      expect(table.stdout).toMatch(/^prefix +kind +person +label/);
      expect(table.stdout).toContain(`${key.credential.prefix}…`);
      expect(table.stdout).not.toContain(key.secret);

      const revoked = await cli('access', 'revoke', key.credential.prefix);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toBe(`Revoked API key ${key.credential.prefix}… of sam ("to revoke"): it no longer works.\n`);
      expect(await withDb((db) => authenticate(db, 'api_key', key.secret))).toBeNull();
      const byId = await cli('access', 'revoke', link.credential.id, '--json');
      expect(byId.json()).toMatchObject({ kind: 'login', revoked: true, status: 'revoked' });
      const after = (await cli('access', 'list', '--person', 'sam', '--json')).json() as { prefix: string; status: string }[];
      expect(after.find((r) => r.prefix === key.credential.prefix)!.status).toBe('revoked');

      const unknown = await cli('access', 'revoke', 'stk_nothing');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('credential "stk_nothing" not found');
    });
  });
}
