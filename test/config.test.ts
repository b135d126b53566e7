/** The environment, parsed once: retention windows have defaults and a floor the platforms' redelivery sets. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, retentionPolicy } from '../src/config.ts';

describe('retention settings', () => {
  it('default to 30 days, 90 for failed deliveries and for buttons', () => {
    expect(retentionPolicy(loadConfig({}))).toEqual({ days: 30, failedDays: 90, buttonDays: 90 });
    expect(
      retentionPolicy(
        loadConfig({ STOCKTAKE_RETENTION_DAYS: '14', STOCKTAKE_RETENTION_FAILED_DAYS: '365', STOCKTAKE_RETENTION_BUTTON_DAYS: '30' }),
      ),
    ).toEqual({ days: 14, failedDays: 365, buttonDays: 30 });
  });

  it('refuse a window shorter than a platform can redeliver in, naming the variable', () => {
    expect(() => loadConfig({ STOCKTAKE_RETENTION_DAYS: '3' })).toThrow(ConfigError);
    expect(() => loadConfig({ STOCKTAKE_RETENTION_DAYS: '3' })).toThrow(/STOCKTAKE_RETENTION_DAYS: must be at least 7 days/);
    expect(() => loadConfig({ STOCKTAKE_RETENTION_BUTTON_DAYS: '2.5' })).toThrow(/STOCKTAKE_RETENTION_BUTTON_DAYS: must be a whole number/);
  });
});
