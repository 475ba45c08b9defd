import { SlimConfigError } from '../errors.ts';

// Knative's PingSource parses schedules with robfig/cron's standard parser: five fields or a
// descriptor. The ranges and names below are that parser's.
const fields: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const descriptors = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const goDuration = /^(\d+(\.\d+)?(h|m|s|ms))+$/;

/**
 * Why a cron schedule is not one Knative's PingSource accepts, or null when it is.
 *
 * @example
 * ```ts
 * cronProblem('*\/5 * * * *'); // null
 * cronProblem('every 5 minutes'); // 'it has 3 fields; a schedule has 5 …'
 * ```
 */
export function cronProblem(schedule: string): string | null {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    if (descriptors.includes(text)) return null;
    const every = /^@every\s+(\S+)$/.exec(text);
    if (every !== null && goDuration.test(every[1] ?? '')) return null;
    return `unknown descriptor; use one of ${descriptors.join(', ')} or "@every 5m"`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return `it has ${parts.length} fields; a schedule has 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, part] of parts.entries()) {
    const field = fields[i] as (typeof fields)[number];
    for (const item of part.split(',')) {
      const [range = '', step, extra] = item.split('/');
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step)))
        return `the ${field.name} field "${part}" has a bad step`;
      if (range === '*' || range === '?') continue;
      const bounds = range.split('-');
      if (bounds.length > 2) return `the ${field.name} field "${part}" is not a value, range or list`;
      for (const bound of bounds) {
        const named = field.names?.indexOf(bound.toUpperCase()) ?? -1;
        const value = named >= 0 ? named + field.min : /^\d+$/.test(bound) ? Number(bound) : Number.NaN;
        if (!(value >= field.min && value <= field.max)) {
          return `the ${field.name} field "${part}" is outside ${field.min}–${field.max}`;
        }
      }
    }
  }
  return null;
}

/** Refuses a schedule that is not cron, naming the option. */
export function checkCron(option: string, schedule: unknown): void {
  const problem = typeof schedule === 'string' ? cronProblem(schedule) : 'it is not a string';
  if (problem !== null) {
    throw new SlimConfigError(option, schedule, `a cron schedule such as "*/5 * * * *" (${problem})`);
  }
}
