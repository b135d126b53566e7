/**
 * The REST API end to end, in-process: each person acts with their own API key, from starting a stocktake
 * to downloading what was posted. Responses are checked against the schemas openapi.json documents.
 */
import { expect, it } from 'vitest';
import type { z } from 'zod';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedPeople } from '../support/flow.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { testHttp, type TestHttp } from '../support/http.ts';

/** A response's JSON body, untyped: the assertions say what it holds. */
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

/** The documented schema of a route's success response (the table's, as openapi.json shows it). */
function documented(method: string, path: string): z.ZodType {
  const route = API_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route?.response.schema) throw new Error(`no JSON response documented for ${method} ${path}`);
  return route.response.schema;
}

/** Parses the body and checks it is exactly what the schema documents (nothing missing, nothing extra). */
async function bodyOf(res: Response, method: string, path: string): Promise<any> {
  const body = await read(res);
  const parsed = documented(method, path).safeParse(body);
  if (!parsed.success) throw new Error(`${method} ${path} answered outside its documented schema: ${parsed.error.message}`);
  expect(parsed.data).toEqual(body);
  return body;
}

function client(http: TestHttp, auth: string) {
  const send = (
    method: string,
    path: string,
    init: { json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> } = {},
  ) =>
    http.app.request(`/api/v1${path}`, {
      method,
      headers: { authorization: auth, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : init.body !== undefined ? { body: init.body } : {}),
    });
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, json: unknown = {}, headers: Record<string, string> = {}) => send('POST', path, { json, headers }),
    send,
  };
}

