// `thaw slim …` and `thaw image …` from this package's source, the way the `thaw` command
// (@thaw/cli) dispatches them: the first word picks the command, the rest are its arguments.
import { runImageCommand, runSlimCommand } from '../../src/cli/index.ts';

const [command, ...args] = process.argv.slice(2);
if (command === 'slim') process.exitCode = await runSlimCommand(args);
else if (command === 'image') process.exitCode = await runImageCommand(args);
else {
  process.stderr.write(
    `thaw-cli.ts: the first argument must be slim or image; received ${String(command)}.\n`,
  );
  process.exitCode = 2;
}
