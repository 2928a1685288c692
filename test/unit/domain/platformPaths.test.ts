import { describe, expect, it } from 'vitest';
import {
  agentCandidates,
  applyTextRule,
  browserOpener,
  dataFolder,
  deviceTextRule,
  electronUserData,
  expandHome,
  folderOpener,
  joinPath,
  legacyDataMoves,
  logFolder,
  portableFileName,
  privateAclArgv,
  sshFolder,
  type PlatformContext,
} from '../../../src-main/shared/domain/platformPaths';

// Windows and macOS rules are verified here only (no such machine runs the suite): each case
// states the folder that OS's own convention documents (Electron's app.getPath, XDG spec,
// Win32-OpenSSH) for the same inputs.
const linux: PlatformContext = { platform: 'linux', env: {}, home: '/home/ana' };
const mac: PlatformContext = { platform: 'darwin', env: {}, home: '/Users/ana' };
const win: PlatformContext = { platform: 'win32', env: { APPDATA: 'C:\\Users\\Ana Lee\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\Ana Lee' }, home: 'C:\\Users\\Ana Lee' };

describe('joinPath', () => {
  it('uses each platform separator and never doubles one', () => {
    expect(joinPath('linux', '/home/ana/', '/.ssh', 'config')).toBe('/home/ana/.ssh/config');
    expect(joinPath('linux', '/', 'etc')).toBe('/etc');
    expect(joinPath('win32', 'C:\\', 'Users', 'x/')).toBe('C:\\Users\\x/');
    expect(joinPath('win32', 'C:\\Users\\', '\\x')).toBe('C:\\Users\\x');
  });
});

describe('data folder', () => {
  it('linux: XDG_DATA_HOME, or ~/.local/share when unset, empty or relative', () => {
    expect(dataFolder(linux)).toBe('/home/ana/.local/share/edgedeck');
    expect(dataFolder({ ...linux, env: { XDG_DATA_HOME: '/data/x' } })).toBe('/data/x/edgedeck');
    expect(dataFolder({ ...linux, env: { XDG_DATA_HOME: '' } })).toBe('/home/ana/.local/share/edgedeck');
    expect(dataFolder({ ...linux, env: { XDG_DATA_HOME: 'rel/dir' } })).toBe('/home/ana/.local/share/edgedeck');
  });
  it('darwin: Application Support, whatever XDG says', () => {
    expect(dataFolder({ ...mac, env: { XDG_DATA_HOME: '/x' } })).toBe('/Users/ana/Library/Application Support/edgedeck');
  });
  it('win32: %APPDATA%, or the roaming AppData under the home folder', () => {
    expect(dataFolder(win)).toBe('C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck');
    expect(dataFolder({ ...win, env: {} })).toBe('C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck');
  });
});

describe('log folder (Electron app.getPath("logs") convention)', () => {
  it('per platform', () => {
    expect(logFolder(linux)).toBe('/home/ana/.config/edgedeck/logs');
    expect(logFolder({ ...linux, env: { XDG_CONFIG_HOME: '/cfg' } })).toBe('/cfg/edgedeck/logs');
    expect(logFolder({ ...linux, env: { XDG_CONFIG_HOME: '' } })).toBe('/home/ana/.config/edgedeck/logs');
    expect(logFolder(mac)).toBe('/Users/ana/Library/Logs/edgedeck');
    expect(logFolder(win)).toBe('C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck\\logs');
  });
});

describe('legacy data moves', () => {
  it('linux: Electron userData (~/.config/edgedeck) into the XDG data folder; the CLI folder is already the target', () => {
    expect(electronUserData(linux)).toBe('/home/ana/.config/edgedeck');
    expect(legacyDataMoves(linux)).toEqual([
      { from: '/home/ana/.config/edgedeck/settings.json', to: '/home/ana/.local/share/edgedeck/settings.json' },
      { from: '/home/ana/.config/edgedeck/data', to: '/home/ana/.local/share/edgedeck' },
    ]);
  });
  it('darwin: userData is the target (settings.json stays), data/ moves up, ~/.local/share/edgedeck moves in', () => {
    expect(legacyDataMoves(mac)).toEqual([
      { from: '/Users/ana/Library/Application Support/edgedeck/data', to: '/Users/ana/Library/Application Support/edgedeck' },
      { from: '/Users/ana/.local/share/edgedeck', to: '/Users/ana/Library/Application Support/edgedeck' },
    ]);
  });
  it('win32: the same with AppData', () => {
    expect(legacyDataMoves(win)).toEqual([
      { from: 'C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck\\data', to: 'C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck' },
      { from: 'C:\\Users\\Ana Lee\\.local\\share\\edgedeck', to: 'C:\\Users\\Ana Lee\\AppData\\Roaming\\edgedeck' },
    ]);
  });
});

describe('ssh folder and typed paths', () => {
  it('known hosts and config come from %USERPROFILE%\\.ssh on Windows, ~/.ssh elsewhere', () => {
    expect(sshFolder(linux)).toBe('/home/ana/.ssh');
    expect(sshFolder(mac)).toBe('/Users/ana/.ssh');
    expect(sshFolder({ ...win, home: 'D:\\elsewhere' })).toBe('C:\\Users\\Ana Lee\\.ssh');
  });
  it('~ expands; spaces and backslashes are kept as written', () => {
    expect(expandHome(linux, '~/.ssh/id ed')).toBe('/home/ana/.ssh/id ed');
    expect(expandHome(linux, '~\\x')).toBe('~\\x');
    expect(expandHome(linux, '/keys/with\\backslash')).toBe('/keys/with\\backslash');
    expect(expandHome(mac, '~')).toBe('/Users/ana');
    expect(expandHome(win, '~\\.ssh\\id_ed25519')).toBe('C:\\Users\\Ana Lee\\.ssh\\id_ed25519');
    expect(expandHome(win, '~/.ssh/id_ed25519')).toBe('C:\\Users\\Ana Lee\\.ssh/id_ed25519');
    expect(expandHome(win, 'C:\\Program Files\\keys\\id rsa')).toBe('C:\\Program Files\\keys\\id rsa');
  });
});

