import type { Card } from '../../cards/model.ts';
import type { CardView } from '../services/outbox.ts';
import type { ActionAnswer } from './events.ts';

/** What handling an event produced: cards for the chat (through the outbox) and, for a tap, a toast. */
export interface Outcome {
  replies: CardView[];
  toast?: ActionAnswer['toast'];
  /** A prompt to send (Telegram ForceReply) whose answer completes `token`. */
  prompt?: { text: string; token: string };
  /**
   * Nothing changed: the tapped card is not sent back in the answer, so a form on it keeps what was picked
   * and typed (a card in the answer replaces it, inputs reset).
   */
  keepCard?: boolean;
  /** The tapped card should now show this view (a page turned). */
  retarget?: CardView;
}

export const staticView = (card: Card): CardView => ({ kind: 'static', card });
