/**
 * A card's mentions as one platform sees them. Every renderer writes them as one line at the top of the
 * body, built from `card.mentions` rather than from an element, so `fitCard` (which only trims elements,
 * header and footer) can never drop it: the measure each renderer fits against includes the line, and the
 * rest of the card gives way around it. Its size is bounded by the model (at most 30 people, names of at
 * most 64 UTF-16 units, one account each per platform), which every platform's limit has room for.
 */
import type { Card } from '../model.ts';

/** One mentioned person on one platform: their account there, or null (named, not notified). */
export interface PlatformMention {
  name: string;
  id: string | null;
}

/**
 * The mentions of `card` for `platform`, in order: each person with the first of their `platform:` accounts
 * that `validId` accepts (an id the platform's markup could not carry safely is skipped, and someone left
 * without one is named instead). Empty when the card mentions nobody.
 */
export function mentionsOn(card: Card, platform: string, validId: RegExp): PlatformMention[] {
  const prefix = `${platform}:`;
  return (card.mentions ?? []).map((m) => {
    const id = m.identities
      .filter((i) => i.startsWith(prefix))
      .map((i) => i.slice(prefix.length))
      .find((i) => validId.test(i));
    return { name: m.name, id: id ?? null };
  });
}

/** Between two mentions on the line. */
export const MENTION_SEPARATOR = ', ';
