/**
 * Photo evidence over the API: attach a photo to a line or a location (the image as the raw body, or
 * multipart with the field `photo`), list a stocktake's photos, and fetch one (or its thumbnail) — only
 * for people with a role in its warehouse.
 */
import { z } from 'zod';
import { InvalidInputError, problemOf } from '../../domain/errors.ts';
import { inputTexts, zodMessage } from '../../domain/texts/input.ts';
import { addPhoto, listPhotos, readPhoto } from '../../services/photos.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import type { AppContext } from '../app.ts';
import { requireReader } from './access.ts';
import { API_BASE, defineRoute, type ApiRoute } from './route.ts';
import { PhotoAdded, PhotoList } from './schemas.ts';
import { STOCKTAKE_PARAM } from './stocktakes.ts';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'];

const target = z
  .object({
    line: z.string().trim().min(1).max(200).optional().describe('the line: SKU, or SKU@LOCATION where the SKU has several'),
    location: z.string().trim().min(1).max(100).optional().describe('a location, for a photo taken while counting it'),
  })
  .strict()
  .refine((t) => Boolean(t.line) !== Boolean(t.location), { message: zodMessage(inputTexts.lineOrLocation()) });

/** The image of the request: multipart field `photo` (or `file`), or the raw body. */
async function readImage(c: AppContext): Promise<Uint8Array> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = await c.req.parseBody();
    const file = form.photo ?? form.file;
    if (!(file instanceof File)) {
      throw new InvalidInputError(inputTexts.sendField('photo', 'photo'), [problemOf(null, 'photo', inputTexts.fieldMissing('photo'))]);
    }
    return new Uint8Array(await file.arrayBuffer());
  }
  if (![...IMAGE_TYPES, 'application/octet-stream'].includes(type)) {
    throw new InvalidInputError(inputTexts.photoType(type || 'no content type', IMAGE_TYPES.join(', ')), [
      problemOf(null, 'Content-Type', inputTexts.typeNotAccepted(type || 'missing')),
    ]);
  }
  return new Uint8Array(await c.req.arrayBuffer());
}

const binary = { schema: { type: 'string', format: 'binary' } };
const photoUrl = (sha256: string) => `${API_BASE}/photos/${sha256}`;

function servePhoto(variant: 'full' | 'thumbnail'): ApiRoute {
  return defineRoute({
    method: 'get',
    path: variant === 'full' ? '/photos/{sha256}' : '/photos/{sha256}/thumbnail',
    operationId: variant === 'full' ? 'getPhoto' : 'getPhotoThumbnail',
    summary: variant === 'full' ? 'A photo as it was sent' : "A photo's thumbnail (JPEG, at most 320 px on its longer side)",
    description: 'Only for people with a role in the warehouse of a stocktake the photo is attached to.',
    tags: ['photos'],
    params: { sha256: 'the SHA-256 of the photo, in hex' },
    status: 200,
    response: { description: 'the image', content: Object.fromEntries(IMAGE_TYPES.map((t) => [t, binary])) },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const photo = await readPhoto(c.get('deps').db, actor.personId, params.sha256!, variant);
      // Content-addressed: the bytes behind a hash never change, but who may see them can.
      return c.body(new Uint8Array(photo.bytes), 200, {
        'content-type': photo.mime,
        'cache-control': 'private, max-age=31536000, immutable',
      });
    },
  });
}

export const photoRoutes: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/photos',
    operationId: 'addPhoto',
    summary: 'Attach a photo to a line or a location (拍照留档)',
    description: [
      'The image as the raw body (image/jpeg, png, webp, gif, avif) or multipart/form-data with the field `photo`; `line` or `location`',
      'as query parameters. Anyone with a role in the warehouse; the same photo attached twice to one place is one attachment. Photos',
      'above the upload limit are refused with 413, anything that is not a readable image with 400.',
    ].join(' '),
    tags: ['photos'],
    params: STOCKTAKE_PARAM,
    query: target,
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: { type: 'object', required: ['photo'], properties: { photo: { type: 'string', format: 'binary' } } },
        },
        ...Object.fromEntries(IMAGE_TYPES.map((t) => [t, binary])),
      },
    },
    maxBodyBytes: (c) => c.get('deps').maxUploadBytes,
    status: 201,
    response: { description: 'the photo is attached', schema: PhotoAdded },
    errors: [403, 404, 409, 413],
    async handle(c, { query, ctx }) {
      const bytes = await readImage(c);
      return addPhoto(c.get('deps').db, ctx, {
        stocktake: c.req.param('stocktake')!,
        ...(query.line ? { line: query.line } : { location: query.location! }),
        bytes,
        source: 'api',
        maxBytes: c.get('deps').maxUploadBytes,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}/photos',
    operationId: 'listPhotos',
    summary: "A stocktake's photos, oldest first",
    tags: ['photos'],
    params: STOCKTAKE_PARAM,
    status: 200,
    response: { description: 'the photos', schema: PhotoList },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      const photos = await listPhotos(db, st.id);
      return {
        stocktake: st.code,
        photos: photos.map((p) => ({ ...p, url: photoUrl(p.sha256), thumbnailUrl: `${photoUrl(p.sha256)}/thumbnail` })),
      };
    },
  }),
  servePhoto('full'),
  servePhoto('thumbnail'),
];
