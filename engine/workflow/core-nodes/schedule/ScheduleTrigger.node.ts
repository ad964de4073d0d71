/**
 * n8n's Schedule Trigger (v1 to 1.3): `rule.interval[]` of seconds, minutes, hours, days, weeks,
 * months or a custom cron expression, fired in the workflow's time zone. The engine's scheduler
 * (workflow/schedules.ts) asks this node for its cron rules and the item each tick emits; the node
 * checks its rules when the workflow loads, so a rule n8n would refuse is refused by name (n8n itself
 * checks them from v1.3 on, when the workflow activates; earlier versions' bad rules are refused too).
 */
import type { INodeExecutionData, INodeType } from 'n8n-workflow';
import { nodeLabel, type CheckedNodeType } from '../../node-checks.js';
import type { ScheduledNodeType, ScheduleRule } from '../../schedules.js';
import { isTimezone, requestedTimezone } from '../../timezone.js';
import type { WorkflowDefinition, WorkflowNodeDefinition } from '../../types.js';
import { scheduleTriggerDescription } from './description.js';
import { scheduledItem } from './schedule-item.js';
import {
  createRecurrenceGate,
  cronExpressionOf,
  intervalProblem,
  intervalsOf,
  SCHEDULE_FIELDS,
  triggerAtProblem,
} from './schedule-rules.js';

const isExpression = (value: unknown): boolean => typeof value === 'string' && value.startsWith('=');

export class ScheduleTrigger implements INodeType, ScheduledNodeType, CheckedNodeType {
  description = scheduleTriggerDescription;

  scheduleRules(node: WorkflowNodeDefinition, context: { seed: string; timezone: string }): ScheduleRule[] {
    return intervalsOf(node.parameters).map((interval) => ({
      cron: cronExpressionOf(interval, context.seed),
      fires: createRecurrenceGate(interval, context.timezone),
    }));
  }

  scheduledItems(at: Date, timezone: string): INodeExecutionData[] {
    return [{ json: scheduledItem(at, timezone) }];
  }

  checkNode(node: WorkflowNodeDefinition, workflow: WorkflowDefinition): string[] {
    const label = nodeLabel(node);
    const problems: string[] = [];
    const zone = requestedTimezone(workflow);
    if (zone !== null && !isTimezone(zone))
      problems.push(`${label}: the workflow's settings.timezone '${String(zone)}' is not a known time zone`);
    const rule = node.parameters.rule as { interval?: unknown } | undefined;
    if (rule !== undefined && !Array.isArray(rule?.interval))
      return [...problems, `${label}: rule.interval must be a list of trigger intervals`];
    intervalsOf(node.parameters).forEach((interval, index) => {
      const where = `${label}, rule.interval[${index}]`;
      if (Object.values(interval).some(isExpression))
        problems.push(`${where}: expressions in schedule rules are not supported; write the values`);
      else if (!SCHEDULE_FIELDS.includes(interval.field))
        problems.push(`${where}: unknown field '${String(interval.field)}' (one of ${SCHEDULE_FIELDS.join(', ')})`);
      else {
        const problem = intervalProblem(interval) ?? triggerAtProblem(interval);
        if (problem) problems.push(`${where}: Invalid interval: ${problem}`);
      }
    });
    return problems;
  }
}
