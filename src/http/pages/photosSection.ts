/**
 * Photo evidence on the stocktake page: every photo as a thumbnail linking to the photo itself, grouped by
 * line (or location, for photos taken while counting), with who added it, when and from where. The photo
 * URLs answer only people with a role in the warehouse, as this page does.
 */
import type { PhotoRef } from '../../services/photos.ts';
import { API_BASE } from '../api/route.ts';
import { esc } from '../layout.ts';
import type { PageWords } from './i18n.ts';
import { localTime } from './shared.ts';

export const photoUrl = (sha256: string) => `${API_BASE}/photos/${sha256}`;

/** A thumbnail that opens the photo; `size` is the box it fits in, in CSS pixels. */
export function thumbnail(p: Pick<PhotoRef, 'sha256' | 'width' | 'height'>, alt: string, size = 96): string {
  return `<a class="thumb" href="${esc(photoUrl(p.sha256))}" target="_blank" rel="noopener"><img src="${esc(photoUrl(p.sha256))}/thumbnail" alt="${esc(alt)}" loading="lazy" style="max-width:${size}px;max-height:${size}px"></a>`;
}

const placeOf = (p: Pick<PhotoRef, 'sku' | 'location'>) => (p.sku ? `${p.sku}@${p.location || '—'}` : p.location || '—');

export function photosHtml(o: { photos: PhotoRef[]; t: PageWords; timezone: string }): string {
  const w = o.t.photos;
  if (o.photos.length === 0) return `<p class="muted">${esc(w.none)}</p>`;
  const groups = new Map<string, PhotoRef[]>();
  for (const p of o.photos) groups.set(placeOf(p), [...(groups.get(placeOf(p)) ?? []), p]);
  return [...groups]
    .map(
      ([
        place,
        photos,
      ]) => `<div class="photo-group" data-place="${esc(place)}"><h3>${esc(photos[0]!.sku ? place : w.location(place))} · ${esc(w.count(photos.length))}</h3>
<div class="thumbs">${photos
        .map(
          (p) =>
            `<figure>${thumbnail(p, place)}<figcaption>${esc(p.addedBy)} · ${esc(localTime(p.addedAt, o.timezone))}<br><span class="muted">${esc(w.sources[p.source as keyof typeof w.sources] ?? p.source)}</span></figcaption></figure>`,
        )
        .join('')}</div></div>`,
    )
    .join('\n');
}
