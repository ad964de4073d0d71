/**
 * The n8n community package `npm run build:n8n` emits: what n8n's loader and lint need, and the
 * same node type names the engine registers, so one workflow JSON runs in both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageNodeTypes } from '../../engine/workflow/package-nodes.js';
import { buildN8nPackage, type N8nPackageJson } from '../../scripts/build-n8n.mjs';

const requireFromHere = createRequire(import.meta.url);
let outRoot = '';
let pkg: N8nPackageJson;

beforeAll(async () => {
  ({ outRoot, pkg } = await buildN8nPackage());
});

describe('dist-n8n', () => {
  it('is a community package n8n accepts: name, keyword, strict n8n field, only the n8n-workflow peer', () => {
    expect(pkg.name).toBe('n8n-nodes-hookline');
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
  });

  it('lists the same dist/ files as the repo package.json, and every one exists', () => {
    const rootPkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as N8nPackageJson;
    expect(rootPkg.keywords).toContain('n8n-community-node-package');
    expect(rootPkg.n8n.nodes).toEqual(pkg.n8n.nodes);
    expect(rootPkg.n8n.credentials).toEqual(pkg.n8n.credentials);
    for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials])
      expect(existsSync(join(outRoot, file)), file).toBe(true);
  });

  it('bundles each node as CommonJS exporting the class named for its file, with its icon and codex', () => {
    for (const file of pkg.n8n.nodes) {
      const className = file.split('/').pop()!.replace('.node.js', '');
      const NodeClass = requireFromHere(join(outRoot, file))[className] as new () => {
        description: { name: string; icon: string };
      };
      const { description } = new NodeClass();
      expect(existsSync(join(outRoot, file, '..', description.icon.replace('file:', ''))), description.icon).toBe(true);
      const codex = JSON.parse(readFileSync(join(outRoot, file.replace(/\.js$/, '.json')), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(codex).toMatchObject({
        node: `n8n-nodes-hookline.${description.name}`,
        codexVersion: '1.0',
        categories: expect.any(Array),
      });
      expect(codex.resources).toMatchObject({ primaryDocumentation: [{ url: expect.stringMatching(/^https:\/\//) }] });
    }
  });

  it('gives n8n the node type names the engine registers', () => {
    const codexNames = pkg.n8n.nodes.map(
      (file) =>
        (JSON.parse(readFileSync(join(outRoot, file.replace(/\.js$/, '.json')), 'utf8')) as { node: string }).node,
    );
    expect(codexNames.sort()).toEqual(Object.keys(packageNodeTypes()).sort());
  });
});
