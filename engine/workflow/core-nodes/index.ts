/**
 * n8n's core node types under n8n's own type names (`n8n-nodes-base.set`, `…if`, `…merge`, …):
 * our implementations, written from n8n's behaviour and documentation (never its source), for the
 * engine only: inside n8n, n8n runs its own. Equality with n8n 2.8.4 is shown by the differential
 * cases under test/n8n-diff/ (golden outputs recorded from a real n8n).
 *
 * Each family lives in its own folder and exports one function returning its types by full type
 * name; add it to FAMILIES. A node type declares every `typeVersion` it implements in
 * `description.version`; validation refuses other versions by name.
 */
import type { INodeType } from 'n8n-workflow';
import { codeNodeTypes } from './code/index.js';
import { conditionNodeTypes } from './conditions/index.js';
import { editNodeTypes } from './edit/index.js';
import { flowNodeTypes } from './flow/index.js';
import { httpNodeTypes } from './http/index.js';
import { scheduleNodeTypes } from './schedule/index.js';
import { transformNodeTypes } from './transform/index.js';
import { webhookNodeTypes } from './webhook/index.js';

type Family = () => Record<string, INodeType>;

const FAMILIES: Family[] = [
  codeNodeTypes,
  conditionNodeTypes,
  editNodeTypes,
  flowNodeTypes,
  httpNodeTypes,
  scheduleNodeTypes,
  transformNodeTypes,
  webhookNodeTypes,
];

export function coreNodeTypes(): Record<string, INodeType> {
  return Object.assign({}, ...FAMILIES.map((family) => family()));
}
