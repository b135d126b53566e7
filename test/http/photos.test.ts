/**
 * Photos over the REST API: attach by raw body and by multipart, list with links, fetch the photo and its
 * thumbnail as a warehouse member, refused for an outsider, a non-image and an oversized body.
 */
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { mountApi } from '../../src/http/api/index.ts';
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
});
