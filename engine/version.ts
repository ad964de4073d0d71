/** The package version, for `User-Agent: Hookline/<version>`. Works from sources and from dist/. */
import { existsSync, readFileSync } from 'node:fs';

function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) {
      const parsed = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'n8n-nodes-hookline' && parsed.version) return parsed.version;
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
export const USER_AGENT = `Hookline/${VERSION}`;
