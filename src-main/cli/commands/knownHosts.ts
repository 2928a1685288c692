import { join } from 'node:path';
import { currentPlatform } from '../../services/platform/dataFolder';
import { AppKnownHosts, HostKeyDatabase } from '../../services/ssh/knownHosts';
import { createFileStore } from '../../services/stores/fileStore';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { sshFolder } from '../../shared/domain/platformPaths';
import { readKnownHost } from '../../shared/domain/sshTarget';
import type { KnownHostView } from '../../shared/schemas/knownHosts';
import { defineCommand } from '../defineCommand';
import { defaultDataDir } from '../paths';

const USAGE = `edgedeck known-hosts list [--json] [--data DIR] [--known-hosts FILE]...
       edgedeck known-hosts forget HOST[:PORT] [--data DIR]

  list     every SSH host key on record: Edgedeck's own (remembered when you accepted a key) and
           the lines of ~/.ssh/known_hosts (or each --known-hosts FILE), with host, port, key type,
           SHA256 fingerprint and when it was added (Edgedeck's own only)
  forget   drops a host's keys from Edgedeck's own known hosts (HOST, HOST:PORT or [HOST]:PORT;
           port 22 when not given), after a legitimate key change. Lines of OpenSSH files are not
           edited: the command that removes them (ssh-keygen -R) is printed instead.`;

function row(e: KnownHostView): string[] {
  const where = e.source === 'app' ? 'edgedeck' : `${e.file}:${e.line}`;
  return [e.marker ? `@${e.marker} ${e.name}` : e.name, e.keyType, e.fingerprint, e.addedAt ?? '-', where];
}

/** Columns padded to their widest cell (the last one left as is). */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export const knownHostsCommand = defineCommand({
  name: 'known-hosts',
  usage: USAGE,
  positionals: true,
  options: {
    json: { type: 'boolean' },
    data: { type: 'string' },
    'known-hosts': { type: 'string', multiple: true },
  },
  async run({ values, positionals, io, json, note }) {
    const [sub, ...rest] = positionals;
    const files = values['known-hosts']?.length ? values['known-hosts'] : [join(sshFolder(currentPlatform()), 'known_hosts')];
    const db = () => new HostKeyDatabase({ app: new AppKnownHosts(createFileStore(values.data ?? defaultDataDir())), files });
    if (sub === 'list') {
      if (rest.length) throw invalidInput('known-hosts', `"list" takes no argument (got "${rest[0]}"). Usage: ${USAGE.split('\n')[0]}`);
      const entries = db().list();
      if (values.json) json({ entries, files });
      else if (entries.length === 0) io.stdout(`No SSH host keys on record (Edgedeck's own, nor in ${files.join(', ')}).\n`);
      else io.stdout(table([['HOST', 'TYPE', 'FINGERPRINT', 'ADDED', 'SOURCE'], ...entries.map(row)]));
      return 0;
    }
    if (sub === 'forget') {
      if (values.json) throw invalidInput('--json', 'goes with "known-hosts list".');
      if (rest.length !== 1) throw invalidInput('host', `give exactly one HOST[:PORT]. Usage: edgedeck known-hosts forget HOST[:PORT]`);
      const h = readKnownHost(rest[0]!);
      if ('error' in h) throw invalidInput('host', h.error);
      const r = db().forget(h.name);
      io.stdout(r.removed ? `Forgot ${r.removed} host key${r.removed === 1 ? '' : 's'} of ${r.name} in Edgedeck's known hosts; the next connection asks about its key again.\n` : `Edgedeck's known hosts had no key of ${r.name}.\n`);
      for (const f of r.inFiles) note(`${r.name} is also in ${f.file} (line ${f.line}), which Edgedeck does not edit; remove it with: ${f.command}`);
      return 0;
    }
    throw new AppError('invalid_input', `${sub === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(sub)}`}: use "list" or "forget". Usage: ${USAGE.split('\n').slice(0, 2).join(' | ')}`);
  },
});
