/** Cards the renderer tests share: a small representative one and the largest plausible one. */
import { card, type Card } from '../../../cards/model.ts';

/** Text a user could have typed, with everything a renderer must not let through as markup. */
export const HOSTILE = '<script>alert("x")</script> **not bold** `tick` & <at id=all></at> [link](http://evil) _x_ ~y~ |z| \\';

/** A 22-character token, the longest the core mints. */
export const token = (n: number): string => `tok${String(n).padStart(2, '0')}_ABCDEFGHIJKLMNOPq`.slice(0, 22);

/** A 40-character option value of [a-z0-9_], the longest allowed. */
export const optionValue = (n: number): string => `cause_${String(n).padStart(2, '0')}_`.padEnd(40, 'x');

/** A 1×1 transparent PNG. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** A variance review card as a template would build it. */
export function representativeCard(): Card {
  return card({
    header: { title: 'Variance review · 盘点 #12', subtitle: 'Warehouse A', state: 'warning' },
    elements: [
      { type: 'markdown', text: '**3** lines over tolerance.\nPlease review:\n- 苹果 `SKU-1`\n- Pears' },
      {
        type: 'fields',
        fields: [
          { label: 'Counted by', value: 'Alice' },
          { label: 'Value', value: '¥1,234.50' },
        ],
      },
      {
        type: 'table',
        columns: [
          { key: 'sku', label: 'SKU' },
          { key: 'name', label: '品名' },
          { key: 'delta', label: 'Δ', align: 'right' },
        ],
        rows: [
          { sku: 'A-1', name: '红富士苹果', delta: '-3' },
          { sku: 'B-22', name: 'Pear', delta: '12.5' },
        ],
        more: 1,
      },
      {
        type: 'buttons',
        buttons: [
          { label: 'Approve', style: 'primary', action: { token: token(1) } },
          { label: 'Reject', style: 'danger', action: { token: token(2) }, confirm: { title: 'Reject?', text: 'The counter is told.' } },
        ],
      },
      {
        type: 'select',
        placeholder: 'Cause',
        action: { token: token(3) },
        options: [
          { value: 'theft', label: 'Theft' },
          { value: 'damage', label: '损坏' },
        ],
        selected: 'damage',
      },
      { type: 'input', label: 'Note', placeholder: 'Why?', submitLabel: 'Send', action: { token: token(4) } },
    ],
    footer: 'Due 2026-11-25 18:00',
  });
}

/** The largest card a template could plausibly build: long Chinese markdown, 10 fields, 500 rows, every control. */
export function largestCard(): Card {
  const paragraph = '本次盘点共发现差异行，请各位负责人在截止时间前完成复核。差异原因包括损耗、错发和记录错误。';
  return card({
    header: { title: `年终盘点差异复核 · 华东一号仓 ${HOSTILE}`, subtitle: `截止 2026-12-31 ${HOSTILE}`, state: 'danger' },
    elements: [
      {
        type: 'markdown',
        text: `**摘要** ${HOSTILE}\n${paragraph.repeat(12)}\n- 第一项 \`SKU-0001\`\n- 第二项 **重要**\n${paragraph.repeat(12)}`,
      },
      {
        type: 'fields',
        fields: Array.from({ length: 10 }, (_, i) => ({ label: `字段 ${i + 1}`, value: `数值 ${i * 1000}.50 ${HOSTILE}`, short: i !== 9 })),
      },
      { type: 'divider' },
      {
        type: 'table',
        columns: [
          { key: 'sku', label: 'SKU' },
          { key: 'name', label: '品名' },
          { key: 'book', label: '账面', align: 'right' },
          { key: 'counted', label: '实盘', align: 'right' },
          { key: 'delta', label: '差异', align: 'right' },
        ],
        rows: Array.from({ length: 500 }, (_, i) => ({
          sku: `SKU-${String(i).padStart(5, '0')}`,
          name: i === 7 ? HOSTILE : `有机红富士苹果（特级）${i}号`,
          book: `${(i * 37) % 1000}.000`,
          counted: `${(i * 31) % 1000}.000`,
          delta: `${((i * 31) % 1000) - ((i * 37) % 1000)}.000`,
        })),
        more: 20,
      },
      { type: 'image', alt: `差异趋势图 ${HOSTILE}`, png: PNG },
      {
        type: 'buttons',
        buttons: Array.from({ length: 6 }, (_, i) => ({
          label: `操作 ${i + 1}`,
          style: i === 0 ? 'primary' : i === 5 ? 'danger' : 'default',
          action: { token: token(10 + i) },
        })),
      },
      {
        type: 'select',
        placeholder: `选择差异原因 ${HOSTILE}`,
        action: { token: token(20) },
        options: Array.from({ length: 30 }, (_, i) => ({ value: optionValue(i), label: `原因 ${i + 1}：损耗或错发` })),
        selected: optionValue(4),
      },
      {
        type: 'input',
        label: `备注 ${HOSTILE}`,
        placeholder: '说明原因',
        submitLabel: '提交',
        action: { token: token(30) },
        required: true,
        maxLength: 500,
      },
    ],
    footer: `由盘点助手发送 ${HOSTILE}`,
  });
}

/**
 * Throws unless `html` is what Telegram's HTML parse mode accepts from us: only b, i, code, pre and a tags,
 * properly nested, no stray `<`/`>`, and `&` only in the entities Telegram knows.
 */
export function assertTelegramHtml(html: string): void {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>|[<>]|&(?!(lt|gt|amp|quot);)/g)) {
    if (!m[2]) throw new Error(`stray ${m[0]} at ${m.index}`);
    if (!['b', 'i', 'code', 'pre', 'a'].includes(m[2])) throw new Error(`unsupported tag <${m[2]}>`);
    if (m[1]) {
      if (open.pop() !== m[2]) throw new Error(`</${m[2]}> closes the wrong tag at ${m.index}`);
    } else open.push(m[2]);
  }
  if (open.length) throw new Error(`unclosed <${open.join('>, <')}>`);
}

/** Sam's Feishu open_id in the mention fixtures. */
export const SAM_OPEN_ID = `ou_${'5'.repeat(32)}`;

/**
 * People a card mentions: Sam with an account on every platform, Sue (a name full of markup) on Telegram
 * and the console only, Mo with none, and Eve whose ids no platform's markup may carry.
 */
export const MENTIONS = [
  { name: 'Sam Chen', identities: ['telegram:3002', `feishu:${SAM_OPEN_ID}`, 'dingtalk:sam01', 'web:sam'] },
  { name: 'Sue <b>&</b> *Li*', identities: ['telegram:3003', 'web:sue'] },
  { name: 'Mo', identities: [] },
  { name: 'Eve', identities: ['telegram:-1001', 'feishu:ou_x></at><at_id=all>', 'dingtalk:$:LWCP_v1:$abc', 'cli:eve'] },
];

/** The most a card may mention: 30 people with 64-character names, each with an account on every platform. */
export function manyMentions(): { name: string; identities: string[] }[] {
  return Array.from({ length: 30 }, (_, i) => ({
    name: `${String(i).padStart(2, '0')} 盘点负责人 ${'名'.repeat(40)} *x*`.slice(0, 64),
    identities: [`telegram:${4000 + i}`, `feishu:ou_${String(i).padStart(32, '0')}`, `dingtalk:staff${i}`, `web:user${i}`],
  }));
}
