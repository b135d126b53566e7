import { describe, expect, it } from 'vitest';
import { renderAll } from '../../../src/domain/phrase.ts';
import type { PatternReport, RisingCauseFinding } from '../../../src/services/patterns/detect.ts';
import { patternPhrases } from '../../../src/services/patterns/words.ts';

const report = (risingCauses: RisingCauseFinding[]) =>
  ({ recurringSkus: [], recurringLocations: [], risingCauses, counters: [], clusters: [] }) as unknown as PatternReport;

const damage = { cause: 'damage', labelEn: 'damage', labelZh: '报损', latestStocktake: 'ST-3' };

describe('rising-cause findings in words', () => {
  it('says by how much a cause rose against its mean before', () => {
    const [phrase] = patternPhrases(
      report([
        {
          ...damage,
          latest: '362.00',
          previousMean: '42.50',
          factor: '8.52',
          series: [
            { stocktake: 'ST-1', lossValue: '25.00', lines: 1 },
            { stocktake: 'ST-2', lossValue: '60.00', lines: 1 },
            { stocktake: 'ST-3', lossValue: '362.00', lines: 2 },
          ],
        },
      ]),
    );
    expect(renderAll(phrase!, 'page')).toEqual({
      en: 'Losses from "damage" are rising: 362.00 in ST-3 against a mean of 42.50 before (×8.52; 25.00 → 60.00 → 362.00)',
      'zh-CN': '“报损”损失在上升：ST-3 为 362.00，此前平均 42.50（8.52 倍；25.00 → 60.00 → 362.00）',
    });
  });

  it('calls a cause with no loss before a new one, not "rising ×–"', () => {
    const [phrase] = patternPhrases(
      report([
        {
          ...damage,
          latest: '120.00',
          previousMean: '0.00',
          factor: null,
          series: [
            { stocktake: 'ST-1', lossValue: '0.00', lines: 0 },
            { stocktake: 'ST-2', lossValue: '0.00', lines: 0 },
            { stocktake: 'ST-3', lossValue: '120.00', lines: 1 },
          ],
        },
      ]),
    );
    expect(renderAll(phrase!, 'page')).toEqual({
      en: 'Losses from "damage" appeared: 120.00 in ST-3 after none in the 2 posted stocktakes before (0.00 → 0.00 → 120.00)',
      'zh-CN': '出现“报损”损失：ST-3 为 120.00，此前 2 次已过账盘点均无（0.00 → 0.00 → 120.00）',
    });
  });
});
