import type { Calls } from './calls';

/**
 * The contract's call names without its zod schemas: the renderer and the preload need only the
 * names to build `window.api`, and leaving zod out of their first bundle saves ~25 KB gzip.
 * The type checks below fail the build if this list and `calls` ever disagree.
 */
export const callNames = [
  'app:info',
  'key:decode',
  'key:encode',
  'commands:build',
  'commands:platforms',
  'sim:status',
  'sim:revealPassword',
  'sim:start',
  'sim:stop',
  'sim:environments',
  'sim:verifyTunnel',
  'agents:start',
  'agents:stop',
  'agents:list',
  'knownHosts:list',
  'knownHosts:forget',
  'servers:list',
  'servers:probe',
  'servers:add',
  'servers:update',
  'servers:remove',
  'servers:select',
  'servers:status',
  'servers:settings',
  'servers:agentSecret',
  'servers:check',
  'environments:list',
  'environments:get',
  'environments:create',
  'environments:update',
  'environments:delete',
  'environments:disassociate',
  'environments:agentVersions',
  'groups:list',
  'groups:create',
  'tags:list',
  'tags:create',
  'edgeGroups:list',
  'edgeGroups:create',
  'waiting:list',
  'waiting:trust',
  'ssh:install',
  'ssh:resume',
  'ssh:runs',
  'ssh:run',
  'ssh:transcript',
  'tasks:list',
  'tasks:get',
  'tasks:cancel',
  'tasks:answer',
  'prestage:export',
  'prestage:exportGlobal',
  'prestage:importPlan',
  'prestage:importRun',
  'prestage:unused',
  'prestage:deleteUnused',
  'prestage:cached',
  'prestage:defaults',
  'dialogs:chooseFolder',
  'clipboard:write',
  'app:capabilities',
  'app:logs',
  'app:openLogFolder',
  'ssh:configHosts',
] as const;

export type CallName = (typeof callNames)[number];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listed: Same<CallName, keyof Calls> = true;
void listed;
