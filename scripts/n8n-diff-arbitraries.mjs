/**
 * fast-check arbitraries for the generated differential cases (scripts/n8n-diff-generate.mjs):
 * items whose fields mix the types n8n's nodes treat differently (numbers and numeric strings,
 * booleans and their spellings, dates, arrays, objects, null, missing), and conditions and
 * assignments over those fields in the shapes n8n's editor saves. Values stay JSON: no NaN, no -0.
 */
import fc from 'fast-check';

const NAMES = ['Ada', 'ada', 'ADA', 'Bob', 'bob ', '', 'Zoë', '42', '3.5', 'a.b', 'true', 'x y z'];
const NUMBERS = [-7, -1, 0, 1, 2, 3, 3.5, 10, 42, 1000];
const DATES = [
  '2024-01-15T10:00:00.000Z',
  '2024-01-15',
  '2023-12-31T23:59:59Z',
  '2024-06-01T00:00:00+02:00',
  'not a date',
];

const nameArb = fc.constantFrom(...NAMES);
const numberArb = fc.constantFrom(...NUMBERS);

/** Per field, mostly its own type, sometimes a lookalike of another or nothing. */
const FIELDS = {
  n: fc.oneof({ weight: 14, arbitrary: numberArb }, fc.constantFrom('3', '10', 'x', null, true)),
  name: fc.oneof({ weight: 14, arbitrary: nameArb }, fc.constantFrom(5, null, false)),
  flag: fc.oneof({ weight: 14, arbitrary: fc.boolean() }, fc.constantFrom('true', 'false', 1, 0, null)),
  when: fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...DATES.slice(0, -1)) },
    fc.constant(DATES.at(-1)),
    fc.constantFrom(1705312800000, null),
  ),
  tags: fc.oneof(
    { weight: 14, arbitrary: fc.array(fc.oneof(nameArb, numberArb), { maxLength: 4 }) },
    fc.constantFrom('a,b', null),
  ),
  obj: fc.oneof(
    { weight: 14, arbitrary: fc.record({ x: numberArb, label: nameArb }, { requiredKeys: [] }) },
    fc.constantFrom(null, 'object'),
  ),
};
export const FIELD_NAMES = Object.keys(FIELDS);

/** One item: any subset of the fields (a missing field is a case of its own). */
const itemArb = fc
  .record(FIELDS, { requiredKeys: [] })
  .map((json) => ({ json: Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined)) }));
export const ITEMS_ARB = fc.array(itemArb, { minLength: 1, maxLength: 5 });
/** Items with every field (Sort stops at a field an item lacks: one case in four keeps that). */
export const FULL_ITEMS_ARB = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(
      fc.record(FIELDS).map((json) => ({ json })),
      { minLength: 1, maxLength: 6 },
    ),
  },
  ITEMS_ARB,
);

const SINGLE = new Set(['exists', 'notExists', 'empty', 'notEmpty', 'true', 'false']);
const EXISTENCE = ['exists', 'notExists', 'empty', 'notEmpty'];

/** n8n's filter operators by type, with the field each mostly looks at and its right values. */
const OPERATORS = {
  string: {
    field: 'name',
    operations: [...EXISTENCE, 'equals', 'notEquals', 'contains', 'notContains', 'startsWith'],
    more: ['notStartsWith', 'endsWith', 'notEndsWith', 'regex', 'notRegex'],
    right: fc.constantFrom('ada', 'Ada', 'b', 'a', '', '42', ' '),
    regex: fc.constantFrom('^a', 'b $', '[0-9]+', '^(ada|bob)$', 'Z'),
  },
  number: {
    field: 'n',
    operations: [...EXISTENCE, 'equals', 'notEquals', 'gt', 'lt', 'gte', 'lte'],
    right: fc.oneof({ weight: 12, arbitrary: numberArb }, fc.constantFrom('3', '')),
  },
  dateTime: {
    field: 'when',
    operations: [...EXISTENCE, 'equals', 'notEquals', 'after', 'before', 'afterOrEquals', 'beforeOrEquals'],
    right: fc.constantFrom('2024-01-15T10:00:00.000Z', '2024-01-01', '2024-06-01T00:00:00+02:00'),
  },
  boolean: {
    field: 'flag',
    operations: [...EXISTENCE, 'true', 'false', 'equals', 'notEquals'],
    right: fc.oneof({ weight: 8, arbitrary: fc.boolean() }, fc.constant('true')),
  },
  array: {
    field: 'tags',
    operations: [...EXISTENCE, 'contains', 'notContains', 'lengthEquals', 'lengthNotEquals'],
    more: ['lengthGt', 'lengthLt', 'lengthGte', 'lengthLte'],
    right: fc.oneof(nameArb, numberArb),
    length: fc.integer({ min: 0, max: 4 }),
  },
  object: { field: 'obj', operations: EXISTENCE, right: fc.constant('') },
};

