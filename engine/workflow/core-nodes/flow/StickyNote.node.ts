import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

/**
 * n8n's Sticky Note: a note on the canvas. It validates (so exports that carry notes load), takes
 * no connections (validate refuses one) and never runs: it has no `execute`.
 */
export class StickyNote implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Sticky Note',
    name: 'stickyNote',
    group: ['input'],
    version: 1,
    description: 'A note on the canvas; it never runs',
    defaults: { name: 'Sticky Note' },
    inputs: [],
    outputs: [],
    properties: [
      { displayName: 'Content', name: 'content', type: 'string', default: '' },
      { displayName: 'Height', name: 'height', type: 'number', default: 160 },
      { displayName: 'Width', name: 'width', type: 'number', default: 240 },
      { displayName: 'Color', name: 'color', type: 'number', default: 1 },
    ],
  };
}
