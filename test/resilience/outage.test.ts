/**
 * The running product (dist/server.js, as `npm start` runs it) on a throwaway Postgres cluster, under
 * about 20 concurrent REST writes, while the database is restarted (fast), its postmaster killed, its
 * backends terminated, and stopped for a while: the process stays alive, /healthz says 503 while the
 * database is gone and 200 again within seconds, and every effect lands exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../db/client.ts';
import { createCredential } from '../../src/services/credentials.ts';
import { importCounts } from '../../src/services/counts.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { ensureDefaultCauses } from '../../src/services/causes.ts';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { verifyBooks } from '../../src/services/auditBooks.ts';
import { importBook } from '../../src/services/book.ts';
import { importItems } from '../../src/services/items.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { csv } from '../support/fixtures.ts';
import { startThrowawayCluster, throwawayClustersAvailable, type ThrowawayCluster } from '../support/pgCluster.ts';
import { NPM_START_ARGS, ROOT } from '../support/product.ts';
import { stepsBudget, waitFor } from '../support/wait.ts';

const LINES = 60;
const CLIENTS = 20;

interface Answer {
  status: number;
  body: any;
}

describe.runIf(throwawayClustersAvailable())('a database outage under load (npm start on a throwaway Postgres)', () => {
  let cluster: ThrowawayCluster;
  let database: Database;
  let product: ChildProcess;
  let exited: { code: number | null; signal: string | null } | null = null;
  let output = '';
  let base = '';
  let dataDir = '';
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    database = await openDatabase({ kind: 'postgres', url: cluster.url });
    const db = database.db;
    await ensureDefaultCauses(db);
    await addWarehouse(db, { code: 'WH1', name: 'Main', timezone: 'Asia/Shanghai' });
    const skus = Array.from({ length: LINES }, (_, i) => `S-${String(i + 1).padStart(3, '0')}`);
    await importItems(
      db,
      csv('items.csv', [['sku', 'name', 'unit', 'unit_cost'], ...skus.map((s, i) => [s, `Item ${i + 1}`, 'pcs', `${(i % 7) + 1}.25`])]),
    );
    await importBook(db, 'WH1', csv('book.csv', [['sku', 'location', 'qty'], ...skus.map((s, i) => [s, `L${i % 10}`, String(100 + i)])]));
    for (const [handle, roles] of [
      ['carl', ['counter']],
      ['sam', ['supervisor']],
      ['sue', ['supervisor']],
      ['fay', ['finance']],
      ['mo', ['manager']],
    ] as const) {
      await addPerson(db, { handle, name: handle });
      for (const role of roles) await grantRole(db, handle, role, 'WH1');
      keys[handle] = (await createCredential(db, { kind: 'api_key', person: handle })).secret;
    }
    const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000));
    // Half the lines lose stock, half gain: one gain and one loss document, large enough for three steps.
    await importCounts(
      db,
      st.code,
      csv('count.csv', [['sku', 'location', 'qty'], ...skus.map((s, i) => [s, `L${i % 10}`, String(100 + i + (i % 2 ? 40 : -40))])]),
      { counter: 'carl' },
    );
    await closeCounting(db, st.code);

    dataDir = mkdtempSync(join(tmpdir(), 'stocktake-outage-'));
    product = spawn(process.execPath, NPM_START_ARGS, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: cluster.url,
        HOST: '127.0.0.1',
        PORT: '0',
        STOCKTAKE_DATA_DIR: dataDir,
        STOCKTAKE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    product.stdout!.on('data', (d) => (output += d));
    product.stderr!.on('data', (d) => (output += d));
    product.on('exit', (code, signal) => (exited = { code, signal }));
    base = await waitFor(
      () => {
        if (exited) throw new Error(`the product exited at start: ${output}`);
        return /open (http:\/\/\S+)/.exec(output)?.[1];
      },
      { timeoutMs: 240_000, what: 'npm start to print its URL' },
    );
  }, stepsBudget(4)); // a cluster's initdb and start, the data, npm start: minutes on a busy machine

  afterAll(async () => {
    if (product && !exited) {
      product.kill('SIGTERM');
      await waitFor(() => exited, { timeoutMs: 60_000, what: 'the product to stop' }).catch(() => product.kill('SIGKILL'));
    }
    await database?.close().catch(() => {});
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** One request; a network error is status 0. */
  async function request(method: string, path: string, who: string | null, body?: unknown, key?: string): Promise<Answer> {
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(who ? { authorization: `Bearer ${keys[who]}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
    } catch {
      return { status: 0, body: null };
    }
  }

  let completed = 0;
  let retried = 0;
  /** A write as a careful client makes it: one idempotency key, resent until the server gives a final answer. */
  async function write(path: string, who: string, body: unknown, key: string): Promise<Answer> {
    for (;;) {
      if (exited) throw new Error(`the product died: ${JSON.stringify(exited)}\n${output.slice(-4000)}`);
      const answer = await request('POST', path, who, body, key);
      if (answer.status !== 0 && answer.status < 500) {
        completed++;
        return answer;
      }
      retried++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it(
    'stays up through restarts, kills and terminated connections, and applies every write exactly once',
    async () => {
      const st = (await queryRows<{ code: string }>(database.db, sql`select code from stocktake`))[0]!.code;
      const lines = (await request('GET', `/api/v1/stocktakes/${st}/variances?limit=1000&onlyDiff=true`, 'sam')).body.lines as {
        line: string;
        direction: string;
      }[];
      expect(lines).toHaveLength(LINES);

      // The chaos: an outage after every few completed writes, cycling through the ways a connection is lost.
      let stopChaos = false;
      const outages: { kind: string; backWithinMs: number }[] = [];
      const chaos = (async () => {
        const kinds = ['restart', 'kill', 'terminate'] as const;
        for (let i = 0; !stopChaos && i < 9; i++) {
          const from = completed;
          await waitFor(() => stopChaos || completed >= from + 8, { timeoutMs: 600_000, what: 'writes between outages' });
          if (stopChaos) break;
          const kind = kinds[i % kinds.length]!;
          if (kind === 'restart') await cluster.restartFast();
          else if (kind === 'kill') await cluster.killAndStart();
          else await cluster.terminateBackends();
          const back = Date.now();
          await waitFor(async () => (await request('GET', '/healthz', null)).status === 200, {
            timeoutMs: 120_000,
            what: `/healthz after ${kind}`,
          });
          outages.push({ kind, backWithinMs: Date.now() - back });
        }
      })();

      // ~20 clients review the lines: confirm, tag a cause with a note, then a second note.
      const queue = [...lines];
      const reviewer = async () => {
        for (let line = queue.shift(); line; line = queue.shift()) {
          const path = `/api/v1/stocktakes/${st}/variances/${encodeURIComponent(line.line)}`;
          const confirm = await write(`${path}/confirm`, 'sam', {}, `confirm-${line.line}`);
          expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
          const tag = await write(`${path}/tag`, 'sam', { cause: 'counting_error', note: 'recounted twice' }, `tag-${line.line}`);
          expect(tag.status, JSON.stringify(tag.body)).toBe(200);
          const note = await write(`${path}/note`, 'sam', { note: `checked ${line.line}` }, `note-${line.line}`);
          expect(note.status, JSON.stringify(note.body)).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, reviewer));

      // Submit and approve through every step while the outages go on.
      const submitted = await write(`/api/v1/stocktakes/${st}/submit`, 'sam', {}, 'submit-1');
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      // A read during an outage answers 503 (or not at all), as a write does: asked again until it answers.
      const docs = await waitFor(
        async () => {
          const a = await request('GET', `/api/v1/documents?stocktake=${st}`, 'sam');
          return a.status === 200 ? (a.body.documents as { number: string }[]) : null;
        },
        { timeoutMs: 120_000, what: 'the stocktake documents' },
      );
      expect(docs.length).toBe(2);
      const approverFor: Record<string, string> = { supervisor: 'sue', finance: 'fay', manager: 'mo' };
      await Promise.all(
        docs.map(async (doc) => {
          for (let step = 0; step < 5; step++) {
            const current = await waitFor(
              async () => {
                const a = await request('GET', `/api/v1/documents/${doc.number}`, 'sam');
                return a.status === 200 ? a.body : null;
              },
              { timeoutMs: 120_000, what: `document ${doc.number}` },
            );
            if (current.status === 'posted') return;
            const role = current.route.find((s: { status: string }) => s.status === 'pending').role as string;
            const approved = await write(
              `/api/v1/documents/${doc.number}/approve`,
              approverFor[role]!,
              {},
              `approve-${doc.number}-${role}`,
            );
            expect(approved.status, JSON.stringify(approved.body)).toBe(200);
          }
        }),
      );

      // A longer outage: /healthz answers 503 while the database is down, and 200 once it is back.
      stopChaos = true;
      await chaos;
      await cluster.stop();
      const down = await waitFor(
        async () => {
          const a = await request('GET', '/healthz', null);
          return a.status === 503 ? a : null;
        },
        { timeoutMs: 120_000, what: '/healthz to say 503' },
      );
      expect(down.body.database.ok).toBe(false);
      const write503 = await request('POST', `/api/v1/stocktakes/${st}/close-counting`, 'sam', {});
      expect(write503.status).toBe(503);
      expect(write503.body.error.code).toBe('DATABASE_UNAVAILABLE');
      expect((await request('GET', '/livez', null)).status).toBe(200);
      await cluster.start();
      const back = Date.now();
      const up = await waitFor(
        async () => {
          const a = await request('GET', '/healthz', null);
          return a.status === 200 ? a : null;
        },
        { timeoutMs: 120_000, what: '/healthz after the database came back' },
      );
      outages.push({ kind: 'stop', backWithinMs: Date.now() - back });
      expect(up.body.database.ok).toBe(true);
      expect(up.body.platforms.web).toMatchObject({ connected: true });

      expect(exited).toBeNull();
      console.info(
        `[outage] ${outages.length} outages (${outages.map((o) => `${o.kind}: serving again ${o.backWithinMs} ms after`).join('; ')}); ${completed} writes, ${retried} resends`,
      );
      expect(outages.filter((o) => o.kind !== 'stop').length).toBeGreaterThanOrEqual(3);

      // Every effect exactly once: one audit entry per line and action, one ledger entry per document line,
      // the book moved by exactly the variance, and the audit chain intact.
      const db = database.db;
      const perAction = await queryRows<{ action: string; lines: number; entries: number }>(
        db,
        sql`
      select action, count(distinct entity_id)::int as lines, count(*)::int as entries from audit_log
      where action in ('variance.confirm', 'variance.tag', 'variance.note') group by action order by action`,
      );
      expect(perAction).toEqual([
        { action: 'variance.confirm', lines: LINES, entries: LINES },
        { action: 'variance.note', lines: LINES, entries: LINES },
        { action: 'variance.tag', lines: LINES, entries: LINES },
      ]);
      const [ledger] = await queryRows<{ entries: number; lines: number; posted: number }>(
        db,
        sql`
      select (select count(*)::int from ledger_entry) as entries, (select count(*)::int from document_line) as lines,
             (select count(*)::int from adjustment_document where status = 'posted') as posted`,
      );
      expect(ledger).toEqual({ entries: LINES, lines: LINES, posted: 2 });
      const wrongBook = await queryRows(
        db,
        sql`
      select l.sku, l.location, o.qty, l.counted_qty from stocktake_line l
      join on_hand o on o.sku = l.sku and o.location = l.location
      where o.qty <> l.counted_qty`,
      );
      expect(wrongBook).toEqual([]);
      // The product's sealer chains every row within a second or so; verify once it has.
      await waitFor(
        async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where seq is null`))[0]!.n === 0,
        { what: 'every audit row sealed' },
      );
      const verdict = (await request('GET', '/api/v1/audit/verify', 'sam')).body;
      expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true, unsealed: 0, problems: [] });
      expect(verdict.checkpoints.count).toBeGreaterThan(0);
      expect(await verifyBooks(db)).toMatchObject({ ok: true, differing: 0 });
    },
    stepsBudget(10),
  ); // ten outages, each with writes around it (40 s in all at a load of 11)

  it(
    'waits at start for a database that is not up yet, then serves',
    async () => {
      await cluster.stop();
      const dir = mkdtempSync(join(tmpdir(), 'stocktake-outage-'));
      let said = '';
      let gone: number | null | undefined;
      const second = spawn(process.execPath, NPM_START_ARGS, {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: cluster.url,
          HOST: '127.0.0.1',
          PORT: '0',
          STOCKTAKE_DATA_DIR: dir,
          STOCKTAKE_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      second.stdout!.on('data', (d) => (said += d));
      second.stderr!.on('data', (d) => (said += d));
      second.on('exit', (code) => (gone = code));
      try {
        await waitFor(() => said.includes('the database is unreachable; waiting for it'), {
          timeoutMs: 240_000,
          what: 'the second instance to wait for the database',
        });
        expect(gone).toBeUndefined();
        await cluster.start();
        const url = await waitFor(() => /open (http:\/\/\S+)/.exec(said)?.[1], {
          timeoutMs: 240_000,
          what: 'the second instance to start',
        });
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      } finally {
        second.kill('SIGTERM');
        await waitFor(() => gone !== undefined, { timeoutMs: 60_000, what: 'the second instance to stop' }).catch(() =>
          second.kill('SIGKILL'),
        );
        rmSync(dir, { recursive: true, force: true });
      }
    },
    stepsBudget(3),
  ); // a stop, npm start waiting, the cluster's start and npm start's
});
