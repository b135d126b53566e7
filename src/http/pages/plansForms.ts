/**
 * The posts of the cycle-count page (plansPage.ts): POST /plans changes the plan (class days, a location
 * rule added or changed, or one removed), POST /plans/run starts the due partial stocktake, POST
 * /plans/spot-check a spot check and POST /plans/partial a partial stocktake by scope. Each checks the
 * role the API checks for the same thing (a supervisor, manager or admin of the warehouse), then calls the
 * service the CLI and API call; a refusal shows the page again with the reason above it and what was typed.
 * Plain HTML form posts (CSRF: the app's same-origin check).
 */
import { DomainError, InvalidInputError } from '../../domain/errors.ts';
import { SUPERVISING_ROLES } from '../../domain/people.ts';
import { render } from '../../domain/phrase.ts';
import { parseScope } from '../../domain/scope.ts';
import { plansPageTexts as pt } from '../../domain/texts/plans.ts';
import { setPlan, startDueCycleCount } from '../../services/cyclePlans.ts';
import { requireRole } from '../../services/people.ts';
import { startSpotCheck } from '../../services/spotCheck.ts';
import { startStocktake } from '../../services/stocktakes.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { errorResponse } from '../errors.ts';
import { badNotice } from './admin.ts';
import { plansUrl, renderPlansPage, type Entered } from './plansPage.ts';
import { localizedMessage, queryString, type PageContext, type PageResult } from './shared.ts';

/** A form's fields; a field sent more than once (the class checkboxes) joined with commas. */
async function fields(p: PageContext): Promise<Record<string, string>> {
  const body = await p.c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const texts = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    if (texts.length > 0) out[k] = texts.join(',');
  }
  return out;
}

const lang = (p: PageContext) => queryString({ lang: p.c.req.query('lang') }).replace(/^\?/, '&');

/** Runs a post for the form's warehouse as a supervisor, manager or admin of it; a refusal shows the page again. */
/** The status a refusal is shown with: the API's for the same error (409 for an open stocktake), else 400. */
function refusalStatus(error: DomainError): 400 | 403 | 404 | 409 {
  const { status } = errorResponse(error, '');
  return status === 403 || status === 404 || status === 409 ? status : 400;
}

async function post(
  p: PageContext,
  form: Entered['form'],
  what: string,
  act: (warehouse: string, values: Record<string, string>) => Promise<string>,
): Promise<PageResult | Response> {
  const values = await fields(p);
  const code = (values.warehouse ?? '').trim();
  try {
    const wh = await getWarehouse(p.deps.db, code);
    await requireRole(p.deps.db, p.actor, wh.id, wh.code, SUPERVISING_ROLES, what);
    return p.c.redirect(await act(wh.code, values), 303);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const notice = badNotice(render(pt.refused(localizedMessage(p, error)), p.locale, 'page'));
    // An unknown warehouse or one the caller cannot read: the page of their first warehouse, with the reason.
    const readable = error.code === 'NOT_FOUND' ? undefined : code;
    try {
      return await renderPlansPage(p, readable, notice, refusalStatus(error), { form, values });
    } catch (again) {
      if (!(again instanceof DomainError)) throw again;
      return renderPlansPage(p, undefined, notice, refusalStatus(error), { form, values });
    }
  }
}

const stocktakeUrl = (p: PageContext, code: string) =>
  `/stocktakes/${encodeURIComponent(code)}${queryString({ lang: p.c.req.query('lang') })}`;

/** POST /plans: class days, and a location rule to add or change (location, locationDays) or to remove (remove). */
export const savePlanPage = (p: PageContext) =>
  post(p, 'plan', 'set the cycle-count plan', async (wh, v) => {
    const location = (v.location ?? '').trim();
    const locationDays = (v.locationDays ?? '').trim();
    await setPlan(
      p.deps.db,
      wh,
      {
        A: v.A,
        B: v.B,
        C: v.C,
        locations: location || locationDays ? [{ location, days: locationDays }] : [],
        removeLocations: v.remove ? [v.remove] : [],
      },
      p.actor,
    );
    return plansUrl(wh, `&done=saved${lang(p)}`);
  });

/** POST /plans/run: the due items as a partial stocktake now (what the daily run does). */
export const runPlanPage = (p: PageContext) =>
  post(p, 'plan', 'start a cycle count', async (wh) => {
    const run = await startDueCycleCount(p.deps.db, wh, new Date(), p.actor);
    return run.outcome === 'started'
      ? stocktakeUrl(p, run.stocktake.code)
      : plansUrl(wh, `&done=${encodeURIComponent(run.outcome)}${lang(p)}`);
  });

/** POST /plans/spot-check: size or share, weighting, seed — as `stocktake spot-check` takes them. */
export const spotCheckPage = (p: PageContext) =>
  post(p, 'spot', 'start a spot check', async (wh, v) => {
    const given = (text: string | undefined) => (text?.trim() ? text.trim() : undefined);
    const started = await startSpotCheck(
      p.deps.db,
      { warehouse: wh, size: given(v.size), share: given(v.share), weighted: given(v.weighted), seed: given(v.seed) },
      new Date(),
      p.actor,
    );
    return stocktakeUrl(p, started.code);
  });

/** POST /plans/partial: a partial stocktake by locations, categories, ABC classes and a list of items. */
export const partialPage = (p: PageContext) =>
  post(p, 'partial', 'start a stocktake', async (wh, v) => {
    const scope = parseScope({
      locations: [v.locations ?? ''],
      categories: [v.categories ?? ''],
      classes: [v.classes ?? ''],
      skus: (v.items ?? '').split(/[\s,，、]+/),
    });
    // Without a scope this would start a count of the whole warehouse: not what this form is for.
    if (!scope) throw new InvalidInputError(pt.scopeNeeded());
    const started = await startStocktake(p.deps.db, wh, new Date(), p.actor, { blind: v.blind === '1', scope });
    return stocktakeUrl(p, started.code);
  });
