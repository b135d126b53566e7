/**
 * The phone's pages a card links to (issue 13 §2, §5): one home for their paths, so cards, the README and
 * the pages agree. The counting page reads `location` (start at that location) and `photo` (add a photo to
 * that SKU's line there).
 */
import type { CardElementInput } from '../model.ts';
import { textsOf, type TemplateContext } from './context.ts';

/** The counting page of a stocktake, optionally at a location and for a photo of one SKU's line. */
export function countPagePath(stocktakeCode: string, at: { location?: string; photo?: string } = {}): string {
  const query = new URLSearchParams();
  if (at.location) query.set('location', at.location);
  if (at.photo) query.set('photo', at.photo);
  const q = query.toString();
  return `/count/${encodeURIComponent(stocktakeCode)}${q ? `?${q}` : ''}`;
}

/** "扫码盘点 / Count on phone": the counting page, at `location` when given. */
export function countOnPhone(ctx: TemplateContext, stocktakeCode: string, location?: string): CardElementInput {
  return { type: 'page', label: textsOf(ctx).phone.count, path: countPagePath(stocktakeCode, location ? { location } : {}) };
}

/** "拍照 / Add photo": the counting page's photo step for one line. */
export function addPhoto(ctx: TemplateContext, stocktakeCode: string, sku: string, location: string): CardElementInput {
  return {
    type: 'page',
    label: textsOf(ctx).phone.photo,
    path: countPagePath(stocktakeCode, { ...(location ? { location } : {}), photo: sku }),
  };
}

/** "查看照片 / View photos": the stocktake page's photo section (an approver looking at the evidence). */
export function viewPhotos(ctx: TemplateContext, stocktakeCode: string): CardElementInput {
  return { type: 'page', label: textsOf(ctx).phone.viewPhotos, path: `/stocktakes/${encodeURIComponent(stocktakeCode)}#photos` };
}

/** "写成案例 / Write up as case": the console's case form for an explained line (the case library, 事故案例库). */
export function writeUpCase(ctx: TemplateContext, stocktakeCode: string, line: string): CardElementInput {
  const query = new URLSearchParams({ stocktake: stocktakeCode, line });
  return { type: 'page', label: textsOf(ctx).phone.writeUpCase, path: `/cases/new?${query.toString()}` };
}
