/**
 * The page shell every HTML page shares (console, dashboard, people): navigation, who you are, the
 * language switch, and one stylesheet that also styles the cards of cards/render/html.ts. Pages pass
 * their body as already-escaped HTML; `esc` escapes anything else.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import { escapeHtml } from '../../cards/render/text.ts';
import type { Actor } from '../domain/people.ts';

export const esc = escapeHtml;

export type NavKey = 'console' | 'stocktakes' | 'people' | 'none';

export interface PageOptions {
  title: string;
  locale: Locale;
  actor: Actor | null;
  /** True on a loopback-only server: the person menu lets you switch freely. */
  localOnly: boolean;
  active: NavKey;
  /** Escaped HTML. */
  body: string;
  /** Extra escaped HTML for <head> (a page's script). */
  head?: string;
}

const NAV: Record<
  Locale,
  Record<Exclude<NavKey, 'none'>, string> & { api: string; signOut: string; switchPerson: string; nobody: string }
> = {
  en: {
    console: 'Console',
    stocktakes: 'Stocktakes',
    people: 'People',
    api: 'API',
    signOut: 'Sign out',
    switchPerson: 'switch',
    nobody: 'not signed in',
  },
  'zh-CN': {
    console: '对话控制台',
    stocktakes: '盘点任务',
    people: '人员与角色',
    api: 'API',
    signOut: '退出',
    switchPerson: '切换',
    nobody: '未登录',
  },
};

const LINKS: [Exclude<NavKey, 'none'>, string][] = [
  ['console', '/'],
  ['stocktakes', '/stocktakes'],
  ['people', '/people'],
];

export function renderPage(o: PageOptions): string {
  const t = NAV[o.locale];
  const nav = LINKS.map(([key, href]) => `<a href="${href}"${o.active === key ? ' aria-current="page"' : ''}>${esc(t[key])}</a>`).join('');
  const who = o.actor
    ? `<span class="who" data-person="${esc(o.actor.handle)}">👤 <strong>${esc(o.actor.handle)}</strong></span>` +
      (o.localOnly
        ? ` <a href="/?switch=1">${esc(t.switchPerson)}</a>`
        : ` <form method="post" action="/logout" class="inline"><button class="link">${esc(t.signOut)}</button></form>`)
    : `<span class="who">${esc(t.nobody)}</span>`;
  const other = o.locale === 'en' ? '<a href="?lang=zh" hreflang="zh-CN">中文</a>' : '<a href="?lang=en" hreflang="en">English</a>';
  return `<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} · Stocktake</title>
<link rel="stylesheet" href="/assets/app.css">
${o.head ?? ''}
</head>
<body>
<nav class="top"><span class="brand">📦 Stocktake</span>${nav}<a href="/api/v1/openapi.json">${esc(t.api)}</a><span class="spacer"></span>${who} · ${other}</nav>
<main>
${o.body}
</main>
</body>
</html>`;
}

/** The one stylesheet, served at /assets/app.css. */
export const APP_CSS = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#f6f8fa; --accent:#0969da; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color:var(--fg); background:#fff; }
nav.top { display:flex; gap:16px; align-items:center; padding:8px 16px; border-bottom:1px solid var(--line); background:var(--bg); }
nav.top a { color:var(--fg); text-decoration:none; }
nav.top a[aria-current=page] { font-weight:600; border-bottom:2px solid var(--accent); }
nav.top .brand { font-weight:700; }
nav.top .spacer { flex:1; }
main { padding:16px; max-width:1280px; margin:0 auto; }
h1 { font-size:20px; margin:0 0 12px; } h2 { font-size:16px; margin:20px 0 8px; }
a { color:var(--accent); }
form.inline { display:inline; } button.link { background:none; border:0; color:var(--accent); cursor:pointer; padding:0; font:inherit; }
table.data, table.table { border-collapse:collapse; width:100%; margin:4px 0 12px; }
table.data th, table.data td, table.table th, table.table td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
table.data th { background:var(--bg); position:sticky; top:0; }
td.num, th.num, table.data td.num, table.data th.num { text-align:right; font-variant-numeric: tabular-nums; }
.muted { color:var(--muted); } .ok { color:var(--ok); } .warn { color:var(--warn); } .bad { color:var(--bad); }
.badge { display:inline-block; padding:0 6px; border-radius:10px; border:1px solid var(--line); font-size:12px; background:var(--bg); }
.badge::first-letter { text-transform:uppercase; }
.filters { display:flex; flex-wrap:wrap; gap:8px; align-items:end; margin:8px 0; }
.filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); }
.grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap:16px; }
.panel { border:1px solid var(--line); border-radius:8px; padding:12px; }
.notice { border:1px solid var(--line); border-left:4px solid var(--accent); padding:8px 12px; background:var(--bg); margin:8px 0; }
.notice.bad { border-left-color:var(--bad); } .notice.ok { border-left-color:var(--ok); }
input[type=text], input[type=search], select, textarea { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:6px; }
.btn, button { font:inherit; padding:4px 12px; border-radius:6px; border:1px solid var(--line); background:#fff; cursor:pointer; }
.btn--primary { background:var(--accent); border-color:var(--accent); color:#fff; }
.btn--danger { background:#fff; border-color:var(--bad); color:var(--bad); }
/* cards, as cards/render/html.ts writes them */
.card { border:1px solid var(--line); border-radius:10px; margin:8px 0; background:#fff; max-width:760px; overflow:hidden; }
.card__header { padding:8px 12px; border-bottom:1px solid var(--line); }
.card--info .card__header { background:#ddf4ff; } .card--success .card__header { background:#dafbe1; }
.card--warning .card__header { background:#fff8c5; } .card--danger .card__header { background:#ffebe9; } .card--neutral .card__header { background:var(--bg); }
.card__title { font-size:15px; margin:0; } .card__subtitle { margin:2px 0 0; color:var(--muted); }
.card__body { padding:8px 12px; } .card__footer { padding:6px 12px; color:var(--muted); font-size:12px; border-top:1px solid var(--line); }
.card .md p { margin:4px 0; }
.card dl.fields { display:flex; flex-wrap:wrap; gap:4px 16px; margin:4px 0; }
.card .field { min-width:45%; } .card .field--short { min-width:20%; }
.card dt { font-size:12px; color:var(--muted); } .card dd { margin:0; font-weight:500; }
.card form { display:flex; flex-wrap:wrap; gap:6px; margin:6px 0; align-items:center; }
.card .image { max-width:100%; }
.card .more { color:var(--muted); font-size:12px; }
.card .mention { background:#ddf4ff; color:#0969da; border-radius:4px; padding:0 3px; font-weight:500; }
`;
