/**
 * GET /structure?warehouse=CODE&asOf=YYYY-MM-DD&days=365: a warehouse's stock structure on the dashboard —
 * key figures, the consumption-vs-stock chart by ABC class, turnover by category (chart and table), the top
 * consumers, slow movers and dead stock, and the whole per-item table as CSV. Readable by anyone with a role
 * in the warehouse; laid out for a 360 px phone (charts scale, tables scroll sideways).
 */
import { renderSvg } from '../../charts/render.ts';
import { stockStructureChart } from '../../charts/structureChart.ts';
import { render, type Phrase } from '../../domain/phrase.ts';
import { parseAsOf, parsePeriodDays, type ItemStructure, type MovementStatus } from '../../domain/structure.ts';
import { structureColumns, structureTexts } from '../../domain/texts/structure.ts';
import { localDay } from '../../domain/time.ts';
import { warehousesOf } from '../../services/dashboard.ts';
import { stockStructure } from '../../services/structure.ts';
import { esc } from '../layout.ts';
import { requireReader } from '../api/access.ts';
import { figure } from './charts.ts';
import { num, queryString, type PageContext, type PageResult } from './shared.ts';

const STATUS: Record<MovementStatus, () => Phrase> = {
  moving: structureTexts.statusMoving,
  slow: structureTexts.chartSlow,
  dead: structureTexts.chartDead,
  empty: structureTexts.statusEmpty,
};

/** Horizontal bars of turnover per category (the first 12 by consumption), each labelled with its figure. */
function categoryChart(rows: { label: string; turnover: string | null }[]): string {
  return renderSvg(
    {
      grid: { left: 120, right: 48, top: 8, bottom: 24 },
      xAxis: { type: 'value', axisLabel: { color: '#6e7781' }, splitLine: { lineStyle: { color: '#eaeef2' } } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.label),
        inverse: true,
        axisLabel: { color: '#1f2328', width: 110, overflow: 'truncate' },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          itemStyle: { color: '#0969da' },
          label: { show: true, position: 'right', color: '#1f2328', fontSize: 11 },
          data: rows.map((r) => ({ value: r.turnover === null ? 0 : Number(r.turnover), label: { formatter: r.turnover ?? '—' } })),
        },
      ],
    },
    { width: 420, height: 40 + 26 * Math.max(rows.length, 1) },
  );
}

