// Benchmarks often run functions with credentials in their environment or command line, and a
// failing function may print its connection string. Results files and reports get committed
// and pasted into pull requests, so secrets are masked before anything is kept or printed.
// The URL and key=value rules are the runtime's; bench owns this copy on purpose, so that it
// installs without @thaw/runtime.

const secretKeyPattern = /(password|passwd|pwd|token|secret|api[_-]?key|credential|private[_-]?key)/i;

/**
 * Masks passwords in URLs (`postgres://user:secret@host`) and `key=value` secrets
 * (`password=…`, `token=…`) in free text.
 *
 * @example
 * ```ts
 * redactText('connect postgres://app:hunter2@db/app failed'); // 'connect postgres://app:***@db/app failed'
 * ```
 */
export function redactText(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/\s]*@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd|token|secret|api[_-]?key)=([^&\s;]+)/gi, '$1=***');
}

/**
 * Masks environment values whose name says they are secret, and secrets inside the others.
 *
 * @example
 * ```ts
 * redactEnv({ API_TOKEN: 'abc', TARGET: 'World' }); // { API_TOKEN: '***', TARGET: 'World' }
 * ```
 */
export function redactEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, secretKeyPattern.test(key) ? '***' : redactText(value)]),
  );
}
