/**
 * The dashboard pages of the web console, rendered on the server: the stocktakes list, one stocktake
 * (figures, charts, variances, documents, exports, audit), a warehouse's stock structure, its cycle-count plan with
 * the forms that start the due count, a spot check and a partial stocktake, the phone counting page, and for admins people and
 * roles and the admin pages (people and chat accounts, imports, causes, settings, schedules, keys and links).
 *
 * @example createHttpApp(deps, [mountAuth, mountApi, mountPages])
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { accessPage, createAccessPage, revokeAccessPage } from './accessPage.ts';
import { adminHomePage } from './admin.ts';
import { causesPage, saveCauseAccountPage, saveCausePage } from './causesPage.ts';
import { erpPage, removeErpPage, retryErpPage, saveErpPage, testErpPage } from './erpPage.ts';
import { caseDetailPage, casesListPage, closeCasePage, createCasePage, newCasePage } from './casesPage.ts';
import { importsPage, importUploadPage } from './imports.ts';
import { addPersonPage, identitiesPage, linkCodePage, languagePage, personPage, renamePage } from './personPage.ts';
import { saveSchedulePage, schedulesPage } from './schedulesPage.ts';
import { saveSettingsPage, settingsPage } from './settingsPage.ts';
import { addWebhookPage, removeWebhookPage, retryDeliveryPage, rotateWebhookPage, testWebhookPage, webhooksPage } from './webhooksPage.ts';
import type { AppEnv } from '../app.ts';
import { countingPage } from './counting.ts';
import { mountCountingAssets } from './countingAssets.ts';
import { changeRolePage, peoplePage } from './people.ts';
import { page } from './shared.ts';
import { stocktakeDetailPage } from './stocktakeDetail.ts';
import { stocktakeListPage } from './stocktakeList.ts';
import { structurePage } from './structurePage.ts';
import { patternsPage } from './patternsPage.ts';
import { plansPage } from './plansPage.ts';
import { partialPage, runPlanPage, savePlanPage, spotCheckPage } from './plansForms.ts';
import { DASHBOARD_CSS, DASHBOARD_CSS_PATH } from './styles.ts';

const importUpload = page('admin', importUploadPage);

/**
 * An upload above the limit is refused before it is read: the import page answers (413) with its form and
 * why, as for a file it reads and finds too large.
 */
const uploadLimit: MiddlewareHandler<AppEnv> = (c, next) =>
  bodyLimit({
    // The multipart envelope around the file: boundaries, headers and the form's few other fields.
    maxSize: c.get('deps').maxUploadBytes + 64 * 1024,
    onError: async () => {
      c.set('uploadTooLarge', true);
      return (await importUpload(c)) as Response;
    },
  })(c, next);

export function mountPages(app: Hono<AppEnv>): void {
  app.get(DASHBOARD_CSS_PATH, (c) =>
    c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );
  app.get('/stocktakes', page('stocktakes', stocktakeListPage));
  app.get('/stocktakes/:stocktake', page('stocktakes', stocktakeDetailPage));
  app.get('/structure', page('stocktakes', structurePage));
  app.get('/patterns', page('stocktakes', patternsPage));
  app.get('/plans', page('stocktakes', plansPage));
  app.post('/plans', page('stocktakes', savePlanPage));
  app.post('/plans/run', page('stocktakes', runPlanPage));
  app.post('/plans/spot-check', page('stocktakes', spotCheckPage));
  app.post('/plans/partial', page('stocktakes', partialPage));
  app.get('/cases', page('cases', casesListPage));
  app.get('/cases/new', page('cases', newCasePage));
  app.post('/cases', page('cases', createCasePage));
  app.get('/cases/:case', page('cases', caseDetailPage));
  app.post('/cases/:case/done', page('cases', closeCasePage));
  mountCountingAssets(app);
  app.get('/count/:stocktake', page('stocktakes', countingPage));
  app.get('/people', page('people', peoplePage));
  app.post('/people/roles', page('people', changeRolePage));
  app.post('/people/add', page('people', addPersonPage));
  app.get('/people/:person', page('people', personPage));
  app.post('/people/:person/name', page('people', renamePage));
  app.post('/people/:person/identities', page('people', identitiesPage));
  app.post('/people/:person/link-code', page('people', linkCodePage));
  app.post('/people/:person/language', page('people', languagePage));
  app.get('/admin', page('admin', adminHomePage));
  app.get('/admin/imports', page('admin', importsPage));
  app.post('/admin/imports/:kind', uploadLimit, importUpload);
  app.get('/admin/causes', page('admin', causesPage));
  app.post('/admin/causes', page('admin', saveCausePage));
  app.post('/admin/causes/accounts', page('admin', saveCauseAccountPage));
  app.get('/admin/settings', page('admin', settingsPage));
  app.post('/admin/settings', page('admin', saveSettingsPage));
  app.get('/admin/schedules', page('admin', schedulesPage));
  app.post('/admin/schedules', page('admin', saveSchedulePage));
  app.get('/admin/erp', page('admin', erpPage));
  app.post('/admin/erp', page('admin', saveErpPage));
  app.post('/admin/erp/test', page('admin', testErpPage));
  app.post('/admin/erp/remove', page('admin', removeErpPage));
  app.post('/documents/:document/erp-retry', page('stocktakes', retryErpPage));
  app.get('/admin/access', page('admin', accessPage));
  app.post('/admin/access', page('admin', createAccessPage));
  app.post('/admin/access/revoke', page('admin', revokeAccessPage));
  app.get('/admin/webhooks', page('admin', webhooksPage));
  app.post('/admin/webhooks', page('admin', addWebhookPage));
  app.post('/admin/webhooks/rotate', page('admin', rotateWebhookPage));
  app.post('/admin/webhooks/test', page('admin', testWebhookPage));
  app.post('/admin/webhooks/remove', page('admin', removeWebhookPage));
  app.post('/admin/webhooks/retry', page('admin', retryDeliveryPage));
}
