/**
 * n8n's "Edit Fields (Set)" node, versions 3 to 3.4: manual mapping (v3.3+'s typed assignments,
 * v3–3.2's `fields.values` list) or JSON output, keeping all, none, some or all-but-some of the
 * input fields. Written from n8n's documented behaviour; differential cases under
 * test/n8n-diff/cases/edit/ hold it equal to n8n 2.8.4.
 */
import type {
  AssignmentCollectionValue,
  FieldType,
  IDataObject,
  IExecuteFunctions,
  INode,
  INodeExecutionData,
  INodeType,
} from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { withConstantParameters } from '../constant-parameters.js';
import { setKey } from '../data-path.js';
import { setDescription } from './set-description.js';
import { composeReturnItem, parseJsonParameter, resolveRawData, validateEntry, type SetOptions } from './set-fields.js';

/** One entry of v3–3.2's `fields.values`: the value sits under `<type>` (`numberValue`, …). */
interface FieldEntry {
  name: string;
  type: string;
  [typedValue: string]: unknown;
}

/** Unevaluated JSON text of the parameters that n8n treats as templates (`{{ }}` inside JSON). */
type RawTemplates = Record<string, string>;

export class Set implements INodeType {
  description = setDescription;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const context = withConstantParameters(this);
    const items = context.getInputData();
    const node = context.getNode();
    const mode = context.getNodeParameter('mode', 0) as 'manual' | 'raw';
    if (mode !== 'manual' && mode !== 'raw')
      throw new NodeOperationError(node, `The mode "${String(mode)}" is not known`);
    const templates = rawTemplates(node, mode);
    const output: INodeExecutionData[] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      const options = itemOptions(context, node, itemIndex);
      output.push(runMode(context, mode, items[itemIndex], itemIndex, options, templates));
    }
    return [output];
  }
}

/**
 * JSON mode's `jsonOutput` and v3–3.2's object fields, as written (without the leading `=`), when
 * they are expressions: n8n resolves each `{{ }}` inside the text, then parses the result.
 */
function rawTemplates(node: INode, mode: 'manual' | 'raw'): RawTemplates {
  const templates: RawTemplates = {};
  if (mode === 'raw') {
    const json = node.parameters.jsonOutput;
    if (typeof json === 'string' && json.startsWith('=')) templates.jsonOutput = json.replace(/^=+/, '');
    return templates;
  }
  for (const entry of fieldEntries(node.parameters.fields)) {
    const value = entry.objectValue;
    if (
      entry.type === 'objectValue' &&
      typeof value === 'string' &&
      value.startsWith('=') &&
      entry.name !== '__proto__'
    )
      templates[entry.name] = value.replace(/^=+/, '');
  }
  return templates;
}

function fieldEntries(fields: unknown): FieldEntry[] {
  const values = (fields as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? (values as FieldEntry[]) : [];
}

/** The item's options; from v3.3 on, `includeOtherFields` off means no input fields at all. */
function itemOptions(context: IExecuteFunctions, node: INode, itemIndex: number): SetOptions {
  const includeOtherFields = context.getNodeParameter('includeOtherFields', itemIndex, false) as boolean;
  const include = context.getNodeParameter('include', itemIndex, 'all') as SetOptions['include'];
  const options = { ...(context.getNodeParameter('options', itemIndex, {}) as IDataObject) } as unknown as SetOptions;
  options.include = node.typeVersion >= 3.3 && !includeOtherFields ? 'none' : include;
  return options;
}

/** One item through the mode; with continue-on-fail a failing item becomes `{ error }`. */
function runMode(
  context: IExecuteFunctions,
  mode: 'manual' | 'raw',
  item: INodeExecutionData,
  itemIndex: number,
  options: SetOptions,
  templates: RawTemplates,
): INodeExecutionData {
  const node = context.getNode();
  try {
    const newFields =
      mode === 'raw'
        ? jsonFields(context, node, itemIndex, templates)
        : manualFields(context, node, itemIndex, options, templates);
    return composeReturnItem(context, itemIndex, item, newFields, options, node.typeVersion);
  } catch (error) {
    const message = (error as Error).message;
    if (context.continueOnFail()) return { json: { error: message }, pairedItem: { item: itemIndex } };
    throw new NodeOperationError(node, error as Error, {
      itemIndex,
      description: (error as { description?: string }).description,
    });
  }
}

function jsonFields(context: IExecuteFunctions, node: INode, itemIndex: number, templates: RawTemplates): IDataObject {
  const json =
    templates.jsonOutput === undefined
      ? context.getNodeParameter('jsonOutput', itemIndex)
      : resolveRawData(context, templates.jsonOutput, itemIndex);
  return parseJsonParameter(json, node, itemIndex);
}

function manualFields(
  context: IExecuteFunctions,
  node: INode,
  itemIndex: number,
  options: SetOptions,
  templates: RawTemplates,
): IDataObject {
  const fields: IDataObject = {};
  const add = ({ name, value }: { name: string; value: unknown }) => setKey(fields, name, value);
  if (node.typeVersion < 3.3) {
    const entries = fieldEntries(context.getNodeParameter('fields', itemIndex, {}));
    for (const entry of entries) {
      let value = entry[entry.type];
      const template = Object.prototype.hasOwnProperty.call(templates, entry.name) ? templates[entry.name] : undefined;
      if (entry.type === 'objectValue' && template !== undefined && value !== undefined && value !== null)
        value = parseJsonParameter(resolveRawData(context, template, itemIndex), node, itemIndex, entry.name);
      const type = String(entry.type).replace('Value', '') as FieldType;
      add(validateEntry(entry.name, type, value, node, itemIndex, options.ignoreConversionErrors));
    }
    return fields;
  }
  const collection = context.getNodeParameter('assignments', itemIndex) as AssignmentCollectionValue | undefined;
  for (const assignment of collection?.assignments ?? []) {
    if (assignment.type === 'binary')
      throw new NodeOperationError(node, `Binary fields are not supported by the engine (field '${assignment.name}')`);
    const type = assignment.type as FieldType;
    add(validateEntry(assignment.name, type, assignment.value, node, itemIndex, options.ignoreConversionErrors));
  }
  return fields;
}
