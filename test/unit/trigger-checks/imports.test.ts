import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function imports(file: string): Array<{ from: string; typeOnly: boolean }> {
  const source = readFileSync(join(root, file), 'utf8');
  return [...source.matchAll(/^(?:import|export) (type )?[^;]*? from '([^']+)';/gms)].map(([, typeOnly, from]) => ({
    from,
    typeOnly: Boolean(typeOnly),
  }));
}

describe('modules the n8n package bundles with the nodes', () => {
  const pure = [...tsFiles('engine/trigger-checks'), ...tsFiles('engine/node-contract')];

  it('import only node:crypto, n8n-workflow types, each other and engine/signing', () => {
    expect(pure.length).toBeGreaterThan(0);
    for (const file of pure) {
      for (const { from, typeOnly } of imports(file)) {
        // n8n-runtime.ts is the one runtime door to n8n-workflow; the n8n bundle aliases it to the peer.
        const isShim = file.endsWith('node-contract/n8n-runtime.ts') && from === 'n8n-workflow/dist/cjs/index.js';
        const allowed =
          isShim ||
          from === 'node:crypto' ||
          /^\.\/[\w-]+\.js$/.test(from) ||
          from === '../signing/index.js' ||
          from === '../trigger-checks/index.js' ||
          (typeOnly && from === 'n8n-workflow');
        expect(allowed, `${file} imports ${from}`).toBe(true);
      }
    }
  });

  it('use no timers, process or globalThis (the community-node lint forbids them)', () => {
    for (const file of pure)
      expect(readFileSync(join(root, file), 'utf8'), file).not.toMatch(
        /\b(setTimeout|setInterval|process|globalThis)\b/,
      );
  });
});

it("keeps the engine off the nodes' internal helpers: it imports only node classes", () => {
  for (const file of tsFiles('engine')) {
    for (const { from } of imports(file)) {
      // The package's `nodes/` folder (not the engine's own `workflow/core-nodes/`).
      if (!/(^|\/)nodes\//.test(from)) continue;
      expect(from, `${file} imports ${from}`).toMatch(/\/nodes\/\w+\/\w+\.node\.js$/);
    }
  }
});
