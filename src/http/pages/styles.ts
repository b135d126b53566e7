/**
 * The few styles only the dashboard pages use (progress bars, key figures, charts), served beside the
 * shared stylesheet so that layout.ts stays the one place for the shell.
 */
export const DASHBOARD_CSS_PATH = '/assets/dashboard.css';

export const DASHBOARD_CSS = `
.bar { display:flex; height:10px; min-width:140px; border-radius:5px; overflow:hidden; background:var(--line); }
.bar span { display:block; height:100%; }
.bar .counted { background:#54aeff; } .bar .verified { background:var(--ok); } .bar .conflict { background:var(--bad); } .bar .uncounted { background:#d0d7de; }
dl.figures { display:flex; flex-wrap:wrap; gap:8px 28px; margin:8px 0; }
dl.figures dt { font-size:12px; color:var(--muted); } dl.figures dd { margin:0; font-size:16px; font-weight:600; font-variant-numeric:tabular-nums; }
figure.chart { margin:0; } figure.chart figcaption { font-weight:600; margin-bottom:4px; } figure.chart svg { max-width:100%; height:auto; }
tr.overdue td.due { color:var(--bad); font-weight:600; }
table.data td small { display:block; color:var(--muted); }
.notice.chain { font-weight:600; }
/* layout.ts's "table.data td" outranks its "td.num": numbers stay right-aligned in data tables */
table.data td.num, table.data th.num { text-align:right; }
.charts-wide { margin-top:16px; }
.thumbs { display:flex; flex-wrap:wrap; gap:10px; }
.thumbs figure { margin:0; width:112px; font-size:12px; overflow-wrap:anywhere; }
a.thumb { display:inline-flex; min-width:44px; min-height:44px; align-items:center; justify-content:center; background:var(--line); border-radius:4px; }
a.thumb img { display:block; border-radius:4px; }
td.photos a.thumb { margin:0 4px 4px 0; }
.photo-group h3 { font-size:14px; margin:12px 0 6px; }
/* admin pages */
.admin-sections { padding-left:18px; } .admin-sections li { margin:10px 0; }
.filters label.check { flex-direction:row; align-items:center; gap:6px; color:var(--fg); font-size:14px; }
.filters label.wide { flex:1 1 100%; min-width:0; } .filters label.wide textarea { width:100%; box-sizing:border-box; }
section.panel { margin:12px 0; } section.panel h2 { margin-top:0; }
form.cause, form.schedule { border-bottom:1px solid var(--line); padding-bottom:10px; }
form.cause .cause-code { align-self:center; min-width:9em; }
ul.identities { list-style:none; padding:0; margin:0 0 8px; } ul.identities li { display:flex; flex-wrap:wrap; align-items:center; gap:8px; margin:4px 0; }
.link-code { font:600 28px/1.2 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing:4px; }
input.secret { width:100%; font-family:ui-monospace, SFMono-Regular, Menlo, monospace; }
input[type=file] { max-width:100%; }
`;
