// Splits the quick form `--variant thaw='node --flag dist/index.js'` into words the way a POSIX
// shell would for the simple cases people type: spaces separate, quotes group, backslash escapes.
import { BenchConfigError } from '../errors.ts';

/**
 * Splits a command string into words. Supports single quotes, double quotes and backslash
 * escapes; no variable expansion or globbing.
 *
 * @example
 * ```ts
 * splitCommand(`node -e "console.log('hi there')"`); // ['node', '-e', "console.log('hi there')"]
 * ```
 */
export function splitCommand(text: string, path = 'command'): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) {
        current += text[i + 1] as string;
        i += 1;
      } else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[i + 1] as string;
      i += 1;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== undefined)
    throw new BenchConfigError(path, text, `balanced quotes (a ${quote} is not closed)`);
  if (inWord) words.push(current);
  return words;
}

/**
 * Parses a duration: `500ms`, `2s`, `1.5s`, or a plain number of milliseconds.
 *
 * @example
 * ```ts
 * parseDurationMs('2s', '--timeout'); // 2000
 * ```
 */
export function parseDurationMs(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new BenchConfigError(option, text, 'a duration such as 500ms, 2s or 1500');
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  return unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
}
