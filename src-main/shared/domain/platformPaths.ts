/**
 * Where Edgedeck keeps its files on each OS, and the other per-OS rules of the file system and the
 * desktop. Pure: the platform, environment and home folder come in as parameters, so every rule is
 * unit-tested for win32, darwin and linux on any machine (test/unit/domain/platformPaths.test.ts).
 */

/** What the rules need to know about the machine (process.platform, process.env, os.homedir()). */
export interface PlatformContext {
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

/** The folder name under each OS's data and log folders (Electron's default: package.json `name`). */
export const APP_FOLDER = 'edgedeck';

function isWindows(platform: string): boolean {
  return platform === 'win32';
}

/** Joins path parts with the platform's separator (no node:path in the pure core). */
export function joinPath(platform: string, ...parts: string[]): string {
  const win = isWindows(platform);
  const trailing = win ? /[\\/]+$/ : /\/+$/;
  const leading = win ? /^[\\/]+/ : /^\/+/;
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    out = out ? out.replace(trailing, '') + (win ? '\\' : '/') + part.replace(leading, '') : part;
  }
  return out;
}

function isAbsolute(platform: string, p: string): boolean {
  return isWindows(platform) ? /^([A-Za-z]:[\\/]|\\\\)/.test(p) : p.startsWith('/');
}

/**
 * An environment variable as the XDG base directory spec reads it: unset, empty and relative
 * values all count as unset ("If $XDG_DATA_HOME is either not set or empty, a default ... should
 * be used"; relative paths are invalid and should be ignored).
 */
export function envFolder(ctx: PlatformContext, name: string): string | undefined {
  const v = ctx.env[name];
  return v && isAbsolute(ctx.platform, v) ? v : undefined;
}

/** %APPDATA% (roaming), as Electron's appData on Windows; the default when it is unset. */
function windowsAppData(ctx: PlatformContext): string {
  return envFolder(ctx, 'APPDATA') ?? joinPath('win32', ctx.home, 'AppData', 'Roaming');
}

/**
 * The one data folder (profiles, known hosts, prestaged data, runs, the local server) shared by
 * the desktop app, `serve` and the CLI: XDG on Linux, Application Support on macOS, AppData on
 * Windows.
 */
export function dataFolder(ctx: PlatformContext): string {
  if (isWindows(ctx.platform)) return joinPath('win32', windowsAppData(ctx), APP_FOLDER);
  if (ctx.platform === 'darwin') return joinPath('darwin', ctx.home, 'Library', 'Application Support', APP_FOLDER);
  return joinPath(ctx.platform, envFolder(ctx, 'XDG_DATA_HOME') ?? joinPath(ctx.platform, ctx.home, '.local', 'share'), APP_FOLDER);
}

/**
 * The log folder: the same as Electron's app.getPath('logs') for an app named `edgedeck`
 * (~/Library/Logs/<name> on macOS, <userData>/logs elsewhere), so the desktop app, `serve` and the
 * CLI write side by side and "Open log folder" shows them all.
 */
export function logFolder(ctx: PlatformContext): string {
  if (ctx.platform === 'darwin') return joinPath('darwin', ctx.home, 'Library', 'Logs', APP_FOLDER);
  return joinPath(ctx.platform, electronUserData(ctx), 'logs');
}

/** Electron's default userData for an app named `edgedeck` (where the desktop app kept its data before). */
export function electronUserData(ctx: PlatformContext): string {
  if (isWindows(ctx.platform)) return joinPath('win32', windowsAppData(ctx), APP_FOLDER);
  if (ctx.platform === 'darwin') return joinPath('darwin', ctx.home, 'Library', 'Application Support', APP_FOLDER);
  return joinPath(ctx.platform, envFolder(ctx, 'XDG_CONFIG_HOME') ?? joinPath(ctx.platform, ctx.home, '.config'), APP_FOLDER);
}

/** One move of old data into the data folder: a file or folder, merged entry by entry into `to`. */
export interface DataMove {
  from: string;
  to: string;
}

/**
 * Where earlier versions kept data, and where each piece goes now. The desktop app kept
 * settings.json in Electron's userData and the rest in userData/data; the CLI and `serve` used
 * ~/.local/share/edgedeck on every OS. Moves whose source is the target itself are left out.
 */
export function legacyDataMoves(ctx: PlatformContext, userData = electronUserData(ctx)): DataMove[] {
  const target = dataFolder(ctx);
  const p = ctx.platform;
  const moves: DataMove[] = [
    { from: joinPath(p, userData, 'settings.json'), to: joinPath(p, target, 'settings.json') },
    { from: joinPath(p, userData, 'data'), to: target },
  ];
  if (p === 'darwin' || isWindows(p)) moves.push({ from: joinPath(p, ctx.home, '.local', 'share', APP_FOLDER), to: target });
  return moves.filter((m) => m.from !== m.to);
}

/** The user's OpenSSH folder: %USERPROFILE%\.ssh on Windows (where Win32-OpenSSH reads it), ~/.ssh elsewhere. */
export function sshFolder(ctx: PlatformContext): string {
  if (isWindows(ctx.platform)) return joinPath('win32', envFolder(ctx, 'USERPROFILE') ?? ctx.home, '.ssh');
  return joinPath(ctx.platform, ctx.home, '.ssh');
}

/**
 * A path the user typed (--identity, IdentityFile): `~` and `~/…` (also `~\…` on Windows) start at
 * the home folder; anything else, spaces and backslashes included, is taken as written.
 */
