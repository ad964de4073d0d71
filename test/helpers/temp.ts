/** Real temporary folders and SQLite files per test, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  file(name: string, content: unknown): string;
  remove(): void;
}

export function makeTempDir(prefix = 'hookline-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file(name, content) {
      const target = join(path, name);
      writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return target;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
