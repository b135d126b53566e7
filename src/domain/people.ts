export const ROLES = ['counter', 'supervisor', 'finance', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Supervisor and above, lowest first: they start a stocktake and close its counting, review any line (not
 * only their own), reassign lines, submit, bind chats, set report schedules and import counts in another
 * person's name. Reminders escalate up this ladder.
 */
export const SUPERVISING_ROLES = ['supervisor', 'manager', 'admin'] as const satisfies readonly Role[];

/** Who may record counts: counters and the supervising roles. */
export const COUNTING_ROLES: readonly Role[] = ['counter', ...SUPERVISING_ROLES];

/** Who sees the book figures of a blind count while counting (everyone with a role but counters). */
export const BOOK_FIGURE_ROLES = ['supervisor', 'finance', 'manager', 'admin'] as const satisfies readonly Role[];

/** Roles from least to most senior: a person acts in their highest one. */
export const ROLE_RANK: readonly Role[] = ['counter', 'finance', ...SUPERVISING_ROLES];

/** True when `held` includes one of `roles`. */
export const holdsAnyOf = (held: ReadonlySet<Role>, roles: readonly Role[]): boolean => roles.some((r) => held.has(r));

/** "supervisor, manager or admin", for messages. */
export const roleList = (roles: readonly Role[]): string =>
  roles.length < 2 ? roles.join('') : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;

export const PLATFORMS = ['telegram', 'feishu', 'dingtalk', 'web', 'cli'] as const;

/** "telegram:12345" → {platform, externalId}; null when the text is not of that form. */
export function parseIdentity(text: string): { platform: string; externalId: string } | null {
  const match = /^([a-z]+):(.+)$/.exec(text.trim());
  if (!match || !(PLATFORMS as readonly string[]).includes(match[1]!)) return null;
  return { platform: match[1]!, externalId: match[2]!.trim() };
}

/** Who performs a command: the person and the identity they acted through (audit records both). */
export interface Actor {
  personId: string;
  handle: string;
  /** e.g. "cli:alice", "telegram:12345". */
  identity: string;
}

/** What every state-changing command carries besides its input. */
export interface CommandContext {
  actor: Actor;
  /** The same key twice has one effect and returns the first result (chat layers pass the event id). */
  idempotencyKey?: string;
  now?: Date;
  /**
   * The card message a tap's answer replaces for everyone (a platform with `cardInAnswer`): the change queues
   * no outbox update for it, so the tapped card is rendered once, in the answer.
   */
  answeredCard?: string;
}
