// The Markdown report: the same tables and verdicts as the terminal, for READMEs and PRs.
import { type BenchResult } from '../bench.ts';
import { redactText } from '../redact.ts';
import { describeSetup } from './table.ts';
import { type Section, failureLines, sections, verdictLines } from './rows.ts';

function readyProbeText(v: BenchResult['variants'][number]): string {
  const c = v.container;
  if (c === undefined) return v.ready === 'tcp' ? 'tcp' : `http ${v.ready.http}`;
  const probe = 'tcpSocket' in c.probe ? 'tcp' : `http ${c.probe.httpGet.path}`;
  const cpu = c.cpus === undefined ? 'no CPU limit' : `${c.cpus} CPU`;
  const memory =
    c.memoryBytes === undefined ? 'no memory limit' : `${(c.memoryBytes / 2 ** 20).toFixed(0)}Mi`;
  return `knative ${probe}; ${cpu}, ${memory}; containerConcurrency ${c.containerConcurrency}${c.readOnly ? '; read-only root' : ''}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function renderMarkdownSection(section: Section): string {
  const align = section.headers.map((_, c) => (section.numeric.includes(c) ? '---:' : '---'));
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `### ${section.title}`,
    '',
    row(section.headers),
    `|${align.join('|')}|`,
    ...section.rows.map(row),
  ].join('\n');
}

/**
 * The summary as a Markdown document.
 *
 * @example
 * ```ts
 * writeFileSync('results.md', renderMarkdown(result));
 * ```
 */
export function renderMarkdown(result: BenchResult, title = 'Cold-start benchmark'): string {
  const parts = [`## ${title}`, describeSetup(result)];
  const verdicts = verdictLines(result);
  if (verdicts.length > 0)
    parts.push(
      [
        '**Verdicts** (ratio of medians vs the baseline, bootstrap 95% CI):',
        '',
        ...verdicts.map((v) => `- ${v}`),
      ].join('\n'),
    );
  parts.push(...sections(result).map(renderMarkdownSection));
  const failures = failureLines(result);
  if (failures.length > 0) {
    parts.push('### Failed runs');
    for (const f of failures) {
      parts.push(`- ${f.headline}`);
      if (f.stderrTail.trim() !== '')
        parts.push(['```text', ...f.stderrTail.trimEnd().split('\n').slice(-10), '```'].join('\n'));
    }
  }
  parts.push(
    [
      '### Variants',
      '',
      '| variant | command | ready probe |',
      '|---|---|---|',
      ...result.variants.map(
        (v) =>
          `| ${escapeCell(v.name)} | \`${escapeCell(redactText(v.command.join(' ')))}\` | ${readyProbeText(v)} |`,
      ),
    ].join('\n'),
  );
  return `${parts.join('\n\n')}\n`;
}