const typeArb = fc.constantFrom(...Object.keys(OPERATORS));

/** One condition: `{ leftValue, rightValue, operator }` (the generator adds its id). */
export const conditionArb = typeArb.chain((type) => {
  const spec = OPERATORS[type];
  const operation = fc.constantFrom(...spec.operations, ...(spec.more ?? []));
  // Mostly the field of the operator's type; sometimes another, to exercise type validation.
  const field = fc.oneof({ weight: 10, arbitrary: fc.constant(spec.field) }, fc.constantFrom(...FIELD_NAMES));
  return fc.record({ operation, field }).chain(({ operation, field }) => {
    const right = SINGLE.has(operation)
      ? fc.constant('')
      : operation.startsWith('length')
        ? spec.length
        : /regex/i.test(operation)
          ? spec.regex
          : spec.right;
    return right.map((rightValue) => ({
      leftValue: `={{ $json.${field} }}`,
      rightValue,
      operator: SINGLE.has(operation) ? { type, operation, singleValue: true } : { type, operation },
    }));
  });
});

/** Set v3.4's assignment values per type: constants that convert, some that do not, and expressions. */
const ASSIGNMENT_VALUES = {
  string: fc.constantFrom('hello', '', '42', '={{ $json.name }}', '={{ $json.n }}', '={{ $json.obj }}'),
  number: fc.constantFrom(5, 0, -2.5, '7', '={{ $json.n }}', '={{ $json.name }}', 'x'),
  boolean: fc.constantFrom(true, false, 'true', 'false', '={{ $json.flag }}', 'yes', '={{ $json.n }}'),
  array: fc.constantFrom('["a", 1]', '[]', '={{ $json.tags }}', 'not an array', '={{ [1, 2] }}'),
  object: fc.constantFrom('{"k": 1}', '{}', '={{ $json.obj }}', 'nope', '={{ { "a": $json.n } }}'),
};
const assignmentArb = fc
  .record({
    name: fc.constantFrom('out', 'name', 'n', 'deep.path', 'obj.x', 'new field', 'a.b.c'),
    type: fc.constantFrom(...Object.keys(ASSIGNMENT_VALUES)),
  })
  .chain(({ name, type }) => ASSIGNMENT_VALUES[type].map((value) => ({ name, value, type })));

/** An assignment under `obj.` whose value is the item's `obj` itself would make n8n's item circular. */
const selfNesting = (assignments) =>
  assignments.some((a) => a.name.startsWith('obj.') && typeof a.value === 'string' && a.value.includes('$json.obj'));

export const setParametersArb = fc
  .record({
    assignments: fc
      .uniqueArray(assignmentArb, { minLength: 1, maxLength: 3, selector: (a) => a.name })
      .filter((assignments) => !selfNesting(assignments)),
    includeOtherFields: fc.boolean(),
    include: fc.constantFrom('all', 'selected', 'except'),
    fields: fc.constantFrom('name', 'n,flag', 'obj', 'tags, when'),
    dotNotation: fc.boolean(),
    ignoreConversionErrors: fc.boolean(),
  })
  .map(({ assignments, includeOtherFields, include, fields, dotNotation, ignoreConversionErrors }) => ({
    mode: 'manual',
    assignments: { assignments: assignments.map((assignment, index) => ({ id: `a${index + 1}`, ...assignment })) },
    includeOtherFields,
    ...(includeOtherFields ? { include } : {}),
    ...(includeOtherFields && include === 'selected' ? { includeFields: fields } : {}),
    ...(includeOtherFields && include === 'except' ? { excludeFields: fields } : {}),
    options: { dotNotation, ignoreConversionErrors },
  }));

export const sortFieldArb = fc.record({
  fieldName: fc.constantFrom('n', 'name', 'when', 'flag', 'obj.x', 'tags'),
  order: fc.constantFrom('ascending', 'descending'),
});
