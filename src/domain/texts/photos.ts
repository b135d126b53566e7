/** Photo evidence (照片) of a line or a location: what a photo must be, where it goes, who may see it. */
import { phrases } from '../phrase.ts';

export const photoTexts = phrases('photos', {
  empty: () => ({ en: 'the photo is empty', zh: '照片是空的' }),
  tooLarge: (mb: string, max: string) => ({
    en: `the photo is ${mb} MB; at most ${max} MB are accepted`,
    zh: `照片大小 ${mb} MB，最大允许 ${max} MB`,
  }),
  notAPhoto: () => ({
    en: 'this is not a photo: send a JPEG, PNG, WebP, GIF or AVIF image',
    zh: '这不是照片：请发送 JPEG、PNG、WebP、GIF 或 AVIF 图片',
  }),
  unreadable: (mime: string) => ({
    en: `the photo cannot be read (${mime}, damaged or cut off)`,
    zh: `无法读取照片（${mime}，文件损坏或不完整）`,
  }),
  stocktakeCancelled: (code: string) => ({ en: `stocktake ${code} is cancelled`, zh: `盘点 ${code} 已取消` }),
  lineNotFound: (line: string, code: string) => ({
    en: `line "${line}" not found; stocktake ${code} has no line for it`,
    zh: `找不到行“${line}”：盘点 ${code} 中没有这一行`,
  }),
  lineAmbiguous: (line: string, lines: number, code: string, example: string) => ({
    en: `${line} names ${lines} lines in ${code}; name one as ${example}`,
    zh: `${line} 对应 ${code} 中的 ${lines} 行；请写成 ${example} 指定其中一行`,
  }),
  lineOrLocation: () => ({
    en: 'name the line (SKU or SKU@LOCATION) or the location the photo shows',
    zh: '请指明照片对应的行（SKU 或 SKU@库位）或库位',
  }),
  notFound: (sha256: string) => ({ en: `photo "${sha256}" not found`, zh: `找不到照片“${sha256}”` }),
  mayNotSee: () => ({
    en: 'only people with a role in the warehouse may see its photos',
    zh: '只有在该仓库有角色的人才能查看其照片',
  }),
});