export function expandHome(ctx: PlatformContext, path: string): string {
  const home = isWindows(ctx.platform) ? (envFolder(ctx, 'USERPROFILE') ?? ctx.home) : ctx.home;
  if (path === '~') return home;
  const sep = isWindows(ctx.platform) ? /^~[\\/]/ : /^~\//;
  return sep.test(path) ? joinPath(ctx.platform, home, path.slice(2)) : path;
}

/** An SSH agent to try, in order. */
export type AgentCandidate =
  | { kind: 'socket'; path: string; source: 'SSH_AUTH_SOCK' }
  | { kind: 'pipe'; path: string; source: 'Windows OpenSSH agent' }
  | { kind: 'pageant'; path: 'pageant'; source: 'Pageant' }
  | { kind: 'launchd'; source: 'launchd (macOS)' };

/** The named pipe of the OpenSSH agent service that ships with Windows 10 and later. */
export const WINDOWS_OPENSSH_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

/**
 * The agents to try: SSH_AUTH_SOCK when set (every OS: also Git Bash, WSL relays, 1Password);
 * otherwise on Windows the OpenSSH agent's named pipe, then Pageant; on macOS the launchd agent
 * socket (a GUI app started outside a login shell may miss SSH_AUTH_SOCK: launchd still knows it).
 */
export function agentCandidates(ctx: Pick<PlatformContext, 'platform' | 'env'>): AgentCandidate[] {
  const sock = ctx.env.SSH_AUTH_SOCK;
  if (sock) return [{ kind: 'socket', path: sock, source: 'SSH_AUTH_SOCK' }];
  if (isWindows(ctx.platform)) {
    return [
      { kind: 'pipe', path: WINDOWS_OPENSSH_AGENT_PIPE, source: 'Windows OpenSSH agent' },
      { kind: 'pageant', path: 'pageant', source: 'Pageant' },
    ];
  }
  if (ctx.platform === 'darwin') return [{ kind: 'launchd', source: 'launchd (macOS)' }];
  return [];
}

/** A command to run without a shell: program and its arguments, each one argv entry. */
export interface Argv {
  command: string;
  args: string[];
}

/**
 * How to open a URL in the desktop's browser. On Windows, `cmd /c start "" <url>` would let cmd
 * read `&`, `|`, `^` and `%` in the URL; rundll32's url.dll handler takes the URL as one argument
 * with no shell in between (Node quotes the argv entry), so nothing in it is re-read.
 */
export function browserOpener(platform: string, url: string): Argv {
  // The WHATWG serialisation percent-encodes spaces and quotes: the URL is one plain argv word.
  url = new URL(url).href;
  if (isWindows(platform)) return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  return { command: 'xdg-open', args: [url] };
}

/** How to show a folder in the OS's file manager. */
export function folderOpener(platform: string, folder: string): Argv {
  if (isWindows(platform)) return { command: 'explorer.exe', args: [folder] };
  if (platform === 'darwin') return { command: 'open', args: [folder] };
  return { command: 'xdg-open', args: [folder] };
}

/**
 * The ACL for a file holding secrets on Windows (mode 0600 means nothing there): drop inherited
 * entries and grant the current user full control only (for a folder, inherited by what is
 * created in it). Run without a shell: `path` and `user` are single argv entries, never parsed by cmd.
 */
export function privateAclArgv(path: string, user: string, o: { domain?: string; folder?: boolean } = {}): Argv {
  const who = o.domain ? `${o.domain}\\${user}` : user;
  return { command: 'icacls', args: [path, '/inheritance:r', '/grant:r', `${who}:${o.folder ? '(OI)(CI)' : ''}F`] };
}

/** Names Windows refuses for a file or folder, whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * A file or folder name that is valid on Windows, macOS and Linux alike: no `< > : " / \ | ? *`
 * or control characters (Windows), no leading dot (hidden on macOS and Linux), no trailing dot or
 * space (Windows drops them), no reserved device name (CON, NUL, COM1…), at most 80 characters.
 */
export function portableFileName(name: string, fallback = 'device'): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80)
    .replace(/[. ]+$/, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s || fallback;
}

/** How a text file is written for the OS that reads it. */
export interface TextEncodingRule {
  eol: '\n' | '\r\n';
  /** A UTF-8 byte order mark: Windows PowerShell 5.1 reads a BOM-less script as the ANSI code page. */
  bom: boolean;
}

/**
 * The rule for an exported file, from its name: PowerShell scripts get CRLF, and a BOM when they
 * hold anything but ASCII; shell scripts, YAML, env files and everything else keep LF whatever OS
 * exported them (sh and YAML parsers on the device choke on a stray CR).
 */
export function deviceTextRule(fileName: string, content: string): TextEncodingRule {
  if (/\.(ps1|psm1|psd1|cmd|bat)$/i.test(fileName)) {
    // eslint-disable-next-line no-control-regex
    return { eol: '\r\n', bom: /\.ps/i.test(fileName) && /[^\x00-\x7f]/.test(content) };
  }
  return { eol: '\n', bom: false };
}

/** The text with the line endings and BOM of the rule (CRLF and lone CR normalised first). */
export function applyTextRule(content: string, rule: TextEncodingRule): string {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return (rule.bom ? '\uFEFF' : '') + (rule.eol === '\n' ? text : text.replace(/\n/g, '\r\n'));
}
