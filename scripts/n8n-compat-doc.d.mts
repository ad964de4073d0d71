/** Types of `scripts/n8n-compat-doc.mjs`, for the comparison test that renders the page. */
export declare const COMPAT_DOC: string;
export interface CaseResult {
  id: string;
  name: string;
  nodes: Array<{ type: string; version: number }>;
  status: 'equal' | 'different' | 'unsupported' | 'unrecorded';
  detail?: string;
}
export declare function renderCompatDoc(input: {
  implemented: Array<{ type: string; versions: number[] }>;
  results: CaseResult[];
}): string;
