// `context.log` for faas functions: pino's level methods over thaw's logger, filtered by
// FUNC_LOG_LEVEL as faas-js-runtime does (its default, `warn`, hides info lines).
import { ConfigError, type Logger } from '../../index.ts';
import type { FaasLogger } from './faas-types.ts';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof levels)[number];

/** The level from `FUNC_LOG_LEVEL`, validated; faas-js-runtime's default is `warn`. */
export function faasLogLevel(env: NodeJS.ProcessEnv): Level {
  const raw = env['FUNC_LOG_LEVEL'];
  if (raw === undefined || raw === '') return 'warn';
  if (!(levels as readonly string[]).includes(raw)) {
    throw new ConfigError('FUNC_LOG_LEVEL', raw, levels.join(', '));
  }
  return raw as Level;
}

/** A pino-shaped logger writing through `logger`; an object first argument becomes fields. */
export function faasLogger(logger: Logger, threshold: Level, fields: Record<string, unknown>): FaasLogger {
  const min = levels.indexOf(threshold);
  const emit =
    (level: Exclude<Level, 'silent'>) =>
    (...args: unknown[]): void => {
      if (levels.indexOf(level) < min) return;
      const message = args
        .map((arg) =>
          typeof arg === 'string'
            ? arg
            : process.getBuiltinModule('node:util').inspect(arg, { depth: 4, breakLength: Infinity }),
        )
        .join(' ');
      const extra =
        level === 'trace' || level === 'debug' || level === 'fatal'
          ? { ...fields, faasLevel: level }
          : fields;
      if (level === 'warn') logger.warn(message, extra);
      else if (level === 'error' || level === 'fatal') logger.error(message, extra);
      else logger.info(message, extra);
    };
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    fatal: emit('fatal'),
  };
}
