// The real SDK client aimed at the fake: GatewayDWClient (what the product ships) with both URLs
// required, so a test can never fall through to the real DingTalk hosts.
import { GatewayDWClient, type GatewayDWClientOptions } from '../../../bots/dingtalk/streamClient.ts';
import type { FakeDingTalk } from './index.ts';

export interface LocalDWClientOptions extends GatewayDWClientOptions {
  gatewayUrl: string;
  apiBase: string;
}

export class LocalDWClient extends GatewayDWClient {
  constructor(options: LocalDWClientOptions) {
    if (!options.gatewayUrl || !options.apiBase) throw new Error('LocalDWClient needs gatewayUrl and apiBase');
    super(options);
  }

  /** Credentials and URLs from a running fake; debug off unless overridden. */
  static forFake(fake: FakeDingTalk, options: Partial<LocalDWClientOptions> = {}): LocalDWClient {
    return new LocalDWClient({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      gatewayUrl: fake.gatewayUrl,
      apiBase: fake.apiBase,
      debug: false,
      ...options,
    });
  }
}
