/**
 * The dashboard pages of the web console, rendered on the server: the stocktakes list, one stocktake
 * (figures, charts, variances, documents, exports, audit), the phone counting page, and people and roles for admins.
 *
 * @example createHttpApp(deps, [mountAuth, mountApi, mountPages])
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { countingPage } from './counting.ts';
import { mountCountingAssets } from './countingAssets.ts';
import { changeRolePage, peoplePage } from './people.ts';
import { page } from './shared.ts';
import { stocktakeDetailPage } from './stocktakeDetail.ts';
import { stocktakeListPage } from './stocktakeList.ts';
import { DASHBOARD_CSS, DASHBOARD_CSS_PATH } from './styles.ts';

export function mountPages(app: Hono<AppEnv>): void {
  app.get(DASHBOARD_CSS_PATH, (c) =>
    c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );
  app.get('/stocktakes', page('stocktakes', stocktakeListPage));
  app.get('/stocktakes/:stocktake', page('stocktakes', stocktakeDetailPage));
  mountCountingAssets(app);
  app.get('/count/:stocktake', page('stocktakes', countingPage));
  app.get('/people', page('people', peoplePage));
  app.post('/people/roles', page('people', changeRolePage));
}
