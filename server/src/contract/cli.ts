import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { appRouter } from '../router.js';
import { bumpFor, compareContracts, nextVersion, type ContractChange } from './compare.js';
import { contractOf, type ContractSnapshot, type JsonSchema } from './snapshot.js';

/**
 * `npm run contract` (write) and `npm run contract:check` (check): the router's contract as one
 * JSON Schema per procedure input and output in a folder (client/contract), and the changes
 * since that snapshot with the release the client needs. Check exits 1 on a breaking change.
 */
const [command, folder] = process.argv.slice(2);
if ((command !== 'write' && command !== 'check') || !folder) {
  console.error('usage: cli.js write|check <folder>');
  process.exit(2);
}
const dir = resolve(folder);
const current = contractOf(appRouter);

const fileOf = (procedure: string, side: 'input' | 'output'): string =>
  join(dir, `${procedure}.${side}.json`);

async function readSnapshot(): Promise<ContractSnapshot> {
  const snapshot: ContractSnapshot = {};
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const match = /^(.+)\.(input|output)\.json$/.exec(name);
    if (!match?.[1] || !match[2]) continue;
    const schema = JSON.parse(await readFile(join(dir, name), 'utf8')) as JsonSchema;
    const entry = (snapshot[match[1]] ??= { input: {}, output: {} });
    entry[match[2] as 'input' | 'output'] = schema;
  }
  return snapshot;
}

const line = (change: ContractChange): string =>
  `  ${change.kind === 'breaking' ? 'BREAKING' : change.kind === 'addition' ? 'added   ' : 'changed '} ${change.procedure}${change.side === 'procedure' ? '' : ` ${change.side}`}: ${change.what}`;

if (command === 'write') {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [procedure, { input, output }] of Object.entries(current)) {
    await writeFile(fileOf(procedure, 'input'), `${JSON.stringify(input, null, 2)}\n`);
    await writeFile(fileOf(procedure, 'output'), `${JSON.stringify(output, null, 2)}\n`);
  }
  console.log(`contract: ${String(Object.keys(current).length)} procedures written to ${folder}`);
} else {
  const snapshot = await readSnapshot();
  if (Object.keys(snapshot).length === 0) {
    console.error(`contract: no snapshot in ${folder}: run npm run contract first`);
    process.exit(1);
  }
  const changes = compareContracts(snapshot, current);
  const breaking = changes.filter((c) => c.kind === 'breaking');
  if (changes.length === 0) {
    console.log(
      `contract: the router matches ${folder} (${String(Object.keys(current).length)} procedures)`,
    );
    process.exit(0);
  }
  const manifest = JSON.parse(
    await readFile(join(dirname(dir), 'package.json'), 'utf8').catch(() => '{}'),
  ) as { version?: string };
  const version = manifest.version ?? '0.0.0';
  const bump = bumpFor(changes);
  console.log(`contract: ${String(changes.length)} change(s) since ${folder}:`);
  for (const change of changes) console.log(line(change));
  console.log(
    `The client needs a ${bump} release: ${version} → ${nextVersion(version, bump)}` +
      (breaking.length > 0
        ? ` (${String(breaking.length)} breaking: frontends built against the snapshot would break).`
        : '. Run npm run contract to record the new snapshot.'),
  );
  process.exit(breaking.length > 0 ? 1 : 0);
}
