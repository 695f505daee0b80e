import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startProcess, type Running } from './helpers/processes.js';

// The README's shell commands, pasted as a new user would: on the BFF that `npm start` runs (its
// development entry, on the embedded sandbox) and on `npm run sandbox`, with the `export` lines
// they print. Each shown output (`# …` below a command, `…` standing for what is left out) must
// match what the command prints.

interface Command {
  /** The command as the README shows it (continuation lines included). */
  text: string;
  /** The output shown below it, its lines joined; empty when none is shown. */
  shown: string;
}

/** The ```sh blocks of a README section. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, body]) => body ?? '');
}

/** A block's commands with the output each shows; a here-document stays with its command. */
function commandsOf(block: string): Command[] {
  const commands: Command[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const last = commands.at(-1);
      if (last) last.shown += line.replace(/^#\s*/, '');
      continue;
    }
    let text = line;
    while (text.endsWith('\\')) text += `\n${lines[(i += 1)] ?? ''}`;
    const heredoc = /<<'?(\w+)'?$/.exec(text)?.[1];
    if (heredoc)
      while (i + 1 < lines.length && lines[i] !== heredoc) text += `\n${lines[(i += 1)] ?? ''}`;
    commands.push({ text, shown: '' });
  }
  return commands;
}

const MARK = '@@readme-command-done@@';

/** Runs the commands in one bash (so `TOKEN=…` carries over); what each printed. */
function runAll(
  commands: readonly Command[],
  env: Record<string, string>,
): Promise<{ code: number; outputs: string[]; stderr: string }> {
  const script = ['set -eo pipefail', ...commands.map((c) => `${c.text}\necho; echo ${MARK}`)].join(
    '\n',
  );
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          outputs: stdout.split(`${MARK}\n`).slice(0, commands.length),
          stderr,
        });
      },
    );
  });
}

/** Whether the shown output's pieces between `…` are all in what was printed, in order. */
function shownIn(printed: string, shown: string): boolean {
  let from = 0;
  for (const piece of shown.split('…')) {
    const at = printed.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/** The shown output's pieces between `…`, each found in order in what was printed. */
function expectShown(printed: string, shown: string, command: string): void {
  let from = 0;
  for (const piece of shown.split('…')) {
    const at = printed.indexOf(piece, from);
    expect(at, `"${piece}" in the output of ${command}:\n${printed}`).toBeGreaterThanOrEqual(0);
    from = at + piece.length;
  }
}

describe("the README's commands, pasted", () => {
  let readme = '';
  let bff: Running | undefined;
  beforeAll(async () => {
    readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    bff = await startProcess(process.execPath, [join(ROOT, 'dev', 'dist', 'start.js')], {
      PORT: '0',
    });
  }, 30_000);
  afterAll(() => {
    bff?.child.kill('SIGKILL');
  });

  it('"Try it": every command runs and prints what the README shows, on npm start\'s sandbox', async () => {
    if (!bff) throw new Error('no BFF');
    // The banner's line for the signed-in examples.
    const tokenUrl = /^export TOKEN_URL=(\S+)$/m.exec(bff.output())?.[1];
    expect(tokenUrl, bff.output()).toBeTruthy();
    const blocks = shellBlocks(readme, 'Try it');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const commands = blocks.flatMap(commandsOf).map((c) => ({
      ...c,
      // The README's BFF listens on port 3000; this one on a free port.
      text: c.text.replaceAll('http://127.0.0.1:3000', bff?.url ?? ''),
    }));
    expect(commands.filter((c) => c.shown !== '').length).toBeGreaterThanOrEqual(3);
    const { code, outputs, stderr } = await runAll(commands, { TOKEN_URL: tokenUrl ?? '' });
    expect(code, stderr).toBe(0);
    commands.forEach((command, i) => {
      const printed = outputs[i] ?? '';
      // An assignment (TOKEN=$(…)) prints nothing; every other command prints its answer.
      if (!/^[A-Z_]+=/.test(command.text)) expect(printed.trim(), command.text).not.toBe('');
      else expect(printed.trim(), command.text).toBe('');
      expect(printed, command.text).not.toMatch(/"error".*UNAUTHORIZED/);
      if (command.shown !== '') expectShown(printed, command.shown, command.text);
    });
  }, 60_000);

  it('"Migrating the ERP": the start command\'s settings, then the commands shown, on both ERP versions', async () => {
    const [start, ...commands] = shellBlocks(readme, 'Migrating the ERP from SOAP to JSON').flatMap(
      commandsOf,
    );
    // The first block starts the BFF with settings in front of npm start: the same settings here.
    const settings = /^((?:[A-Z0-9_]+=\S+ )+)npm start$/.exec(start?.text ?? '')?.[1];
    expect(settings, start?.text).toBeTruthy();
    const env = Object.fromEntries(
      (settings ?? '')
        .trim()
        .split(' ')
        .map((pair) => pair.split('=') as [string, string]),
    );
    const migrating = await startProcess(
      process.execPath,
      [join(ROOT, 'dev', 'dist', 'start.js')],
      {
        PORT: '0',
        ...env,
      },
    );
    try {
      const pasted = commands.map((c) => ({
        ...c,
        text: c.text.replaceAll('http://127.0.0.1:3000', migrating.url),
      }));
      expect(pasted.length).toBeGreaterThanOrEqual(2);
      // The comparisons are made after the pages have answered: wait until they are counted.
      await expect
        .poll(
          async () => {
            const { code, outputs } = await runAll(pasted, {});
            return (
              code === 0 &&
              pasted.every((c, i) => c.shown === '' || shownIn(outputs[i] ?? '', c.shown))
            );
          },
          { timeout: 20_000 },
        )
        .toBe(true);
    } finally {
      migrating.child.kill('SIGKILL');
    }
  }, 60_000);

  it('"The sandbox": the commands run with the environment npm run sandbox prints', async () => {
    const sandbox = spawn(process.execPath, [join(ROOT, 'sandbox', 'dist', 'cli.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let printed = '';
      await new Promise<void>((resolve, reject) => {
        sandbox.stdout.on('data', (chunk: Buffer) => {
          printed += chunk.toString('utf8');
          if (printed.includes('Fixture SKUs:')) resolve();
        });
        sandbox.once('exit', () => {
          reject(new Error(`npm run sandbox exited:\n${printed}`));
        });
      });
      const env = Object.fromEntries(
        [...printed.matchAll(/^export ([A-Z0-9_]+)=(\S+)$/gm)].map(([, name = '', value = '']) => [
          name,
          value,
        ]),
      );
      const commands = shellBlocks(readme, 'The sandbox').flatMap(commandsOf);
      expect(commands.length).toBeGreaterThanOrEqual(3);
      const { code, outputs, stderr } = await runAll(commands, env);
      expect(code, stderr).toBe(0);
      expect(outputs[0]).toContain('access_token');
      expect(outputs[1]).toContain('"sku":"000123"');
      expect(outputs[2]).toContain('GetProductResponse');
      for (const [i, command] of commands.entries())
        if (command.shown !== '') expectShown(outputs[i] ?? '', command.shown, command.text);
    } finally {
      sandbox.kill('SIGKILL');
    }
  }, 60_000);
});
