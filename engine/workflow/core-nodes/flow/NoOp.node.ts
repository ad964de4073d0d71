import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

/** Passes its items on unchanged (n8n's NoOp). */
export class NoOp implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'No Operation',
    name: 'noOp',
    group: ['transform'],
    version: 1,
    description: 'Passes items on unchanged',
    defaults: { name: 'No Operation' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [this.getInputData()];
  }
}
