/** What an adapter says of its link to its platform, for /healthz. */
export interface PlatformHealth {
  /** True while the adapter can receive events (connected, polling, or listening for webhooks). */
  connected: boolean;
  /** How, or why not: "polling", "webhook", "long connection", "another instance polls", "reconnecting"… */
  detail: string;
}
