import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: where `npm start` runs. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A BFF process started by a test: its URL once it listens, what it printed, when it exited. */
export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts a command with exactly this environment (PATH and HOME besides) and waits for the BFF's
 * "listening" line. `onSpawn` hears the child at once, so that a caller can stop it even if that
 * line never comes.
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd = ROOT,
  onSpawn?: (child: ChildProcess) => void,
): Promise<Running> {
  const child = spawn(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TURBO_TELEMETRY_DISABLED: '1',
      TURBO_NO_UPDATE_NOTIFIER: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onSpawn?.(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      reject(new Error(`exited before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}