export async function structurePage(p: PageContext): Promise<PageResult> {
  const { db } = p.deps;
  const w = (phrase: Phrase) => render(phrase, p.locale, 'page');
  const c = structureColumns;
  const warehouses = await warehousesOf(db, p.actor.personId);
  const title = w(structureTexts.title(''));
  if (warehouses.length === 0)
    return { title, active: 'stocktakes', body: `<h1>${esc(title)}</h1>\n<p class="notice">${esc(w(structureTexts.noWarehouse()))}</p>` };
  const code = p.c.req.query('warehouse') || warehouses[0]!.code;
  await requireReader(db, p.actor, code, `the stock structure of ${code}`);
  const wh = warehouses.find((x) => x.code === code) ?? warehouses[0]!;
  const asOfText = p.c.req.query('asOf') ?? '';
  const daysText = p.c.req.query('days') ?? '';
  const asOf = parseAsOf(asOfText, wh.timezone, new Date());
  const periodDays = parsePeriodDays(daysText);
  const s = await stockStructure(db, { warehouse: code, asOf, periodDays, top: 10 });
  const tz = s.warehouse.timezone;
  const day = (iso: string) => localDay(new Date(iso), tz);
  const heading = w(structureTexts.title(`${s.warehouse.code} ${s.warehouse.name}`));

  const form = `<form class="filters" method="get" action="/structure">
<label>${esc(w(structureTexts.warehouseLabel()))}<select name="warehouse">${warehouses
    .map((x) => `<option value="${esc(x.code)}"${x.code === code ? ' selected' : ''}>${esc(`${x.code} ${x.name}`)}</option>`)
    .join('')}</select></label>
<label>${esc(w(structureTexts.asOfLabel()))}<input type="date" name="asOf" value="${esc(asOfText)}"></label>
<label>${esc(w(structureTexts.daysLabel()))}<input type="number" name="days" min="7" max="3650" inputmode="numeric" value="${esc(daysText || String(periodDays))}"></label>
<button type="submit">${esc(w(structureTexts.show()))}</button>
</form>`;
  const intro = `<p class="muted">${esc(w(structureTexts.period(day(s.from), day(new Date(new Date(s.asOf).getTime() - 1).toISOString()), s.periodDays)))}<br>
${esc(w(structureTexts.settings(s.settings.abcAPercent, s.settings.abcBPercent, s.settings.slowDays, s.settings.deadDays)))}<br>
${esc(w(structureTexts.pageIntro()))}</p>`;
  if (s.totals.items === 0)
    return {
      title: heading,
      active: 'stocktakes',
      body: `<h1>${esc(heading)}</h1>\n${form}\n${intro}\n<p class="notice">${esc(w(structureTexts.nothingYet()))}</p>`,
    };

  const cur = s.warehouse.currency;
  const figures: [string, string][] = [
    [w(c.items()), num(String(s.totals.items))],
    [`${w(c.issueValue())} (${cur})`, num(s.totals.issueValue)],
    [`${w(c.stockValue())} (${cur})`, num(s.totals.stockValue)],
    [w(c.turnover()), num(s.totals.turnover)],
    [w(c.daysOfStock()), num(s.totals.daysOfStock)],
    [w(structureTexts.chartSlow()), `${s.slow.items} · ${num(s.slow.stockValue)}`],
    [w(structureTexts.chartDead()), `${s.dead.items} · ${num(s.dead.stockValue)}`],
  ];
  const chart = renderSvg(
    stockStructureChart({
      locale: p.locale,
      classes: s.classes.map((x) => ({ abcClass: x.abcClass, issuePercent: x.issuePercent, stockPercent: x.stockPercent })),
      slowPercent: s.slow.stockPercent,
      deadPercent: s.dead.stockPercent,
    }),
    { width: 420, height: 300 },
  );
  const th = (label: string, numeric = false) => `<th${numeric ? ' class="num"' : ''}>${esc(label)}</th>`;
  const td = (value: string | number | null) => `<td class="num">${num(value === null ? null : String(value))}</td>`;
  const table = (cls: string, head: string, rows: string[]) =>
    `<div class="table-scroll"><table class="data ${cls}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;

  const classTable = table(
    'classes',
    th(w(c.class())) + th(w(c.items()), true) + th(w(c.issueValue()), true) + th('%', true) + th(w(c.stockValue()), true) + th('%', true),
    s.classes.map(
      (x) =>
        `<tr data-class="${x.abcClass}"><td><strong>${x.abcClass}</strong></td>${td(x.items)}${td(x.issueValue)}${td(x.issuePercent)}${td(x.stockValue)}${td(x.stockPercent)}</tr>`,
    ),
  );
  const categoryLabel = (cat: string | null) => cat ?? w(structureTexts.uncategorised());
  const categoryTable = table(
    'categories',
    th(w(c.category())) +
      th(w(c.items()), true) +
      th(w(c.issueValue()), true) +
      th(w(c.averageValue()), true) +
      th(w(c.stockValue()), true) +
      th(w(c.turnover()), true) +
      th(w(c.daysOfStock()), true),
    s.categories.map(
      (x) =>
        `<tr><td>${esc(categoryLabel(x.category))}</td>${td(x.items)}${td(x.issueValue)}${td(x.averageValue)}${td(x.stockValue)}${td(x.turnover)}${td(x.daysOfStock)}</tr>`,
    ),
  );
  const itemTable = (rows: ItemStructure[]) =>
    table(
      'items',
      th(w(c.sku())) +
        th(w(c.name())) +
        th(w(c.class())) +
        th(w(c.issueValue()), true) +
        th(w(c.stockQty()), true) +
        th(w(c.stockValue()), true) +
        th(w(c.turnover()), true) +
        th(w(c.daysOfStock()), true) +
        th(w(c.lastIssue())) +
        th(w(c.daysIdle()), true) +
        th(w(c.status())),
      rows.map(
        (i) =>
          `<tr data-sku="${esc(i.sku)}"><td>${esc(i.sku)}</td><td>${esc(i.name)}</td><td>${i.abcClass}</td>${td(i.issueValue)}${td(i.stockQty)}${td(i.stockValue)}${td(i.turnover)}${td(i.daysOfStock)}<td>${esc(i.lastIssueAt ? day(i.lastIssueAt) : w(structureTexts.never()))}</td>${td(i.daysIdle)}<td>${esc(w(STATUS[i.status]()))}</td></tr>`,
      ),
    );
  const section = (id: string, label: Phrase, rows: ItemStructure[], total: number) =>
    rows.length === 0
      ? ''
      : `<section class="panel" id="${id}"><h2>${esc(w(label))}</h2>${itemTable(rows)}${total > rows.length ? `<p class="muted">${esc(w(structureTexts.more(total - rows.length)))}</p>` : ''}</section>`;
  const csvHref = `/api/v1/warehouses/${encodeURIComponent(code)}/structure/items${queryString({ format: 'csv', asOf: asOfText, days: daysText })}`;
  const categoriesShown = s.categories.slice(0, 12).map((x) => ({ label: categoryLabel(x.category), turnover: x.turnover }));

  const body = `<h1>${esc(heading)}</h1>
${form}
${intro}
<dl class="figures">${figures.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
<div class="charts">
<div class="panel">${figure(w(structureTexts.chartTitle()), chart)}${classTable}</div>
<div class="panel">${figure(w(structureTexts.categoryChartTitle()), categoryChart(categoriesShown))}</div>
</div>
<section class="panel" id="categories"><h2>${esc(w(structureTexts.byCategory()))}</h2>${categoryTable}</section>
${section('top-consumers', structureTexts.topConsumers(), s.topConsumers, s.topConsumers.length)}
${section('slow', structureTexts.topSlow(), s.topSlow, s.slow.items)}
${section('dead', structureTexts.topDead(), s.topDead, s.dead.items)}
<p><a href="${esc(csvHref)}" download>${esc(w(structureTexts.csvLink()))}</a></p>`;
  return { title: heading, active: 'stocktakes', body };
}
