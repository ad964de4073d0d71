/**
 * What If, Filter and Switch share: the `filter` parameter that holds their conditions (n8n's
 * condition model, edited by n8n's condition builder), the type-validation switch, and the one
 * call that decides an item's conditions. The decision itself is n8n-workflow's `executeFilter`,
 * reached through the host's `getNodeParameter(…, { extractValue: true })` as in n8n.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * The version from which the type-validation switch is a top-level parameter
 * (`looseTypeValidation`, "Convert types where required") rather than an entry of `options`.
 */
export type TopLevelLooseFrom = 2.1 | 3.1;

/**
 * The `conditions` parameter: n8n's filter type, its options taken from the node's own switches.
 * The editor stores the filter's version with the value: 1, then 2 and 3 from the node versions given.
 */
export function conditionsProperty(
  topLevelLooseFrom: TopLevelLooseFrom,
  filterVersionsFrom: [number, number],
): INodeProperties {
  return {
    displayName: 'Conditions',
    name: 'conditions',
    placeholder: 'Add Condition',
    type: 'filter',
    default: {},
    typeOptions: {
      filter: {
        caseSensitive: '={{!$parameter.options.ignoreCase}}',
        typeValidation: typeValidationExpression(topLevelLooseFrom),
        version: `={{ $nodeVersion >= ${filterVersionsFrom[1]} ? 3 : $nodeVersion >= ${filterVersionsFrom[0]} ? 2 : 1 }}`,
      },
    },
  };
}

/** The filter's `typeValidation` as the editor derives it from the node's switch. */
export function typeValidationExpression(topLevelLooseFrom: TopLevelLooseFrom): string {
  return `={{ ($nodeVersion < ${topLevelLooseFrom} ? $parameter.options.looseTypeValidation : $parameter.looseTypeValidation) ? "loose" : "strict" }}`;
}

/** The top-level switch, from the version where it left `options`. */
export function looseTypeValidationProperty(topLevelLooseFrom: TopLevelLooseFrom): INodeProperties {
  return {
    displayName: 'Convert types where required',
    description: "Whether to cast an expression's value to the type the comparison needs",
    name: 'looseTypeValidation',
    type: 'boolean',
    default: false,
    displayOptions: { show: { '@version': [{ _cnd: { gte: topLevelLooseFrom } }] } },
  };
}

/** The `options` entries every condition node has. */
export function conditionOptions(topLevelLooseFrom: TopLevelLooseFrom): INodeProperties[] {
  return [
    {
      displayName: 'Ignore Case',
      description: 'Whether to ignore letter case when evaluating conditions',
      name: 'ignoreCase',
      type: 'boolean',
      default: true,
    },
    {
      displayName: 'Convert types where required',
      description: "Whether to cast an expression's value to the type the comparison needs",
      name: 'looseTypeValidation',
      type: 'boolean',
      default: true,
      displayOptions: { show: { '@version': [{ _cnd: { lt: topLevelLooseFrom } }] } },
    },
  ];
}

/** Said when a strict comparison fails and the error has no advice of its own. */
const LOOSEN_ADVICE =
  "Try changing the type of comparison. Alternatively you can enable 'Convert types where required'.";

/**
 * Whether the item passes the conditions at `name` (a filter parameter). A type error carries the
 * item index and, under strict validation, the advice to loosen it, as n8n reports it.
 */
export function itemPasses(
  context: IExecuteFunctions,
  name: string,
  itemIndex: number,
  topLevelLooseFrom: TopLevelLooseFrom,
): boolean {
  try {
    return context.getNodeParameter(name, itemIndex, false, { extractValue: true }) as boolean;
  } catch (error) {
    const target = error as { description?: string; context?: Record<string, unknown> };
    if (target === null || typeof target !== 'object') throw error;
    if (!target.description && !isLoose(context, itemIndex, topLevelLooseFrom)) target.description = LOOSEN_ADVICE;
    target.context = { ...target.context, itemIndex };
    throw error;
  }
}

/** The node's type-validation switch for the item (`options.looseTypeValidation` before the move). */
function isLoose(context: IExecuteFunctions, itemIndex: number, topLevelLooseFrom: TopLevelLooseFrom): boolean {
  if (context.getNode().typeVersion < topLevelLooseFrom) {
    const options = context.getNodeParameter('options', itemIndex, {}) as { looseTypeValidation?: boolean };
    return options.looseTypeValidation === true;
  }
  return context.getNodeParameter('looseTypeValidation', itemIndex, false) === true;
}
