/**
 * The contract every platform adapter keeps (see bots/<platform>/index.ts). An adapter turns platform
 * payloads into neutral events for the dispatcher and neutral cards into platform calls for the sender;
 * adding a platform adds a folder here and touches nothing in src/.
 */
import type { Deliverer } from '../src/core/delivery.ts';
import type { ActionAnswer, Capabilities, InboundEvent } from '../src/core/events.ts';
import type { PlatformHealth } from '../src/core/health.ts';

/** What the core does with an inbound event; for taps it returns the answer to give within the deadline. */
export type InboundHandler = (event: InboundEvent) => Promise<ActionAnswer | null>;

export type { Capabilities };

export interface PlatformAdapter extends Deliverer {
  readonly capabilities: Capabilities;
  /** Connects (long connection, polling or webhook) and starts passing events to `handler`. */
  start(handler: InboundHandler): Promise<void>;
  stop(): Promise<void>;
  /** Its link to the platform right now (connected, polling, listening…), for /healthz. */
  health(): PlatformHealth;
}
