import { describe, expect, it } from 'vitest';
import { LOCALES, messages } from '../../cards/i18n/index.ts';
import { DEFAULT_CAUSES } from '../../src/domain/causes.ts';
import { cardText } from '../../cards/templates/digest.ts';
import { varianceCard } from '../../cards/templates/variance.ts';
import { galleryContext, variance } from './gallery.ts';

const cause = DEFAULT_CAUSES.find((c) => c.appliesTo !== 'loss')!;

describe('the variance card', () => {
  it('stops asking for a cause once one is tagged', () => {
    for (const locale of LOCALES) {
      const t = messages(locale).variance;
      const ctx = galleryContext(locale);
      const untagged = cardText(varianceCard(ctx, variance({ reviewStatus: 'confirmed', causeCode: null })));
      expect(untagged).toContain(t.footerConfirmed);
      const tagged = cardText(varianceCard(ctx, variance({ reviewStatus: 'confirmed', causeCode: cause.code })));
      expect(tagged, locale).not.toContain(t.footerConfirmed);
      expect(tagged).toContain(t.footerTagged(locale === 'en' ? cause.labelEn : cause.labelZh));
      const open = cardText(varianceCard(ctx, variance({ reviewStatus: 'open', causeCode: cause.code })));
      expect(open).toContain(t.footerOpenTagged);
    }
  });
});
