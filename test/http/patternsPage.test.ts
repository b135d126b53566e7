/**
 * GET /patterns on the fixed history (test/support/history.ts): a manager reads the findings and everyone's
 * figures, a counter the findings about stock and only their own figures, in the page's language.
 */
import { expect, it } from 'vitest';
import { mountPages } from '../../src/http/pages/index.ts';
import { grantRole } from '../../src/services/people.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fourStocktakes } from '../support/history.ts';
import { testHttp } from '../support/http.ts';

describeEachDatabase('console: patterns and performance', (get) => {
  it('shows a manager the findings and everyone’s figures, a counter only their own', async () => {
    const { db } = get();
    await fourStocktakes(db);
    await grantRole(db, 'mo', 'manager', 'WH1').catch(() => {});
    const http = await testHttp(db, [mountPages]);
    const manager = await (await http.as('mo', '/patterns?warehouse=WH1&lang=en')).text();
    expect(manager).toContain('SKU A-100: a variance in');
    expect(manager).toContain('Performance in WH1');
    expect(manager).toMatch(/carl[^<]*counting: first-count accuracy 87\.5%/);
    const counter = await (await http.as('carl', '/patterns?warehouse=WH1&lang=zh')).text();
    expect(counter).toContain('SKU A-100：近');
    expect(counter).toContain('这里只显示你自己的数据');
    expect(counter).toMatch(/carl[^<]*盘点：初盘准确率 87\.5%/);
    // Nobody else's figures.
    expect(counter).not.toMatch(/sam[^<]*审核/);
  });
});
