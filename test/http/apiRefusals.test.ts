/** What the REST API refuses, and how: the status, the stable code, and a message or problem naming the cause. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { createCredential, revokeCredential } from '../../src/services/credentials.ts';
import { approveDocument } from '../../src/services/approvals.ts';
import { getDocument, submitVariances } from '../../src/services/documents.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts } from '../../src/services/counts.ts';
import { addPerson, cliActor, grantRole } from '../../src/services/people.ts';
import { confirmVariance, tagCause } from '../../src/services/review.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { stocktakeStatus } from '../../src/services/variances.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, seedPeople } from '../support/flow.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { testHttp } from '../support/http.ts';

/** A response's JSON body, untyped: the assertions say what it holds. */
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

const json = (auth: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describeEachDatabase('REST API refusals', (get) => {
  /** WH1 with its people and a stocktake counting, the API mounted, and carl's key (a counter's). */
  const carlWithStocktake = async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const st = await startStocktake(db, 'WH1');
    const http = await testHttp(db, [mountApi], { maxUploadBytes: 1024 * 1024 });
    return { db, st, http, carl: await http.bearerFor('carl') };
  };

  it('answers 401 without a key, with an unknown key and with a revoked key', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi], { localOnly: false });

    const anonymous = await http.app.request('/api/v1/stocktakes');
    expect(anonymous.status).toBe(401);
    expect((await read(anonymous)).error).toEqual({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('Authorization: Bearer stk_'),
      localized: { en: expect.stringContaining('Authorization: Bearer stk_'), 'zh-CN': expect.stringContaining('API 密钥') },
    });

    const unknown = await http.app.request('/api/v1/stocktakes', { headers: { authorization: 'Bearer stk_not-a-key' } });
    expect(unknown.status).toBe(401);

    const { secret, credential } = await createCredential(db, { kind: 'api_key', person: 'sam' });
    expect((await http.app.request('/api/v1/stocktakes', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await revokeCredential(db, credential.prefix);
    const revoked = await http.app.request('/api/v1/stocktakes', { headers: { authorization: `Bearer ${secret}` } });
    expect(revoked.status).toBe(401);
    expect((await read(revoked)).error).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'the API key is unknown, revoked or expired',
      localized: { en: 'the API key is unknown, revoked or expired', 'zh-CN': 'API 密钥未知、已吊销或已过期' },
    });

    // A sign-in token is not an API key.
    const login = await createCredential(db, { kind: 'login', person: 'sam' });
    expect((await http.app.request('/api/v1/stocktakes', { headers: { authorization: `Bearer ${login.secret}` } })).status).toBe(401);
    // The document describing the API is public.
    expect((await http.app.request('/api/v1/openapi.json')).status).toBe(200);
  });

  it("refuses reading a stocktake or document of another warehouse with 403, and lists only the caller's warehouses", async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    await addPerson(db, { handle: 'wendy', name: 'Wendy' });
    await grantRole(db, 'wendy', 'supervisor', 'WH2');
    const http = await testHttp(db, [mountApi]);
    const wendy = await http.bearerFor('wendy');

    for (const path of [
      `/api/v1/stocktakes/${st.code}`,
      `/api/v1/stocktakes/${st.code}/variances`,
      `/api/v1/stocktakes/${st.code}/export?format=csv`,
      `/api/v1/audit?stocktake=${st.code}`,
      `/api/v1/documents?stocktake=${st.code}`,
    ]) {
      const res = await http.app.request(path, { headers: { authorization: wendy } });
      expect(res.status, path).toBe(403);
      // The refusal does not name a warehouse where wendy holds no role.
      expect((await read(res)).error, path).toEqual({
        code: 'NOT_ALLOWED',
        message: `wendy holds no role in the warehouse of stocktake ${st.code}; ask an admin of that warehouse to grant you one`,
        localized: {
          en: `wendy holds no role in the warehouse of stocktake ${st.code}; ask an admin of that warehouse to grant you one`,
          'zh-CN': `wendy 在盘点 ${st.code} 所属的仓库没有角色，请该仓库的管理员为你授予角色`,
        },
      });
    }
    const listed = await http.app.request('/api/v1/stocktakes', { headers: { authorization: wendy } });
    expect((await read(listed)).stocktakes).toEqual([]);
    const carl = await http.bearerFor('carl');
    expect(
      (await read(await http.app.request('/api/v1/stocktakes', { headers: { authorization: carl } }))).stocktakes.map(
        (s: { code: string }) => s.code,
      ),
    ).toEqual([st.code]);

    // Writes are refused by the services' own role checks.
    const close = await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, json(wendy, {}));
    expect(close.status).toBe(403);
    expect((await read(close)).error.message).toBe(
      'wendy may not close counting: wendy holds no role in that warehouse (needs the role supervisor or manager or admin there)',
    );
  });

  it('checks the role before the state: a stranger to the warehouse gets 403, never a 409 about its stocktakes and documents', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    await addPerson(db, { handle: 'wendy', name: 'Wendy' });
    await grantRole(db, 'wendy', 'supervisor', 'WH2');
    const http = await testHttp(db, [mountApi]);
    const wendy = await http.bearerFor('wendy');
    const refusedAsStranger = async (path: string, body: unknown = {}) => {
      const res = await http.app.request(path, json(wendy, body));
      const { error } = await read(res);
      expect(res.status, `${path}: ${JSON.stringify(error)}`).toBe(403);
      expect(error.code).toBe('NOT_ALLOWED');
      expect(error.message, path).not.toContain('WH1');
    };
    // Counting is open: a review action is out of state (409 for a member), but a stranger hears only 403.
    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/variances/A-200/confirm`);
    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/submit`);
    const early = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/A-200/confirm`, json(await http.bearerFor('sam'), {}));
    expect(early.status).toBe(409);

    // Closed, reviewed, submitted and posted: closing again, confirming again and approving a posted document.
    await closeCounting(db, st.id);
    await confirmVariance(db, people.sam, { stocktake: st.code, line: 'A-200' });
    await tagCause(db, people.sam, { stocktake: st.code, line: 'A-200', cause: 'counting_error' });
    const {
      documents: [doc],
    } = await submitVariances(db, people.sam, { stocktake: st.code, lines: ['A-200'] });
    await approveDocument(db, people.sue, { document: doc!.number });
    expect((await getDocument(db, doc!.id)).status).toBe('posted');

    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/close-counting`);
    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/variances/A-200/confirm`);
    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/variances/A-200/tag`, { cause: 'damage' });
    // Nor is a stranger told which lines exist: a line that does not is refused the same way; a member hears 404.
    await refusedAsStranger(`/api/v1/stocktakes/${st.code}/variances/NOPE-1/confirm`);
    const missing = await http.app.request(`/api/v1/stocktakes/${st.code}/variances/NOPE-1/confirm`, json(await http.bearerFor('sam'), {}));
    expect(missing.status).toBe(404);
    await refusedAsStranger(`/api/v1/documents/${doc!.number}/approve`);
    await refusedAsStranger(`/api/v1/documents/${doc!.number}/reject`, { reason: 'no' });
    // A member of the warehouse is told what has moved on.
    const late = await http.app.request(`/api/v1/documents/${doc!.number}/approve`, json(await http.bearerFor('mo'), {}));
    expect(late.status).toBe(409);

    // WH2 gets a document with the same number: for wendy the number means WH2's; for someone with a role
    // in neither it is refused without naming either warehouse.
    await importBook(
      db,
      'WH2',
      csv('book.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '20'],
      ]),
    );
    await addPerson(db, { handle: 'wes', name: 'Wes' });
    await grantRole(db, 'wes', 'counter', 'WH2');
    const wh2 = await startStocktake(db, 'WH2');
    await importCounts(
      db,
      wh2.code,
      csv('count.csv', [
        ['sku', 'location', 'qty'],
        ['A-200', 'R2', '21'],
      ]),
      { counter: 'wes' },
    );
    await closeCounting(db, wh2.id);
    const wendyCtx = { actor: await cliActor(db, 'wendy') };
    await confirmVariance(db, wendyCtx, { stocktake: wh2.code, line: 'A-200' });
    await tagCause(db, wendyCtx, { stocktake: wh2.code, line: 'A-200', cause: 'counting_error' });
    const {
      documents: [twin],
    } = await submitVariances(db, wendyCtx, { stocktake: wh2.code });
    expect(twin!.number).toBe(doc!.number);
    const mine = await http.app.request(`/api/v1/documents/${doc!.number}`, { headers: { authorization: wendy } });
    expect(mine.status).toBe(200);
    expect((await read(mine)).warehouse).toBe('WH2');
    await addPerson(db, { handle: 'zed', name: 'Zed' });
    const zed = await http.app.request(`/api/v1/documents/${doc!.number}/approve`, json(await http.bearerFor('zed'), {}));
    expect(zed.status).toBe(403);
    expect((await read(zed)).error.message).not.toMatch(/WH1|WH2/);
  });

  it('refuses an upload over the limit with 413 naming the limit in MB, before anything is imported', async () => {
    const { db, st, http, carl } = await carlWithStocktake();
    const sheet = `sku,location,qty\n${'A-100,R1,1\n'.repeat(100_000)}`;
    expect(sheet.length).toBeGreaterThan(1024 * 1024);

    const raw = await http.app.request(`/api/v1/stocktakes/${st.code}/counts`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'text/csv' },
      body: sheet,
    });
    expect(raw.status).toBe(413);
    expect((await read(raw)).error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'the upload is larger than the limit of 1 MB (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported',
      localized: {
        en: 'the upload is larger than the limit of 1 MB (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported',
        'zh-CN': '上传的文件超过 1 MB 的上限（STOCKTAKE_MAX_UPLOAD_MB），未导入任何内容',
      },
    });
    const form = new FormData();
    form.append('file', new File([sheet], 'big.csv', { type: 'text/csv' }));
    const multipart = await http.app.request(`/api/v1/stocktakes/${st.code}/counts`, {
      method: 'POST',
      headers: { authorization: carl, origin: 'http://localhost' },
      body: form,
    });
    expect(multipart.status).toBe(413);
    // A stated length over the limit (as Node's server always has it) is refused before any of it is read.
    const stated = await http.app.request(`/api/v1/stocktakes/${st.code}/counts`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'text/csv', 'content-length': String(Buffer.byteLength(sheet)) },
      body: sheet,
    });
    expect(stated.status).toBe(413);
    expect((await read(stated)).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await stocktakeStatus(db, st.id)).imports).toBe(0);

    // Just under the limit goes in.
    const fits = await http.app.request(`/api/v1/stocktakes/${st.code}/counts`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'text/csv' },
      body: 'sku,location,qty\nA-100,R1,1\n',
    });
    expect(fits.status).toBe(201);
  });

  it('refuses a JSON body over 1 MB sent to the real server with 413 in both languages, and takes one under it', async () => {
    const { db, st, http, carl } = await carlWithStocktake();
    // Through Node's own server, which states every body's length: the path the limit takes in production.
    const server = serve({ fetch: http.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const note = (text: string) =>
        fetch(`http://127.0.0.1:${port}/api/v1/stocktakes/${st.code}/variances/A-100/note`, json(carl, { note: text }));
      const big = await note('x'.repeat(1024 * 1024));
      expect(big.status).toBe(413);
      expect((await read(big)).error).toEqual({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'the request body is larger than the limit of 1 MB',
        localized: { en: 'the request body is larger than the limit of 1 MB', 'zh-CN': '请求内容超过 1 MB 的上限' },
      });
      // Under the limit, the body is read and judged: here the line is not a variance (counting is open).
      const small = await note('checked');
      expect(small.status).not.toBe(413);
      expect((await read(small)).error.code).not.toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a bad sheet with 400 listing every problem with its line and column, importing nothing', async () => {
    const { db, st, http, carl } = await carlWithStocktake();
    const res = await http.app.request(`/api/v1/stocktakes/${st.code}/counts?fileName=bad.csv`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'text/csv' },
      body: 'sku,location,数量\nA-100,R1,90\nA-200,R2,abc\nZZZ-9,R9,1\nC-400,R4,-1\n',
    });
    expect(res.status).toBe(400);
    const { error } = await read(res);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('bad.csv: 3 invalid line(s); nothing was imported');
    expect(error.problems.map((p: { line: number; column: string }) => [p.line, p.column])).toEqual([
      [3, '数量'],
      [4, 'sku'],
      [5, '数量'],
    ]);
    expect((await stocktakeStatus(db, st.id)).imports).toBe(0);

    // skipInvalid imports the valid lines and reports the others.
    const skipped = await http.app.request(`/api/v1/stocktakes/${st.code}/counts?fileName=bad.csv&skipInvalid=true`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'text/csv' },
      body: 'sku,location,数量\nA-100,R1,90\nA-200,R2,abc\n',
    });
    expect(skipped.status).toBe(201);
    expect(await read(skipped)).toMatchObject({ rowsAccepted: 1, rowsRejected: 1, problems: [{ line: 3, column: '数量' }] });

    const unsupported = await http.app.request(`/api/v1/stocktakes/${st.code}/counts`, {
      method: 'POST',
      headers: { authorization: carl, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsupported.status).toBe(400);
    expect((await read(unsupported)).error.problems).toMatchObject([
      { line: null, column: 'Content-Type', message: 'application/json is not accepted' },
    ]);
  });

  it('refuses a 30-digit quantity with 400 naming its line, column and the limit, not a 500, importing nothing', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const st = await startStocktake(db, 'WH1');
    const http = await testHttp(db, [mountApi]);
    const thirty = '123456789012345678901234567890';
    const res = await http.app.request(`/api/v1/stocktakes/${st.code}/counts?fileName=huge.csv`, {
      method: 'POST',
      headers: { authorization: await http.bearerFor('carl'), 'content-type': 'text/csv' },
      body: `sku,location,数量\nA-100,R1,90\nA-200,R2,${thirty}\n`,
    });
    expect(res.status).toBe(400);
    const { error } = await read(res);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.problems).toMatchObject([
      {
        line: 3,
        column: '数量',
        message: `quantity "${thirty}" has 30 digits before the decimal point; at most 15 are allowed`,
        localized: {
          en: `quantity "${thirty}" has 30 digits before the decimal point; at most 15 are allowed`,
          'zh-CN': `数量“${thirty}”的整数部分有 30 位，最多允许 15 位`,
        },
      },
    ]);
    expect((await stocktakeStatus(db, st.id)).imports).toBe(0);
  });

  it('names the field of a bad body or query in a 400, every field at once', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const sam = await http.bearerFor('sam');

    const start = await http.app.request('/api/v1/stocktakes', json(sam, { warehous: 'WH1' }));
    expect(start.status).toBe(400);
    const startError = (await read(start)).error;
    expect(startError.code).toBe('INVALID_INPUT');
    expect(startError.problems.map((p: { column: string }) => p.column).sort()).toEqual(['warehous', 'warehouse']);

    const reject = await http.app.request('/api/v1/documents/PK-2026-0001/reject', json(sam, { reason: ' ', step: 'one' }));
    expect(reject.status).toBe(400);
    expect((await read(reject)).error.problems).toMatchObject([
      { line: null, column: 'reason', message: 'reason: is required (it is shown on the lines sent back)' },
      { line: null, column: 'step', message: 'step: Invalid input: expected number, received string' },
    ]);

    const query = await http.app.request(`/api/v1/stocktakes/${st.code}/variances?limit=lots&sort=size&status=open,lost`, {
      headers: { authorization: sam },
    });
    expect(query.status).toBe(400);
    expect((await read(query)).error.problems.map((p: { column: string }) => p.column)).toEqual(['status', 'sort', 'limit']);

    const notJson = await http.app.request(`/api/v1/stocktakes/${st.code}/submit`, {
      method: 'POST',
      headers: { authorization: sam, 'content-type': 'application/json' },
      body: '{lines:',
    });
    expect(notJson.status).toBe(400);
    expect((await read(notJson)).error.message).toContain('the request body is not valid JSON');

    const badKey = await http.app.request(
      `/api/v1/stocktakes/${st.code}/close-counting`,
      json(sam, {}, { 'idempotency-key': 'naïve key' }),
    );
    expect(badKey.status).toBe(400);
    expect((await read(badKey)).error.problems[0].column).toBe('Idempotency-Key');

    const miss = await http.app.request('/api/v1/stocktake', { headers: { authorization: sam } });
    expect(miss.status).toBe(404);
    expect((await read(miss)).error.message).toBe('route "GET /api/v1/stocktake" not found; see /api/v1/openapi.json for the routes');
  });

  it("refuses a change signed in by the session cookie unless it comes from the console's own origin", async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    const http = await testHttp(db, [mountApi]);
    const cookie = await http.cookieFor('sam');
    const foreign = await http.app.request(`/api/v1/stocktakes/${st.code}/close-counting`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect((await read(foreign)).error.message).toContain('must come from the console itself');
    const own = await http.as('sam', `/api/v1/stocktakes/${st.code}/close-counting`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(own.status).toBe(200);
  });

  it("lets only a supervisor, manager or admin import counts in another person's name", async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const st = await startStocktake(db, 'WH1');
    const http = await testHttp(db, [mountApi]);
    const upload = async (person: string, counter: string, body: string) =>
      http.app.request(`/api/v1/stocktakes/${st.code}/counts?counter=${counter}`, {
        method: 'POST',
        headers: { authorization: await http.bearerFor(person), 'content-type': 'text/csv' },
        body,
      });
    const byCarl = await upload('carl', 'sam', 'sku,location,qty\nA-100,R1,90\n');
    expect(byCarl.status).toBe(403);
    expect((await read(byCarl)).error.message).toBe(
      'carl may only import their own counts: naming sam as the counter needs the role supervisor, manager or admin in WH1',
    );
    const bySam = await upload('sam', 'carl', 'sku,location,qty\nA-100,R1,90\n');
    expect(bySam.status).toBe(201);
    expect((await read(bySam)).counter).toBe('carl');
    const byFay = await upload('fay', 'fay', 'sku,location,qty\nA-200,R2,20\n');
    expect(byFay.status).toBe(403);
    expect((await read(byFay)).error.message).toBe(
      'fay may not import a count sheet in WH1: needs the role counter or supervisor or manager or admin',
    );
  });
});
