/**
 * patches/postgres+3.4.9.patch, the types query (porsager/postgres#1192): every new connection first asks
 * the server for its array types, and postgres.js dropped that promise, so a types query that failed (the
 * server going away just after the handshake — seen once in CI while a postmaster was killed) was an
 * unhandled rejection and ended the process. A statement timeout of 1 ms set at the handshake fails that
 * query every time; the script below then must only see its own queries fail, each caught.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../support/product.ts';

const SCRIPT = `
import postgres from 'postgres';
process.on('unhandledRejection', (e) => { console.log('unhandled', e.code); process.exit(3); });
const sql = postgres(process.env.URL, { max: 1, onnotice: () => {}, connection: { statement_timeout: 1 } });
const seen = [];
for (let i = 0; i < 3; i++) {
  try { await sql\`select pg_sleep(0.05)\`; seen.push('answered'); } catch (e) { seen.push(e.code); }
}
await sql.end();
console.log(seen.join(','));
`;

describe.runIf(inject('postgresUrl') !== null)('the postgres.js types-query patch', () => {
  it('keeps a failing types query on a fresh connection from ending the process', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, URL: inject('postgresUrl')! },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: '57014,57014,57014' });
  });
});
