import { DWClient } from 'dingtalk-stream';
import { DINGTALK_API_BASE } from './config.ts';

type DWClientOptions = ConstructorParameters<typeof DWClient>[0];

export interface GatewayDWClientOptions extends DWClientOptions {
  /**
   * Where to POST {clientId, clientSecret, ua, subscriptions} for a stream endpoint + ticket.
   * Unset: the SDK's own GATEWAY_URL (https://api.dingtalk.com/v1.0/gateway/connections/open).
   */
  gatewayUrl?: string;
  /**
   * OpenAPI base (no trailing slash needed), e.g. http://127.0.0.1:1234 for a local fake.
   * Set: getAccessToken() uses POST {apiBase}/v1.0/oauth2/accessToken.
   * Unset: the SDK's own GET https://oapi.dingtalk.com/gettoken.
   */
  apiBase?: string;
  /** DWClient honours it at runtime (default true) although its constructor type leaves it out. */
  autoReconnect?: boolean;
}

/**
 * DWClient whose two network entry points can be redirected. dingtalk-stream 2.1.5 hard-codes
 * GATEWAY_URL / GET_TOKEN_URL and has no option for them, so tests point this subclass at a local
 * fake; with neither URL set it is DWClient unchanged (every call goes to super).
 */
export class GatewayDWClient extends DWClient {
  readonly gatewayUrl: string | undefined;
  readonly apiBase: string | undefined;
  /** Base for the product's own OpenAPI calls: apiBase when set, else the real api.dingtalk.com. */
  readonly openApiBase: string;

  private stopped = false;

  constructor(options: GatewayDWClientOptions) {
    const { gatewayUrl, apiBase, ...dwOptions } = options;
    // DWClient spreads its options into `config` (which getConfig() returns and debug mode prints), so
    // the extra URLs stay out of it.
    super(dwOptions);
    this.gatewayUrl = gatewayUrl;
    this.apiBase = apiBase?.replace(/\/+$/, '');
    this.openApiBase = this.apiBase ?? DINGTALK_API_BASE;
  }

  /**
   * Mirrors DWClient.getEndpoint(): same request body, and the same state afterwards —
   * config.endpoint holds the whole response object (not a string, despite its type) and the
   * private dw_url becomes `${endpoint}?ticket=${ticket}` (ticket not URL-encoded), which _connect() opens.
   * Like the axios call it replaces, a non-2xx answer throws.
   */
  override async getEndpoint(): Promise<this> {
    if (this.stopped) throw new Error('GatewayDWClient: shut down');
    if (this.gatewayUrl === undefined) return super.getEndpoint();
    this.printDebug('get connect endpoint by config');
    this.printDebug(this.config);
    const res = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
    });
    if (!res.ok) throw new Error(`getEndpoint: gateway answered HTTP ${res.status}`);
    const data = (await res.json()) as { endpoint?: string; ticket?: string } | null;
    this.printDebug('res.data ' + JSON.stringify(data));
    if (!data) throw new Error('build: get endpoint failed');
    (this.config as { endpoint?: unknown }).endpoint = data;
    const { endpoint, ticket } = data;
    if (!endpoint || !ticket) {
      this.printDebug('endpoint or ticket is null');
      throw new Error('endpoint or ticket is null');
    }
    (this as unknown as { dw_url?: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }

  /**
   * disconnect() for good. DWClient.disconnect() alone does not cancel a reconnect already scheduled
   * (after the server dropped the socket, or after a failed connect): that timer still calls connect(),
   * whose _connect() clears the user-disconnect flag, and the client is back online. Here the next
   * getEndpoint() throws instead and autoReconnect is off, so nothing reconnects or keeps the process up.
   */
  shutdown(): void {
    this.stopped = true;
    (this.config as { autoReconnect?: boolean }).autoReconnect = false;
    this.disconnect();
  }

  /**
   * Like DWClient.getAccessToken(): fetches a fresh token every call (no cache), stores it in
   * config.access_token and returns it. Against apiBase it uses the v1.0 OAuth2 endpoint, whose token
   * is the same app access token the legacy gettoken returns.
   */
  override async getAccessToken(): Promise<string> {
    if (this.apiBase === undefined) return super.getAccessToken();
    const res = await fetch(`${this.apiBase}/v1.0/oauth2/accessToken`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ appKey: this.config.clientId, appSecret: this.config.clientSecret }),
    });
    const data = (await res.json().catch(() => null)) as { accessToken?: string } | null;
    if (res.status === 200 && data?.accessToken) {
      this.config.access_token = data.accessToken;
      return data.accessToken;
    }
    throw new Error('getAccessToken: get access_token failed');
  }
}
