import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/shared/contract/errors';
import {
  expandTemplate,
  formatTarget,
  hostOf,
  knownHostsName,
  parseTarget,
  parseTargetCsv,
  parseTargetLines,
  parseTargetsText,
  readTarget,
  targetSlug,
  unknownTemplateVariable,
} from '../../../src-main/shared/domain/sshTarget';

describe('one target', () => {
  it('reads user@host[:port], IPv6 in brackets, bare IPv6 without a port, and a bare host', () => {
    expect(readTarget('ubuntu@10.0.0.5:2222')).toEqual({ user: 'ubuntu', host: '10.0.0.5', port: 2222, raw: 'ubuntu@10.0.0.5:2222' });
    expect(readTarget('pi@[fe80::1]:22')).toMatchObject({ user: 'pi', host: 'fe80::1', port: 22 });
    expect(readTarget('[fe80::1%eth0]')).toMatchObject({ host: 'fe80::1%eth0' });
    expect(readTarget('a@::1')).toMatchObject({ host: '::1' });
    expect(readTarget('  web01 ')).toEqual({ host: 'web01', raw: 'web01' });
  });

  it('says what is wrong, and never lets option-like or shell text through', () => {
    expect(readTarget('a@host:99999')).toEqual({ error: '"99999" is not a port (1-65535).' });
    expect(readTarget('-oProxyCommand=x')).toMatchObject({ error: expect.stringContaining('cannot start with "-"') });
    for (const bad of ['', 'a b', 'u@[::1', 'u@h;rm', 'u@', 'u@[::1]x', 'x'.repeat(301), 'b@d$(id)@h', 'u@h:0']) expect(readTarget(bad)).toHaveProperty('error');
  });

  it('parseTarget throws invalid_input naming the field and the text', () => {
    const e = (() => {
      try {
        parseTarget('u@h:0', '--jump');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'invalid_input', field: '--jump', message: '"u@h:0": "0" is not a port (1-65535).' });
  });

  it('formats, names known_hosts entries and transcript files', () => {
    expect(formatTarget({ user: 'u', host: '::1', port: 2222 })).toBe('u@[::1]:2222');
    expect(formatTarget({ host: 'h', port: 22 })).toBe('h');
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('::1', 2222)).toBe('[::1]:2222');
    expect(targetSlug('u@[::1]:2222')).toBe('u@_1_2222');
    expect(hostOf('u@[::1]:2')).toBe('::1');
    expect(hostOf('not a target')).toBe('not a target');
  });

  it('expands {host} {port} {user} {target} and finds unknown variables', () => {
    expect(expandTemplate('{host}-{port}-{user}', 'ops@10.0.0.1')).toBe('10.0.0.1-22-ops');
    expect(expandTemplate('{target}', 'ops@h:2222')).toBe('ops@h:2222');
    expect(unknownTemplateVariable('{host}-{hostname}')).toBe('{hostname}');
    expect(unknownTemplateVariable('{host}-{port}')).toBeUndefined();
  });
});

describe('target lists', () => {
  it('lines: comments and blank lines skipped, bad and repeated lines reported with their numbers', () => {
    const list = parseTargetLines('a@h1\n\n# comment\nb@h2 extra\na@h1\nc@h3:0\nd@h4 # trailing comment\nz@h9', ['z@h9']);
    expect(list.targets).toEqual(['a@h1', 'd@h4']);
    expect(list.bad.map((b) => [b.line, b.reason])).toEqual([
      [4, 'A target has no spaces; write one user@host[:port] per line.'],
      [5, 'Already in the list.'],
      [6, '"0" is not a port (1-65535).'],
      [8, 'Already in the list.'],
    ]);
  });

  it('CSV: the target column, quoted cells with commas and newlines, empty cells reported on their line', () => {
    const r = parseTargetCsv('\uFEFFname,Target,notes\r\nweb,"ubuntu@web:2222","x, y"\r\ndb,,\r\n"multi\nline",a@h2,\r\nbad,"no good",\r\n');
    expect(r.targets).toEqual(['ubuntu@web:2222', 'a@h2']);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'The target cell is empty.'],
      [6, 'A target has no spaces; write one user@host[:port] per line.'],
    ]);
  });

  it('CSV: semicolons when the header has no comma; a header without a target column is refused', () => {
    expect(parseTargetCsv('target;note\nu@h;"a;b"\n').targets).toEqual(['u@h']);
    expect(parseTargetCsv('host,user\na,b').error).toMatch(/no "target" column \(found: host, user\)/);
    expect(parseTargetCsv('\n\n').error).toMatch(/empty/);
  });

  it('CSV: an unclosed quote is a bad line naming the fix; the rows before it still count', () => {
    const r = parseTargetCsv('target,notes\nops@a,"fine"\nops@b,"forgot\nops@c,x\n');
    expect(r.targets).toEqual(['ops@a']);
    expect(r.bad).toEqual([{ line: 3, text: 'ops@b,"forgot', reason: 'This line opens a double quote that is never closed; close it (a quote inside a quoted value is written "").' }]);
    expect(parseTargetCsv('"target,notes\nops@a,x\n').error).toBe('Line 1 opens a double quote that is never closed; close it (a quote inside a quoted value is written "").');
  });

  it('CSV: text after a closing quote is a bad line, not a shifted cell', () => {
    const r = parseTargetCsv('name,target\n"web"x,ops@web\ndb,ops@db\n');
    expect(r.targets).toEqual(['ops@db']);
    expect(r.bad).toEqual([{ line: 2, text: '"web"x,ops@web', reason: expect.stringMatching(/^This line has text right after the closing double quote of a value; quote the whole value/) }]);
  });

  it('a file of unknown kind: CSV when the first real line has a separator, else lines', () => {
    expect(parseTargetsText('# fleet\nops@10.0.0.1\n\n  ops@10.0.0.2:2222   # rack 2\nroot@[::1]:22\n').targets).toEqual(['ops@10.0.0.1', 'ops@10.0.0.2:2222', 'root@[::1]:22']);
    expect(parseTargetsText('# exported\nname,target\nweb,ops@web1\n').targets).toEqual(['ops@web1']);
  });
});
