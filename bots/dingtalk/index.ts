/**
 * The DingTalk adapter: a Stream connection (dingtalk-stream, no public URL needed) for robot messages and
 * card taps, and the OpenAPI for cards and messages out (see outbound.ts).
 *
 * dingtalk-stream quirks handled here: connect() never rejects (a failure only schedules a retry), a
 * listener's rejection would be an unhandled rejection (so every listener catches everything), CALLBACK
 * frames must be acknowledged by hand or DingTalk pushes them again for about a minute, and a plain
 * disconnect() can be undone by a reconnect timer (GatewayDWClient.shutdown() cannot).
 */
import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { renderDingTalkCard, type DingTalkRenderOptions } from '../../cards/render/dingtalk.ts';
import { dingTalkPageUrl } from '../pageLinks.ts';
import type { PlatformLimits } from '../../src/core/delivery.ts';
import type { ActionAnswer } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/log.ts';
import type { InboundHandler, PlatformAdapter } from '../adapter.ts';
import type { DingTalkConfig } from './config.ts';
import { cardCallbackEvent, groupSessionWebhook, parseFrameData, robotMessageEvents } from './inbound.ts';
import { createDingTalkDeliverer, DingTalkApi, DINGTALK_LIMITS, SessionWebhooks } from './outbound.ts';
import { GatewayDWClient } from './streamClient.ts';

export { loadDingTalkConfig, type DingTalkConfig } from './config.ts';

/** Options of the DingTalk adapter. */
export interface DingTalkAdapterOptions {
  log: Logger;
  /** Overrides of DingTalk's pacing (tests run faster than 20 messages a minute). */
  limits?: Partial<PlatformLimits>;
}

/** The DingTalk adapter, plus a way to wait for robot messages still being handled after their ack. */
export interface DingTalkAdapter extends PlatformAdapter {
  /** Resolves when every robot message received so far has been handled. */
  whenIdle(): Promise<void>;
}

/**
 * What a card tap is acknowledged with: DingTalk applies it to the card at once. The public data is the
 * tapped card as it is now; the toast (DingTalk cards have none) goes to the tapper's private data, as
 * the template's `toast` and `toastKind` variables.
 */
export function tapResponse(answer: ActionAnswer | null, opts: DingTalkRenderOptions = {}): Record<string, unknown> {
  if (!answer) return {};
  // On an error the card stays as it is: for a stranger the dispatcher's card is the access card, which
  // must not replace a group's card for everyone.
  const card =
    answer.card && answer.toast.kind !== 'error' ? { cardData: { cardParamMap: renderDingTalkCard(answer.card, opts).cardParamMap } } : {};
  return {
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    ...card,
    userPrivateData: { cardParamMap: { toast: answer.toast.text, toastKind: answer.toast.kind } },
  };
}

/** Creates the adapter; nothing connects before start(). */
export function createDingTalkAdapter(config: DingTalkConfig, options: DingTalkAdapterOptions): DingTalkAdapter {
  const { log } = options;
  const templated = config.cardTemplateId !== null;
  const api = new DingTalkApi(config);
  const sessions = new SessionWebhooks();
  const pageUrl = dingTalkPageUrl(config.publicUrl, config.corpId);
  const deliverer = createDingTalkDeliverer(api, config, { ...DINGTALK_LIMITS, ...options.limits }, sessions);
  let client: GatewayDWClient | null = null;
  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  // Messages of one chat are handled in the order they came (a sheet, then "close"); chats run side by side.
  const chains = new Map<string, Promise<void>>();

  function ack(messageId: string, result: unknown): void {
    try {
      client?.socketCallBackResponse(messageId, result);
    } catch (error) {
      log('warn', 'dingtalk: could not acknowledge a callback', { messageId, error });
    }
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  function onRobotMessage(frame: DWClientDownStream, handler: InboundHandler): void {
    const messageId = frame.headers.messageId;
    // Acknowledge first: an import can take longer than DingTalk waits, and a redelivery would only be
    // deduplicated by its msgId anyway.
    ack(messageId, { status: 'SUCCESS' });
    const payload = parseFrameData(frame.data);
    // Without a card template, a group's session webhook is how a card can @-mention people there.
    const session = groupSessionWebhook(payload);
    if (session) sessions.remember(session.chatId, session.url, session.expiresAt);
    const events = robotMessageEvents(payload, (code) => api.downloadMessageFile(code));
    const [event] = events;
    if (!event) {
      log('debug', 'dingtalk: robot message ignored', { messageId });
      return;
    }
    const previous = chains.get(event.chatId) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const one of events) {
        try {
          await handler(one);
        } catch (error) {
          log('error', 'dingtalk: robot message failed', { eventId: one.eventId, chatId: one.chatId, error });
        }
      }
    });
    chains.set(event.chatId, next);
    track(next);
    void next.finally(() => {
      if (chains.get(event.chatId) === next) chains.delete(event.chatId);
    });
  }

  async function onCardCallback(frame: DWClientDownStream, handler: InboundHandler): Promise<void> {
    const messageId = frame.headers.messageId;
    let response: Record<string, unknown> = {};
    try {
      const event = cardCallbackEvent(parseFrameData(frame.data), messageId);
      if (event) response = tapResponse(await handler(event), { pageUrl });
      else log('warn', 'dingtalk: card callback not understood', { messageId });
    } catch (error) {
      log('error', 'dingtalk: card callback failed', { messageId, error });
    } finally {
      // Always acknowledged, even when it failed: a re-push would fail the same way for a minute.
      ack(messageId, response);
    }
  }

  return {
    ...deliverer,
    capabilities: { cardInAnswer: templated },
    health() {
      const connected = client?.connected ?? false;
      return { connected, detail: connected ? 'stream connected' : client ? 'stream reconnecting' : 'stopped' };
    },

    async start(handler) {
      if (client) throw new Error('dingtalk adapter already started');
      stopping = false;
      const stream = new GatewayDWClient({
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        gatewayUrl: config.gatewayUrl,
        apiBase: config.apiBase,
        debug: false,
      });
      stream.registerCallbackListener(TOPIC_ROBOT, (frame) => {
        if (stopping) return;
        try {
          onRobotMessage(frame, handler);
        } catch (error) {
          log('error', 'dingtalk: robot message listener failed', { error });
        }
      });
      stream.registerCallbackListener(TOPIC_CARD, (frame) => {
        if (stopping) return;
        track(onCardCallback(frame, handler).catch((error: unknown) => log('error', 'dingtalk: card listener failed', { error })));
      });
      client = stream;
      await stream.connect();
      if (stream.connected) log('info', 'dingtalk: stream connected', { mode: templated ? 'card template' : 'robot messages' });
      else log('warn', 'dingtalk: stream not connected yet, retrying in the background');
    },

    async stop() {
      // New frames go unacknowledged from here (DingTalk pushes them again, to whoever is connected);
      // what is in hand is finished and acknowledged before the socket closes.
      stopping = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      client?.shutdown();
      client = null;
    },

    async whenIdle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
