/**
 * The Schedule Trigger's and the Wait node's parameters under n8n's names and shapes (`rule.interval[]`
 * with `field`, `secondsInterval`, …; `resume`, `amount`, `unit`, `dateTime`), so an exported
 * workflow's JSON reads unchanged. Defaults are n8n's; where a default depends on the version, the
 * node applies it (see Wait.node.ts).
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

const option = (name: string, value: string | number) => ({ name, value });
const shownFor = (...field: string[]) => ({ show: { field } });

const INTERVAL_VALUES: INodeProperties[] = [
  {
    displayName: 'Trigger Interval',
    name: 'field',
    type: 'options',
    default: 'days',
    options: [
      option('Seconds', 'seconds'),
      option('Minutes', 'minutes'),
      option('Hours', 'hours'),
      option('Days', 'days'),
      option('Weeks', 'weeks'),
      option('Months', 'months'),
      option('Custom (Cron)', 'cronExpression'),
    ],
  },
  {
    displayName: 'Seconds Between Triggers',
    name: 'secondsInterval',
    type: 'number',
    default: 30,
    displayOptions: shownFor('seconds'),
  },
  {
    displayName: 'Minutes Between Triggers',
    name: 'minutesInterval',
    type: 'number',
    default: 5,
    displayOptions: shownFor('minutes'),
  },
  {
    displayName: 'Hours Between Triggers',
    name: 'hoursInterval',
    type: 'number',
    default: 1,
    displayOptions: shownFor('hours'),
  },
  {
    displayName: 'Days Between Triggers',
    name: 'daysInterval',
    type: 'number',
    default: 1,
    displayOptions: shownFor('days'),
  },
  {
    displayName: 'Weeks Between Triggers',
    name: 'weeksInterval',
    type: 'number',
    default: 1,
    displayOptions: shownFor('weeks'),
  },
  {
    displayName: 'Months Between Triggers',
    name: 'monthsInterval',
    type: 'number',
    default: 1,
    displayOptions: shownFor('months'),
  },
  {
    displayName: 'Trigger at Day of Month',
    name: 'triggerAtDayOfMonth',
    type: 'number',
    default: 1,
    displayOptions: shownFor('months'),
  },
  {
    displayName: 'Trigger on Weekdays',
    name: 'triggerAtDay',
    type: 'multiOptions',
    default: [0],
    displayOptions: shownFor('weeks'),
    options: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].map((day, i) =>
      option(day, i),
    ),
  },
  {
    displayName: 'Trigger at Hour',
    name: 'triggerAtHour',
    type: 'number',
    default: 0,
    displayOptions: shownFor('days', 'weeks', 'months'),
  },
  {
    displayName: 'Trigger at Minute',
    name: 'triggerAtMinute',
    type: 'number',
    default: 0,
    displayOptions: shownFor('hours', 'days', 'weeks', 'months'),
  },
  {
    displayName: 'Expression',
    name: 'expression',
    type: 'string',
    default: '',
    displayOptions: shownFor('cronExpression'),
  },
];

export const scheduleTriggerDescription: INodeTypeDescription = {
  displayName: 'Schedule Trigger',
  name: 'scheduleTrigger',
  icon: 'fa:clock',
  group: ['trigger', 'schedule'],
  version: [1, 1.1, 1.2, 1.3],
  description: 'Triggers the workflow on a given schedule',
  defaults: { name: 'Schedule Trigger' },
  inputs: [],
  outputs: ['main'],
  properties: [
    {
      displayName: 'Trigger Rules',
      name: 'rule',
      type: 'fixedCollection',
      typeOptions: { multipleValues: true },
      default: { interval: [{ field: 'days' }] },
      options: [{ name: 'interval', displayName: 'Trigger Interval', values: INTERVAL_VALUES }],
    },
  ],
};

const shownForResume = (...resume: string[]) => ({ show: { resume } });

export const waitDescription: INodeTypeDescription = {
  displayName: 'Wait',
  name: 'wait',
  icon: 'fa:pause-circle',
  group: ['organization'],
  version: [1, 1.1],
  description: 'Wait before continue with execution',
  defaults: { name: 'Wait' },
  inputs: ['main'],
  outputs: ['main'],
  properties: [
    {
      displayName: 'Resume',
      name: 'resume',
      type: 'options',
      default: 'timeInterval',
      options: [
        option('After Time Interval', 'timeInterval'),
        option('At Specified Time', 'specificTime'),
        option('On Webhook Call', 'webhook'),
        option('On Form Submitted', 'form'),
      ],
    },
    {
      displayName: 'Date and Time',
      name: 'dateTime',
      type: 'dateTime',
      default: '',
      required: true,
      displayOptions: shownForResume('specificTime'),
    },
    {
      displayName: 'Wait Amount',
      name: 'amount',
      type: 'number',
      typeOptions: { minValue: 0, numberPrecision: 2 },
      default: 1,
      displayOptions: shownForResume('timeInterval'),
    },
    {
      displayName: 'Wait Unit',
      name: 'unit',
      type: 'options',
      default: 'hours',
      options: [
        option('Seconds', 'seconds'),
        option('Minutes', 'minutes'),
        option('Hours', 'hours'),
        option('Days', 'days'),
      ],
      displayOptions: shownForResume('timeInterval'),
    },
  ],
};