describeEachDatabase('REST API walk', (get) => {
  it('carries a stocktake from start to a downloaded export, each person with their own API key', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const [carl, sam, sue, ann, fay] = await Promise.all(
      ['carl', 'sam', 'sue', 'ann', 'fay'].map(async (p) => client(http, await http.bearerFor(p))),
    );

    // Counters may not start a stocktake; a supervisor may.
    const refused = await carl!.post('/stocktakes', { warehouse: 'WH1' });
    expect(refused.status).toBe(403);
    expect((await read(refused)).error).toMatchObject({
      code: 'NOT_ALLOWED',
      message: expect.stringContaining('needs the role supervisor or manager or admin'),
    });
    const startRes = await sam!.post('/stocktakes', { warehouse: 'WH1' });
    expect(startRes.status).toBe(201);
    const started = await bodyOf(startRes, 'post', '/stocktakes');
    expect(started).toMatchObject({ warehouse: 'WH1', status: 'counting', bookLines: 4 });
    const st = started.code as string;

    // carl sends one sheet as a multipart upload (an HTML form or curl -F) and one as a raw CSV body.
    const form = new FormData();
    form.append('file', new File(['sku,location,qty\r\nA-100,R1,90\r\nA-200,R2,120\r\n'], 'aisle-a.csv', { type: 'text/csv' }));
    // Origin: see the report on CSRF and API keys (src/http/auth.ts applies csrf() to every multipart post).
    const multipart = await carl!.send('POST', `/stocktakes/${st}/counts`, { body: form, headers: { origin: 'http://localhost' } });
    expect(multipart.status).toBe(201);
    expect(await bodyOf(multipart, 'post', '/stocktakes/{stocktake}/counts')).toMatchObject({
      fileName: 'aisle-a.csv',
      counter: 'carl',
      round: 1,
      linesCounted: 2,
      rowsRejected: 0,
    });
    const raw = await carl!.send('POST', `/stocktakes/${st}/counts?fileName=aisle-bc.csv`, {
      body: '物料编码,库位,实盘数量\nB-300,R3,50.5\nC-400,R4,1\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(raw.status).toBe(201);
    const report = await bodyOf(raw, 'post', '/stocktakes/{stocktake}/counts');
    expect(report).toMatchObject({
      fileName: 'aisle-bc.csv',
      counter: 'carl',
      linesCounted: 2,
      progress: { imports: 2, lines: { total: 4, counted: 4, uncounted: 0 } },
    });

    const closeRes = await sam!.post(`/stocktakes/${st}/close-counting`);
    expect(await bodyOf(closeRes, 'post', '/stocktakes/{stocktake}/close-counting')).toMatchObject({
      code: st,
      status: 'reviewing',
      openVariances: 3,
      owner: 'sam',
    });

    // Largest value first, with exact decimal strings; filters and pages.
    const byValue = await bodyOf(
      await sam!.get(`/stocktakes/${st}/variances?onlyDiff=true&sort=value`),
      'get',
      '/stocktakes/{stocktake}/variances',
    );
    expect(byValue.total).toBe(3);
    expect(byValue.lines.map((l: any) => [l.line, l.diffQty, l.diffValue, l.reviewStatus, l.owner])).toEqual([
      ['A-200@R2', '100', '1200.00', 'open', 'sam'],
      ['C-400@R4', '-2', '-300.00', 'open', 'sam'],
      ['A-100@R1', '-10', '-25.00', 'open', 'sam'],
    ]);
    const everything = await bodyOf(await sam!.get(`/stocktakes/${st}/variances`), 'get', '/stocktakes/{stocktake}/variances');
    expect(everything.lines.map((l: any) => [l.sku, l.reviewStatus, l.direction])).toEqual([
      ['A-100', 'open', 'loss'],
      ['A-200', 'open', 'gain'],
      ['B-300', 'none', 'match'],
      ['C-400', 'open', 'loss'],
    ]);
    expect(everything.lines[2]).toMatchObject({
      bookQty: '50.5',
      countedQty: '50.5',
      diffQty: '0',
      unitCost: '0.3333',
      itemName: 'Copper wire',
      unit: 'kg',
    });
    const paged = await bodyOf(
      await sam!.get(`/stocktakes/${st}/variances?sort=value&onlyDiff=1&limit=1&offset=1`),
      'get',
      '/stocktakes/{stocktake}/variances',
    );
    expect(paged).toMatchObject({ total: 3, limit: 1, offset: 1, lines: [{ line: 'C-400@R4' }] });
    expect((await read(await sam!.get(`/stocktakes/${st}/variances?direction=loss&location=R1`))).lines.map((l: any) => l.line)).toEqual([
      'A-100@R1',
    ]);
    expect((await read(await sam!.get(`/stocktakes/${st}/variances?owner=sam&status=open,recount`))).total).toBe(3);

    // sam explains every line.
    for (const [line, cause] of [
      ['A-200@R2', 'unrecorded_receipt'],
      ['C-400@R4', 'damage'],
      ['A-100', 'counting_error'],
    ] as const) {
      const confirmed = await sam!.post(`/stocktakes/${st}/variances/${encodeURIComponent(line)}/confirm`);
      expect(await bodyOf(confirmed, 'post', '/stocktakes/{stocktake}/variances/{line}/confirm')).toMatchObject({
        reviewStatus: 'confirmed',
      });
      const tagged = await sam!.post(`/stocktakes/${st}/variances/${encodeURIComponent(line)}/tag`, { cause, note: `checked ${line}` });
      expect(await bodyOf(tagged, 'post', '/stocktakes/{stocktake}/variances/{line}/tag')).toMatchObject({
        reviewStatus: 'confirmed',
        causeCode: cause,
        note: `checked ${line}`,
      });
    }
    expect((await read(await sam!.get(`/stocktakes/${st}/variances?cause=damage`))).lines.map((l: any) => l.line)).toEqual(['C-400@R4']);

    const submitted = await bodyOf(await sam!.post(`/stocktakes/${st}/submit`), 'post', '/stocktakes/{stocktake}/submit');
    const year = new Date().getFullYear();
    expect(submitted.documents.map((d: any) => [d.number, d.kind, d.totalValue, d.route.map((s: any) => s.role)])).toEqual([
      [`PY-${year}-0001`, 'gain', '1200.00', ['supervisor', 'finance']],
      [`PK-${year}-0001`, 'loss', '-325.00', ['supervisor']],
    ]);

    // Segregation of duties: sam explained the lines; ann may approve one step, not two.
    const bySam = await sam!.post(`/documents/PY-${year}-0001/approve`);
    expect(bySam.status).toBe(403);
    expect((await read(bySam)).error).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringContaining('sam explained A-200@R2') });
    const first = await bodyOf(await ann!.post(`/documents/PY-${year}-0001/approve`, { step: 1 }), 'post', '/documents/{document}/approve');
    expect(first.route.map((s: any) => [s.status, s.decidedBy])).toEqual([
      ['approved', 'ann'],
      ['pending', null],
    ]);
    const twice = await ann!.post(`/documents/PY-${year}-0001/approve`, { step: 2 });
    expect(twice.status).toBe(403);
    expect((await read(twice)).error.message).toContain('one person may not approve two steps');
    const stale = await fay!.post(`/documents/PY-${year}-0001/approve`, { step: 1 });
    expect(stale.status).toBe(409);
    expect((await read(stale)).error).toMatchObject({ code: 'STALE', message: expect.stringContaining('already approved by ann') });
    expect(
      (await bodyOf(await fay!.post(`/documents/PY-${year}-0001/approve`, { step: 2 }), 'post', '/documents/{document}/approve')).status,
    ).toBe('posted');
    expect((await read(await sue!.post(`/documents/PK-${year}-0001/approve`))).status).toBe('posted');

    const shown = await bodyOf(await fay!.get(`/documents/PK-${year}-0001`), 'get', '/documents/{document}');
    expect(shown.lines.map((l: any) => [l.lineNo, l.sku, l.qty, l.value, l.causeCode])).toEqual([
      [1, 'A-100', '-10', '-25.00', 'counting_error'],
      [2, 'C-400', '-2', '-300.00', 'damage'],
    ]);
    const detail = await bodyOf(await carl!.get(`/stocktakes/${st}`), 'get', '/stocktakes/{stocktake}');
    expect(detail).toMatchObject({
      status: 'posted',
      review: { posted: 3, open: 0 },
      documents: [{ status: 'posted' }, { status: 'posted' }],
    });
    const listed = await bodyOf(await carl!.get('/documents'), 'get', '/documents');
    expect(listed.documents).toHaveLength(2);

    // The download a dashboard link makes, signed in by the session cookie.
    const csv = await http.as('fay', `/api/v1/stocktakes/${st}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain(`attachment; filename="${st}-posted.csv"`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.toString('utf8').slice(1).split('\r\n');
    expect(rows[0]).toMatch(/^document_no,type,posting_date,posted_at,warehouse,stocktake,sku,location,lot,expiry,qty_delta/);
    expect(rows.filter((r) => r.startsWith(`PY-${year}-0001,gain`))).toEqual([
      expect.stringContaining(',A-200,R2,,,100,12,1200.00,CNY,unrecorded_receipt,'),
    ]);
    const xlsx = await fay!.get(`/documents/PK-${year}-0001/export?format=xlsx`);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toContain(`filename="PK-${year}-0001.xlsx"`);
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const json = await fay!.get(`/documents/PY-${year}-0001/export?format=json`);
    expect((await read(json)).documents[0]).toMatchObject({
      number: `PY-${year}-0001`,
      totalValue: '1200.00',
      approvers: [
        { role: 'supervisor', person: 'ann' },
        { role: 'finance', person: 'fay' },
      ],
    });

    expect(await bodyOf(await fay!.get('/audit/verify'), 'get', '/audit/verify')).toMatchObject({ ok: true });
    const history = await bodyOf(await fay!.get(`/audit?document=PY-${year}-0001`), 'get', '/audit');
    expect(history.entries.map((e: any) => [e.action, e.actorIdentity])).toEqual(
      expect.arrayContaining([
        ['document.approved', 'api:ann'],
        ['document.approved', 'api:fay'],
        ['document.posted', 'api:fay'],
      ]),
    );
    const stHistory = (await read(await sam!.get(`/audit?stocktake=${st}`))).entries.map((e: any) => e.action);
    expect(stHistory).toEqual(
      expect.arrayContaining([
        'stocktake.started',
        'counts.imported',
        'stocktake.counting_closed',
        'variance.confirm',
        'variance.tag',
        'document.submitted',
      ]),
    );
  });

  it('imports an XLSX sheet sent as the raw body, and a rejection sends the lines back to review with its reason', async () => {
    const { db } = get();
    await seedWarehouse(db);
    await seedPeople(db);
    const http = await testHttp(db, [mountApi]);
    const [carl, sam, sue] = await Promise.all(['carl', 'sam', 'sue'].map(async (p) => client(http, await http.bearerFor(p))));
    const st = (await read(await sam!.post('/stocktakes', { warehouse: 'WH1' }))).code as string;

    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('count');
    for (const row of [
      ['物料编码', '库位', '实盘数量'],
      ['A-100', 'R1', 95],
      ['A-200', 'R2', 20],
      ['B-300', 'R3', 50.5],
      ['C-400', 'R4', 3],
    ])
      sheet.addRow(row);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const imported = await carl!.send('POST', `/stocktakes/${st}/counts?fileName=count.xlsx`, {
      body: xlsx,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(imported.status).toBe(201);
    expect(await bodyOf(imported, 'post', '/stocktakes/{stocktake}/counts')).toMatchObject({
      fileName: 'count.xlsx',
      linesCounted: 4,
      progress: { variances: { loss: 1, lossValue: '-12.50' } },
    });

    await sam!.post(`/stocktakes/${st}/close-counting`);
    await sam!.post(`/stocktakes/${st}/variances/A-100/confirm`);
    await sam!.post(`/stocktakes/${st}/variances/A-100/tag`, { cause: 'damage' });
    const [doc] = (await read(await sam!.post(`/stocktakes/${st}/submit`, { lines: ['A-100@R1'] }))).documents;
    const rejected = await sue!.post(`/documents/${doc.id}/reject`, { reason: 'photos missing', step: 1 });
    expect(await bodyOf(rejected, 'post', '/documents/{document}/reject')).toMatchObject({
      status: 'rejected',
      route: [{ status: 'rejected', decidedBy: 'sue', reason: 'photos missing' }],
    });
    const back = await bodyOf(await sam!.get(`/stocktakes/${st}/variances?status=open`), 'get', '/stocktakes/{stocktake}/variances');
    expect(back.lines).toEqual([
      expect.objectContaining({ line: 'A-100@R1', reviewStatus: 'open', returnedReason: `${doc.number} rejected: photos missing` }),
    ]);
  });
});
