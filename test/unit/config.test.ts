import { describe, expect, it } from 'vitest';
import { DEFAULTS, describeSettings, loadConfig } from '../../engine/config.js';
import { HooklineError } from '../../engine/errors.js';

describe('config', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig();
    expect(config.port).toBe(8787);
    expect(config.dbPath).toBe('./data/hookline.db');
    expect(config.workflowsDir).toBe('examples');
    expect(config.retryScheduleSec).toEqual([60, 300, 900, 3600, 21_600, 86_400]);
    expect(config).toEqual(DEFAULTS);
  });

  it('reads the environment, then flags, then overrides', () => {
    const config = loadConfig({
      env: {
        PORT: '9000',
        HOOKLINE_DB: '/tmp/a.db',
        HOOKLINE_RETRY_SCHEDULE_SEC: '1,2,3',
        HOOKLINE_ALLOW_PRIVATE_TARGETS: 'true',
      },
      flags: { db: '/tmp/b.db' },
    });
    expect(config.port).toBe(9000);
    expect(config.dbPath).toBe('/tmp/b.db');
    expect(config.retryScheduleSec).toEqual([1, 2, 3]);
    expect(config.allowPrivateTargets).toBe(true);
    expect(loadConfig({ env: { PORT: '9000' }, overrides: { port: 1 } }).port).toBe(1);
  });

  it('is frozen', () => {
    const config = loadConfig();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.retryScheduleSec)).toBe(true);
  });

  it('rejects a bad value naming the setting and where it came from', () => {
    const attempt = () => loadConfig({ env: { PORT: 'eighty' } });
    expect(attempt).toThrow(HooklineError);
    expect(attempt).toThrow(/environment variable PORT must be integer \(got "eighty"\)/);
    expect(() => loadConfig({ flags: { port: '70000' } })).toThrow(/flag --port must be <= 65535/);
    expect(() => loadConfig({ flags: { 'log-level': 'loud' } })).toThrow(
      /flag --log-level must be equal to one of the allowed values/,
    );
    expect(() => loadConfig({ env: { HOOKLINE_RETRY_SCHEDULE_SEC: '60,soon' } })).toThrow(
      /HOOKLINE_RETRY_SCHEDULE_SEC/,
    );
  });

  it('takes a PostgreSQL URL only, and PostgreSQL only with a shared encryption key', async () => {
    expect(() => loadConfig({ env: { DATABASE_URL: 'mysql://db/hookline' } })).toThrow(
      /environment variable DATABASE_URL must match pattern/,
    );
    const config = loadConfig({ flags: { 'database-url': 'postgresql://db.internal/hookline' } });
    expect(config.databaseUrl).toBe('postgresql://db.internal/hookline');
    const { createStore } = await import('../../engine/store/create-store.js');
    expect(() => createStore(config, 'test')).toThrow(/HOOKLINE_ENCRYPTION_KEY must be set with DATABASE_URL/);
  });

  it('rejects an unknown setting', () => {
    expect(() => loadConfig({ overrides: { prot: 1 } as never })).toThrow(/unknown setting 'prot'/);
  });

  it('documents every setting with its environment variable', () => {
    for (const row of describeSettings()) {
      expect(row.env).toMatch(/^[A-Z_]+$/);
      expect(row.doc.length).toBeGreaterThan(10);
    }
  });
});
