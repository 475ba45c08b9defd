// The command-line tools the image tests drive, and a clear failure when one is missing.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const aptPackages: Readonly<Record<string, string>> = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  umoci: 'umoci',
  htpasswd: 'apache2-utils',
  openssl: 'openssl',
  unshare: 'util-linux',
};

/** Throws, naming the apt-get command to run, when any of `tools` is not on PATH. */
export function requireTools(tools: readonly string[]): void {
  const missing = tools.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => aptPackages[tool] ?? tool))].join(' ');
  throw new Error(
    `The image tests need ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install with: apt-get install -y ${packages}`,
  );
}

const execFileAsync = promisify(execFile);

/** Runs a tool and resolves with its stdout; rejects with its stderr in the message. */
export async function run(
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, [...args], {
      maxBuffer: 64 * 1024 * 1024,
      ...(env === undefined ? {} : { env }),
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: error });
  }
}
