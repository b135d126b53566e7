/**
 * The page shell every HTML page shares (console, dashboard, people): navigation, who you are, the
 * language switch, and one stylesheet that also styles the cards of cards/render/html.ts. Pages pass
 * their body as already-escaped HTML; `esc` escapes anything else.
 */
import type { Locale } from '../../cards/i18n/index.ts';
import { icon } from '../../cards/render/icons.ts';
import { escapeHtml } from '../../cards/render/text.ts';
import type { Actor } from '../domain/people.ts';

export const esc = escapeHtml;

export type NavKey = 'console' | 'stocktakes' | 'cases' | 'people' | 'admin' | 'none';

export interface PageOptions {
  title: string;
  locale: Locale;
  actor: Actor | null;
  /** True on a loopback-only server: the person menu lets you switch freely. */
  localOnly: boolean;
  active: NavKey;
  /** True for an admin (of any warehouse): the navigation links the admin pages. */
  admin?: boolean;
  /** Escaped HTML. */
  body: string;
  /** Extra escaped HTML for <head> (a page's script). */
  head?: string;
  /** `fill`: the page is one screen high and its main part scrolls inside (the console's chat). */
  layout?: 'fill';
}

const NAV: Record<
  Locale,
  Record<Exclude<NavKey, 'none'>, string> & { api: string; signOut: string; switchPerson: string; nobody: string }
> = {
  en: {
    console: 'Console',
    stocktakes: 'Stocktakes',
    cases: 'Cases',
    people: 'People',
    admin: 'Admin',
    api: 'API',
    signOut: 'Sign out',
    switchPerson: 'switch',
    nobody: 'not signed in',
  },
  'zh-CN': {
    console: '对话控制台',
    stocktakes: '盘点任务',
    cases: '案例库',
    people: '人员与角色',
    admin: '管理',
    api: 'API',
    signOut: '退出',
    switchPerson: '切换',
    nobody: '未登录',
  },
};

const LINKS: [Exclude<NavKey, 'none'>, string][] = [
  ['console', '/'],
  ['stocktakes', '/stocktakes'],
  ['cases', '/cases'],
  ['people', '/people'],
  ['admin', '/admin'],
];