describe('SSH agent candidates', () => {
  it('SSH_AUTH_SOCK wins on every OS', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      expect(agentCandidates({ platform, env: { SSH_AUTH_SOCK: '/tmp/a.sock' } })).toEqual([{ kind: 'socket', path: '/tmp/a.sock', source: 'SSH_AUTH_SOCK' }]);
    }
  });
  it('unset or empty: Windows tries the OpenSSH pipe, then Pageant; macOS asks launchd; Linux has none', () => {
    expect(agentCandidates({ platform: 'win32', env: { SSH_AUTH_SOCK: '' } })).toEqual([
      { kind: 'pipe', path: '\\\\.\\pipe\\openssh-ssh-agent', source: 'Windows OpenSSH agent' },
      { kind: 'pageant', path: 'pageant', source: 'Pageant' },
    ]);
    expect(agentCandidates({ platform: 'darwin', env: {} })).toEqual([{ kind: 'launchd', source: 'launchd (macOS)' }]);
    expect(agentCandidates({ platform: 'linux', env: {} })).toEqual([]);
  });
});

describe('openers', () => {
  const url = 'http://127.0.0.1:5173/?a=1&b=2^3%25|x';
  it('the URL is exactly one argv entry, never handed to cmd', () => {
    const w = browserOpener('win32', url);
    expect(w).toEqual({ command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', url] });
    expect(w.command).not.toMatch(/cmd/i);
    expect(browserOpener('darwin', url)).toEqual({ command: 'open', args: [url] });
    expect(browserOpener('linux', url)).toEqual({ command: 'xdg-open', args: [url] });
  });
  it('spaces and quotes are percent-encoded first', () => {
    expect(browserOpener('win32', 'http://h/a b"c').args[1]).toBe('http://h/a%20b%22c');
    expect(() => browserOpener('linux', 'not a url')).toThrow();
  });
  it('folders', () => {
    expect(folderOpener('win32', 'C:\\a b')).toEqual({ command: 'explorer.exe', args: ['C:\\a b'] });
    expect(folderOpener('darwin', '/x')).toEqual({ command: 'open', args: ['/x'] });
    expect(folderOpener('linux', '/x')).toEqual({ command: 'xdg-open', args: ['/x'] });
  });
});

describe('Windows private ACL', () => {
  it('icacls argv: inheritance removed, full control for the user only; hostile names stay one entry', () => {
    expect(privateAclArgv('C:\\a b\\agent.env', 'Ana Lee')).toEqual({ command: 'icacls', args: ['C:\\a b\\agent.env', '/inheritance:r', '/grant:r', 'Ana Lee:F'] });
    expect(privateAclArgv('x" & del *', 'u', { domain: 'CORP' }).args).toEqual(['x" & del *', '/inheritance:r', '/grant:r', 'CORP\\u:F']);
    expect(privateAclArgv('C:\\data', 'u', { folder: true }).args[3]).toBe('u:(OI)(CI)F');
  });
});

describe('portable file names', () => {
  it('valid on Windows and macOS', () => {
    expect(portableFileName('Shop 12: back/office')).toBe('Shop_12_back_office');
    expect(portableFileName('a<b>c"d|e?f*g\\h')).toBe('a_b_c_d_e_f_g_h');
    expect(portableFileName('CON')).toBe('_CON');
    expect(portableFileName('nul.txt')).toBe('_nul.txt');
    expect(portableFileName('com1')).toBe('_com1');
    expect(portableFileName('console')).toBe('console');
    expect(portableFileName('name.')).toBe('name');
    expect(portableFileName('.hidden')).toBe('hidden');
    expect(portableFileName('Café')).toBe('Cafe');
    expect(portableFileName('...')).toBe('device');
    expect(portableFileName('x'.repeat(200))).toHaveLength(80);
  });
});

describe('device text rules', () => {
  it('install.ps1: CRLF; a BOM only with non-ASCII text', () => {
    expect(deviceTextRule('install.ps1', 'Write-Host hi')).toEqual({ eol: '\r\n', bom: false });
    expect(deviceTextRule('dev/install.ps1', 'Write-Host "Café"')).toEqual({ eol: '\r\n', bom: true });
    expect(applyTextRule('a\nb\r\nc\n', { eol: '\r\n', bom: false })).toBe('a\r\nb\r\nc\r\n');
    expect(applyTextRule('é\n', { eol: '\r\n', bom: true })).toBe('\uFEFFé\r\n');
  });
  it('shell, YAML, env: LF whatever OS exported them', () => {
    for (const n of ['install.sh', 'docker-compose.yml', 'cloud-init.yaml', 'agent.env', 'README.txt']) {
      const rule = deviceTextRule(n, 'é');
      expect(rule).toEqual({ eol: '\n', bom: false });
      expect(applyTextRule('#!/bin/sh\r\necho ok\r\n', rule)).toBe('#!/bin/sh\necho ok\n');
    }
  });
});
