/**
 * Photos over the REST API: attach by raw body and by multipart, list with links, fetch the photo and its
 * thumbnail as a warehouse member, refused for an outsider, a non-image and an oversized body.
 */
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { addPhoto } from '../../src/services/photos.ts';
import { documentPayload } from '../../src/integration/events.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';
import { explainAll } from '../support/flow.ts';
import { addPerson } from '../../src/services/people.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

const jpeg = (shade: number) =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: shade, g: 40, b: 40 } } })
    .jpeg()
    .toBuffer();

describeEachDatabase('photo API', (get) => {
  it('attaches, lists and serves photos to members of the warehouse only', async () => {
    const { db } = get();
    const { st } = await countedStocktake(db);
    await addPerson(db, { handle: 'visitor' });
    const http = await testHttp(db, [mountApi]);
    const carl = await http.bearerFor('carl');
    const visitor = await http.bearerFor('visitor');
    const call = (auth: string, method: string, path: string, body?: RequestInit['body'], type?: string) =>
      http.app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: auth, ...(type ? { 'content-type': type } : {}) },
        ...(body ? { body } : {}),
      });

    const raw = await call(carl, 'POST', `/stocktakes/${st.code}/photos?line=A-100`, new Uint8Array(await jpeg(10)), 'image/jpeg');
    expect(raw.status).toBe(201);
    const first: any = await raw.json();
    expect(first).toMatchObject({ stocktake: st.code, sku: 'A-100', location: 'R1', photos: 1, added: true });

    const form = new FormData();
    form.append('photo', new File([new Uint8Array(await jpeg(200))], 'IMG_0001.jpg', { type: 'image/jpeg' }));
    const multipart = await call(carl, 'POST', `/stocktakes/${st.code}/photos?location=R4`, form);
    expect(multipart.status).toBe(201);
    expect(await multipart.json()).toMatchObject({ sku: null, location: 'R4', photos: 1 });

    const list: any = await (await call(carl, 'GET', `/stocktakes/${st.code}/photos`)).json();
    expect(list.photos.map((p: { sku: string | null; addedBy: string }) => [p.sku, p.addedBy])).toEqual([
      ['A-100', 'carl'],
      [null, 'carl'],
    ]);
    const photo = await call(carl, 'GET', list.photos[0].url.replace('/api/v1', ''));
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const thumb = await call(carl, 'GET', list.photos[0].thumbnailUrl.replace('/api/v1', ''));
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(320);

    // Someone without a role in the warehouse sees nothing, and cannot attach.
    expect((await call(visitor, 'GET', `/photos/${first.sha256}`)).status).toBe(403);
    expect((await call(visitor, 'GET', `/stocktakes/${st.code}/photos`)).status).toBe(403);
    expect((await call(carl, 'GET', `/photos/${'0'.repeat(64)}`)).status).toBe(404);

    // Not an image, or no target: refused with what is wrong.
    const pdf = await call(
      carl,
      'POST',
      `/stocktakes/${st.code}/photos?line=A-100`,
      new TextEncoder().encode('%PDF-1.7'),
      'application/octet-stream',
    );
    expect(pdf.status).toBe(400);
    expect(JSON.stringify(await pdf.json())).toContain('not a photo');
    const csv = await call(carl, 'POST', `/stocktakes/${st.code}/photos?line=A-100`, 'sku,qty', 'text/csv');
    expect(csv.status).toBe(400);
    const neither = await call(carl, 'POST', `/stocktakes/${st.code}/photos`, new Uint8Array(await jpeg(5)), 'image/jpeg');
    expect(neither.status).toBe(400);
  });

  it('shows an approver the photos on the stocktake page and beside the document line they support', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const { sha256 } = await addPhoto(db, people.carl, { stocktake: st.code, line: 'A-100', bytes: await jpeg(90), source: 'telegram' });
    await addPhoto(db, people.carl, { stocktake: st.code, location: 'R4', bytes: await jpeg(150), source: 'api' });
    await closeCounting(db, st.id, { actor: people.sam.actor });
    await explainAll(db, st.code, people.sam);
    const { documents: submitted } = await submitVariances(db, people.sam, { stocktake: st.code });
    // The integration payload of the loss document carries the line's photo (the location's is no line's).
    const { document } = await documentPayload(db, submitted.find((d) => d.kind === 'loss')!.id);
    expect(document.lines.map((l) => [l.sku, l.photos])).toEqual([
      ['A-100', [sha256]],
      ['C-400', []],
    ]);
    const http = await testHttp(db, [mountApi, mountPages], { defaultLocale: 'zh-CN' });
    const page = await http.as('fay', `/stocktakes/${st.code}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const section = html.slice(html.indexOf('<h2 id="photos">'), html.indexOf('<h2 id="exports">'));
    expect(section).toContain('<h3>A-100@R1 · 1 张照片</h3>');
    expect(section).toContain('<h3>库位 R4 · 1 张照片</h3>');
    expect(section).toContain(`href="/api/v1/photos/${sha256}"`);
    expect(section).toContain('Telegram');
    // The loss document's line of A-100 carries its thumbnail.
    const documents = html.slice(html.indexOf('<section class="panel document"'));
    const line = documents.slice(documents.indexOf('<td>A-100</td>'));
    expect(line.slice(0, line.indexOf('</tr>'))).toContain(`src="/api/v1/photos/${sha256}/thumbnail"`);
    // The approver can open it: finance holds a role in the warehouse.
    expect((await http.as('fay', `/api/v1/photos/${sha256}/thumbnail`)).status).toBe(200);
  });
});
