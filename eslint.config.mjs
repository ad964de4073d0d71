/**
 * n8n's community-node lint, as `@n8n/node-cli lint` runs it (strict), for Hookline's n8n package.
 * That CLI cannot be installed here (it pulls isolated-vm), so its two rule sets are wired directly:
 * - `@n8n/eslint-plugin-community-nodes` recommended: over the node and credential sources, and over
 *   `dist-n8n/package.json`, the manifest of the package n8n installs (`npm run build:n8n` writes it).
 *   The repo's own package.json is not linted as a community package: it carries the engine's runtime
 *   dependencies, which is why the n8n package is a separate bundle.
 * - `eslint-plugin-n8n-nodes-base`: its `nodes`, `credentials` and `community` rule sets, with the same
 *   three node rules switched off that @n8n/node-cli switches off.
 * Rules that read the package (registration, credential references) find the repo's package.json,
 * whose `n8n` field lists `dist/…` paths that map back to these sources.
 */
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const sources = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const n8nManifest = ['dist-n8n/package.json'];

export default [
  { ignores: ['dist/**', 'dist-n8n/dist/**', 'node_modules/**'] },
  {
    files: [...sources, ...n8nManifest],
    plugins: { 'n8n-nodes-base': n8nNodesBase },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: sources,
    languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
  },
  {
    files: n8nManifest,
    languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
  },
  { ...n8nCommunityNodesPlugin.configs.recommended, files: [...sources, ...n8nManifest] },
  { files: n8nManifest, rules: { ...n8nNodesBase.configs.community.rules } },
  {
    files: ['credentials/**/*.ts'],
    rules: {
      ...n8nNodesBase.configs.credentials.rules,
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
    },
  },
  {
    files: ['nodes/**/*.ts'],
    rules: {
      ...n8nNodesBase.configs.nodes.rules,
      'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
      'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
      'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
    },
  },
];
