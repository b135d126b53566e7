import { randomBytes } from 'node:crypto';

// Schema 2.0 event bodies as Feishu pushes them (field names from the SDK's typed handler for
// im.message.receive_v1 in types/index.d.ts and Feishu's card callback documentation). The SDK's
// EventDispatcher flattens {...header, ...event} before calling the handler.

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newId = {
  event: () => hex(16), // 32 hex chars, like real event_ids
  message: () => `om_${hex(16)}`,
  openId: () => `ou_${hex(16)}`,
  unionId: () => `on_${hex(16)}`,
  fileKey: () => `file_v3_00${hex(4)}_${hex(8)}-${hex(2)}`,
  imageKey: () => `img_v3_02${hex(4)}_${hex(8)}-${hex(2)}`,
  cardToken: () => `c-${hex(20)}`,
};

export interface EventEnvelope {
  schema: '2.0';
  header: {
    event_id: string;
    event_type: string;
    create_time: string;
    token: string;
    app_id: string;
    tenant_key: string;
  };
  event: Record<string, unknown>;
}

export interface AppIdentity {
  appId: string;
  tenantKey: string;
  verificationToken: string;
}

export function envelope(app: AppIdentity, eventType: string, eventId: string, event: Record<string, unknown>): EventEnvelope {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: eventType,
      create_time: String(Date.now()), // milliseconds, as a string
      token: app.verificationToken,
      app_id: app.appId,
      tenant_key: app.tenantKey,
    },
    event,
  };
}

export interface MessageEventInput {
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  openId: string;
  /** Stable per open_id so the same user always carries the same union_id. */
  unionId: string;
  text?: string;
  mention?: { openId: string; unionId: string; name: string };
  /** Other people mentioned after the bot (or alone). */
  mentionUsers?: { openId: string; unionId: string; name: string }[];
  parentId?: string;
  file?: { fileKey: string; name: string };
  imageKey?: string;
}

export function messageReceiveEvent(app: AppIdentity, m: MessageEventInput): Record<string, unknown> {
  const now = String(Date.now());
  let messageType: string;
  let content: string;
  let mentions: unknown[] | undefined;
  if (m.file) {
    messageType = 'file';
    content = JSON.stringify({ file_key: m.file.fileKey, file_name: m.file.name });
  } else if (m.imageKey) {
    messageType = 'image';
    content = JSON.stringify({ image_key: m.imageKey });
  } else {
    messageType = 'text';
    // A mention shows up in the text as a placeholder key; the real name is only in `mentions`.
    const people = [...(m.mention ? [m.mention] : []), ...(m.mentionUsers ?? [])];
    const keys = people.map((_, i) => `@_user_${i + 1}`);
    const text = people.length ? `${keys.join(' ')} ${m.text ?? ''}`.trimEnd() : (m.text ?? '');
    content = JSON.stringify({ text });
    if (people.length) {
      mentions = people.map((p, i) => ({
        key: keys[i],
        id: { union_id: p.unionId, user_id: '', open_id: p.openId },
        name: p.name,
        tenant_key: app.tenantKey,
      }));
    }
  }
  return {
    sender: {
      sender_id: { union_id: m.unionId, user_id: '', open_id: m.openId },
      sender_type: 'user',
      tenant_key: app.tenantKey,
    },
    message: {
      message_id: m.messageId,
      // A reply (引用回复) names the message it answers and the root of its thread.
      ...(m.parentId ? { root_id: m.parentId, parent_id: m.parentId } : {}),
      create_time: now,
      update_time: now,
      chat_id: m.chatId,
      chat_type: m.chatType,
      message_type: messageType,
      content,
      ...(mentions ? { mentions } : {}),
      user_agent: 'Mozilla/5.0 (Macintosh) Lark/7.30.0',
    },
  };
}

export interface CardActionInput {
  messageId: string;
  chatId: string;
  openId: string;
  unionId: string;
  token: string;
  value: Record<string, unknown>;
  tag?: string;
  option?: string;
  inputValue?: string;
  formValue?: Record<string, unknown>;
}

export function cardActionEvent(app: AppIdentity, c: CardActionInput): Record<string, unknown> {
  // `tag` follows what was interacted with: a select reports its option, an input its value,
  // a form submit its form_value (from a button inside the form).
  const tag = c.tag ?? (c.option !== undefined ? 'select_static' : c.inputValue !== undefined ? 'input' : 'button');
  return {
    operator: { tenant_key: app.tenantKey, user_id: '', open_id: c.openId, union_id: c.unionId },
    token: c.token,
    action: {
      value: c.value,
      tag,
      ...(c.option !== undefined ? { option: c.option } : {}),
      ...(c.inputValue !== undefined ? { input_value: c.inputValue } : {}),
      ...(c.formValue !== undefined ? { form_value: c.formValue } : {}),
      timezone: 'Asia/Shanghai',
    },
    host: 'im_message',
    context: { open_message_id: c.messageId, open_chat_id: c.chatId },
  };
}