export function renderPage(o: PageOptions): string {
  const t = NAV[o.locale];
  const nav = LINKS.filter(([key]) => key !== 'admin' || o.admin)
    .map(([key, href]) => `<a href="${href}"${o.active === key ? ' aria-current="page"' : ''}>${esc(t[key])}</a>`)
    .join('');
  const person = o.actor ? `${icon('person')} <strong>${esc(o.actor.handle)}</strong>` : esc(t.nobody);
  const leave = !o.actor
    ? ''
    : o.localOnly
      ? `<a href="/?switch=1">${esc(t.switchPerson)}</a>`
      : `<form method="post" action="/logout" class="inline"><button class="link">${esc(t.signOut)}</button></form>`;
  const other = o.locale === 'en' ? '<a href="?lang=zh" hreflang="zh-CN">中文</a>' : '<a href="?lang=en" hreflang="en">English</a>';
  // Wide screens show who you are, switch/sign out and the language in the bar; a phone folds them into
  // a menu under your name, so that the bar fits 360 px (no script: <details>).
  const account = `<span class="nav__wide"><span class="who"${o.actor ? ` data-person="${esc(o.actor.handle)}"` : ''}>${person}</span>${leave ? ` ${leave}` : ''} · ${other}</span>
<details class="nav__account"><summary>${person}</summary><div class="nav__menu">${leave}${other}</div></details>`;
  return `<!doctype html>
<html lang="${o.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content">
<title>${esc(o.title)} · Stocktake</title>
<link rel="stylesheet" href="/assets/app.css">
${o.head ?? ''}
</head>
<body${o.layout === 'fill' ? ' class="fill"' : ''}>
<nav class="top"><span class="brand">${icon('box')}<span class="brand__name">Stocktake</span></span>${nav}<a href="/api/v1/openapi.json" class="nav__api">${esc(t.api)}</a><span class="spacer"></span>${account}</nav>
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
nav.top { display:flex; gap:16px; align-items:center; padding:8px 16px; border-bottom:1px solid var(--line); background:var(--bg); white-space:nowrap; }
.icon { display:inline-block; width:1.15em; height:1.15em; vertical-align:-0.2em; flex:none; }
nav.top .brand { display:inline-flex; align-items:center; gap:6px; }
nav.top { position:relative; } nav.top .nav__account { display:none; }
nav.top a { color:var(--fg); text-decoration:none; }
nav.top a[aria-current=page] { font-weight:600; border-bottom:2px solid var(--accent); }
nav.top .brand { font-weight:700; }
nav.top .spacer { flex:1; }
main { padding:16px; max-width:1280px; margin:0 auto; }
/* A one-screen page (the console's chat): the main part takes what the navigation leaves and scrolls inside. */
body.fill { display:flex; flex-direction:column; height:100vh; height:100dvh; }
body.fill > nav.top { flex:none; } body.fill > main { flex:1; min-height:0; width:100%; }
img, svg, video, canvas, select, input, textarea { max-width:100%; }
pre { overflow-x:auto; }
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
.grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(min(320px, 100%), 1fr)); gap:16px; }
.table-scroll { overflow-x:auto; max-width:100%; -webkit-overflow-scrolling:touch; }
.panel { border:1px solid var(--line); border-radius:8px; padding:12px; }
.notice { border:1px solid var(--line); border-left:4px solid var(--accent); padding:8px 12px; background:var(--bg); margin:8px 0; }
.notice.bad { border-left-color:var(--bad); } .notice.ok { border-left-color:var(--ok); }
input[type=text], input[type=search], select, textarea { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:6px; }
.btn, button { font:inherit; padding:4px 12px; border-radius:6px; border:1px solid var(--line); background:#fff; cursor:pointer; }
.btn--primary { background:var(--accent); border-color:var(--accent); color:#fff; }
.btn--danger { background:#fff; border-color:var(--bad); color:var(--bad); }
/* cards, as cards/render/html.ts writes them */
.card { border:1px solid var(--line); border-radius:10px; margin:8px 0; background:#fff; max-width:760px; overflow:hidden; overflow-wrap:anywhere; }
.card__state { color:var(--muted); } .card--info .card__state { color:var(--accent); } .card--success .card__state { color:var(--ok); }
.card--warning .card__state { color:var(--warn); } .card--danger .card__state { color:var(--bad); }
.card .table-scroll { margin:4px 0 8px; } .card table.table { margin:0; } .card table.table td, .card table.table th { overflow-wrap:normal; }
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
.card form.select--note label { flex:1 1 100%; display:flex; flex-direction:column; gap:4px; } .card form.select--note textarea { width:100%; box-sizing:border-box; }
.card form .hint { color:var(--muted); font-size:12px; flex:1 1 100%; }
.card .image { max-width:100%; }
.card .more { color:var(--muted); font-size:12px; }
.card .mention { background:#ddf4ff; color:#0969da; border-radius:4px; padding:0 3px; font-weight:500; }
.card button { max-width:100%; white-space:normal; text-align:center; }
.card .nw { white-space:nowrap; }
/* Phones (and anything narrow or touch-driven): no horizontal page scroll, touch targets of 44 px. */
@media (max-width: 640px) {
  main { padding:8px; }
  nav.top { gap:12px; padding:0 8px; }
  nav.top .brand__name, nav.top .nav__api, nav.top .nav__wide { display:none; }
  nav.top > * { flex:none; } nav.top > a { flex:0 1 auto; min-width:0; overflow:hidden; text-overflow:ellipsis; }
  nav.top a, nav.top button.link { display:inline-flex; align-items:center; min-height:44px; }
  nav.top > a { display:block; line-height:44px; }
  nav.top .nav__account { display:block; flex:0 1 auto; min-width:0; }
  nav.top .nav__account > summary { list-style:none; display:flex; align-items:center; gap:4px; cursor:pointer; line-height:1.5; overflow:hidden; text-overflow:ellipsis; }
  nav.top .nav__account > summary::-webkit-details-marker { display:none; }
  nav.top .nav__account > summary strong { overflow:hidden; text-overflow:ellipsis; max-width:8em; }
  .nav__menu { position:absolute; right:8px; top:100%; z-index:30; display:flex; flex-direction:column; min-width:160px; background:#fff; border:1px solid var(--line); border-radius:8px; box-shadow:0 6px 16px rgba(0,0,0,.15); padding:4px 12px; }
  .nav__menu form.inline { display:block; }
  .table-scroll > table.data th, .table-scroll > table.data td { min-width:5em; }
  .table-scroll > table.data td:not(.num) { min-width:8em; }
  .table-scroll > table.data th, .table-scroll > table.data td > a { white-space:nowrap; }
  .grid { gap:8px; }
  .card { max-width:none; }
  .filters > label, .filters > .btn, .filters > button { flex:1 1 140px; }
}
@media (max-width: 640px), (pointer: coarse) {
  .btn, button:not(.link), input[type=text], input[type=search], input[type=file], input[type=date], input[type=number], select, textarea { min-height:44px; }
  .btn, button:not(.link) { padding:8px 14px; }
  a.btn { display:inline-flex; align-items:center; }
  button.link.revoke { min-width:44px; min-height:44px; }
  details > summary { min-height:44px; display:list-item; line-height:44px; }
  input[type=checkbox] { width:22px; height:22px; }
}
`;
