import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { compileRules } from '../../rules/index.js';

/**
 * Routes each item to output 0 (true) or 1 (false) by a condition evaluated against the item's
 * JSON: JSON-logic, or the seed shorthand `{"score":{"lt":3}}`, or Mongo-style operators.
 */
export class If implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'If',
    name: 'if',
    group: ['transform'],
    version: 1,
    description: 'Routes items by a JSON-logic condition',
    defaults: { name: 'If' },
    inputs: ['main'],
    outputs: ['main', 'main'],
    outputNames: ['true', 'false'],
    properties: [
      {
        displayName: 'Condition',
        name: 'condition',
        type: 'json',
        default: '',
        required: true,
        description: 'JSON-logic, e.g. {"<":[{"var":"score"},3]}, or shorthand {"score":{"lt":3}}',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const raw = this.getNodeParameter('condition', 0);
    // Compiled once per run, not per item; a comparison with a missing field is false.
    const rules = compileRules({ conditions: typeof raw === 'string' ? JSON.parse(raw) : raw });
    const passed: INodeExecutionData[] = [];
    const failed: INodeExecutionData[] = [];
    this.getInputData().forEach((item, itemIndex) => {
      const target = rules.matches({ id: '', type: '', timestamp: '', data: item.json }) ? passed : failed;
      target.push({ json: item.json, pairedItem: { item: itemIndex } });
    });
    return [passed, failed];
  }
}
