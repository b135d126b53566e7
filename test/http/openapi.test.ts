/**
 * openapi.json and the served routes agree both ways: every /api/v1 route Hono registers is documented
 * with its method and path, and every documented operation is served (requesting it never misses).
 */
import { expect, it } from 'vitest';
import { API_ROUTES, mountApi } from '../../src/http/api/index.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

/** A response's JSON body, untyped: the assertions say what it holds. */
const read = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, any> };
};

/** `/api/v1/stocktakes/:stocktake` → `/api/v1/stocktakes/{stocktake}`. */
const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every `$ref` anywhere in the document. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
  }
  return out;
}

describeEachDatabase('openapi.json', (get) => {
  it('is served without a key and documents exactly the routes the app serves', async () => {
    const { db } = get();
    await countedStocktake(db);
    const http = await testHttp(db, [mountApi], { localOnly: false });
    const res = await http.app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await read(res)) as Doc;
    expect(doc.openapi).toBe('3.1.0');

    // Each route is listed once per handler (its body limit, then the handler itself).
    const served = [
      ...new Set(
        http.app.routes
          .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
          .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
      ),
    ];
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(new Set(served)).toEqual(new Set(documented));
    expect(served).toHaveLength(documented.length);
    expect(documented).toHaveLength(API_ROUTES.length);

    // Every documented operation is answered by its route, never by the catch-all miss.
    const auth = await http.bearerFor('ann');
    for (const entry of documented) {
      const [method, path] = entry.split(' ') as [string, string];
      const url = path.replace(/\{[^}]+\}/g, 'X');
      const answer = await http.app.request(url, {
        method: method.toUpperCase(),
        headers: { authorization: auth, ...(method === 'post' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'post' ? { body: '{}' } : {}),
      });
      const body = answer.headers.get('content-type')?.startsWith('application/json') ? await read(answer) : null;
      expect(body?.error?.message ?? '', entry).not.toMatch(/^route ".*" not found/);
      expect(answer.status, entry).toBeLessThan(500);
    }
  });

  it('describes parameters, bodies, errors and security from the route table, with every reference resolving', async () => {
    const { db } = get();
    const http = await testHttp(db, [mountApi]);
    const doc = (await read(await http.app.request('/api/v1/openapi.json'))) as Doc;

    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
    for (const ref of refs(doc)) expect(doc.components.schemas, ref).toHaveProperty(ref.replace('#/components/schemas/', ''));

    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const declared = op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name);
        expect(declared, `${method} ${path}`).toEqual([...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
        expect(Object.keys(op.responses), `${method} ${path}`).toContain('400');
        if (path !== '/api/v1/openapi.json') {
          expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }, { session: [] }]);
          expect(op.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        }
        if (method === 'post')
          expect(
            op.parameters.map((p: any) => p.name),
            `${method} ${path}`,
          ).toContain('Idempotency-Key');
      }
    }

    const reject = doc.paths['/api/v1/documents/{document}/reject']!.post;
    expect(reject.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['reason'],
      properties: { reason: { type: 'string' }, step: { type: 'integer' } },
    });
    const variances = doc.paths['/api/v1/stocktakes/{stocktake}/variances']!.get;
    expect(variances.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual([
      'status',
      'direction',
      'cause',
      'location',
      'owner',
      'onlyDiff',
      'sort',
      'limit',
      'offset',
    ]);
    expect(variances.parameters.find((p: any) => p.name === 'sort')).toMatchObject({
      required: false,
      schema: { enum: ['sku', 'value'], default: 'sku' },
    });
    expect(variances.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/VariancePage' });
    const upload = doc.paths['/api/v1/stocktakes/{stocktake}/counts']!.post;
    expect(Object.keys(upload.requestBody.content)).toEqual([
      'multipart/form-data',
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
    ]);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '413']));
    expect(Object.keys(doc.paths['/api/v1/stocktakes/{stocktake}/export']!.get.responses['200'].content)).toEqual([
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/json',
    ]);
    // Money and quantities are documented as decimal strings.
    expect((doc.components.schemas.VarianceLine as any).properties.diffValue).toMatchObject({
      anyOf: [{ type: 'string', pattern: expect.any(String) }, { type: 'null' }],
    });
  });
});
