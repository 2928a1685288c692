import { invalidInput } from '../../shared/contract/errors';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { AgentPool } from '../../services/agents/pool';
import type { SimAgent } from '../../services/agents/simAgent';
import { defineCommand, type ValuesOf } from '../defineCommand';
import { EXIT_USAGE, reportError, untilStopped } from '../io';
import { EDGE_KEY_SECRET } from '../secretFlags';

const USAGE =
  'edgedeck agents (--edge-key-stdin | --edge-key-file F | $EDGEDECK_EDGE_KEY) (--edge-id ID | --count N --edge-id-prefix P) [--insecure-poll] [--platform docker|kubernetes]\n' +
  '                [--duration S] [--agent-version V]\n\n' +
  'Runs simulated Edge agents (standard polling mode, chisel tunnel on REQUIRED) until Ctrl-C or --duration.\n' +
  'Prints one line per state change, then a JSON summary line.';

const OPTIONS = {
  'edge-id': { type: 'string' },
  count: { type: 'string' },
  'edge-id-prefix': { type: 'string' },
  'insecure-poll': { type: 'boolean', default: false },
  platform: { type: 'string', default: 'docker' },
  duration: { type: 'string' },
  'agent-version': { type: 'string', default: '2.23.0' },
} as const;

export const agentsCommand = defineCommand({
  name: 'agents',
  usage: USAGE,
  secrets: [EDGE_KEY_SECRET],
  options: OPTIONS,
  async run({ values, io, secrets }) {
    let opts: ReturnType<typeof parse>;
    try {
      opts = parse(values, (await secrets())['edge-key']);
    } catch (err) {
      const code = reportError(err, io);
      if (code === EXIT_USAGE) io.stderr(`usage: ${USAGE.split('\n\n')[0]}\n`);
      return code;
    }

    const lastError = new Map<SimAgent, string>();
    const lastStatus = new Map<SimAgent, string>();
    const line = (agent: SimAgent, text: string) => io.stdout(`${new Date().toISOString()} ${agent.edgeId} ${text}\n`);
    const pool = new AgentPool({
      onEvent: (agent, e) => {
        switch (e.type) {
          case 'poll': {
            const prev = lastStatus.get(agent);
            if (e.first || prev !== e.tunnel) line(agent, `poll ${e.status} status=${e.tunnel} checkin=${e.checkin}${e.first ? ' (first poll)' : ''}`);
            lastStatus.set(agent, e.tunnel ?? '');
            lastError.delete(agent);
            break;
          }
          case 'global-key':
            line(agent, `global key: environment ${e.environmentId}`);
            break;
          case 'interval':
            line(agent, `poll interval now ${e.seconds}s`);
            break;
          case 'tunnel-up':
            line(agent, `tunnel up (server port ${e.port})`);
            break;
          case 'tunnel-verified':
            line(agent, `tunnel verified (the server reached /ping through port ${e.port})`);
            break;
          case 'tunnel-down':
            line(agent, `tunnel down: ${e.reason}`);
            break;
          case 'error':
            if (lastError.get(agent) !== e.message) line(agent, `error (${e.where}): ${e.message}`);
            lastError.set(agent, e.message);
            break;
        }
      },
    });

    const started = Date.now();
    let groupId: string;
    try {
      groupId = pool.startGroup({
        edgeKey: opts.edgeKey,
        ...(opts.edgeId !== undefined ? { edgeId: opts.edgeId } : {}),
        ...(opts.edgeIdPrefix !== undefined ? { edgeIdPrefix: opts.edgeIdPrefix } : {}),
        count: opts.count,
        insecurePoll: opts.insecurePoll,
        platform: opts.platform,
        agentVersion: opts.agentVersion,
      });
    } catch (err) {
      await pool.stop();
      return reportError(err, io);
    }
    io.stderr(`edgedeck: ${opts.count} agent${opts.count === 1 ? '' : 's'} started; Ctrl-C to stop.\n`);

    await untilStopped(io.stopSignal, opts.durationS !== undefined ? opts.durationS * 1000 : undefined);
    const view = pool.groupView(groupId);
    await pool.stop();
    io.stdout(
      JSON.stringify({
        summary: true,
        agents: opts.count,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        environmentId: view?.environmentId,
        states: view?.states,
        polls: view?.polls ?? 0,
        notModified: view?.notModified ?? 0,
        errors: view?.errors ?? 0,
        ...(view?.lastError ? { lastError: view.lastError } : {}),
      }) + '\n',
    );
    return 0;
  },
});

type Values = ValuesOf<typeof OPTIONS>;

function parse(values: Values, edgeKey: string | undefined) {
  if (!edgeKey) throw invalidInput('--edge-key', 'the join token is required: --edge-key-stdin, --edge-key-file FILE or $EDGEDECK_EDGE_KEY.');
  try {
    decodeEdgeKey(edgeKey);
  } catch (err) {
    throw invalidInput('--edge-key', (err as Error).message);
  }
  let count = 1;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!/^\d+$/.test(values.count) || count < 1 || count > 50_000) throw invalidInput('--count', 'give a whole number of agents from 1 to 50000.');
  }
  const edgeId = values['edge-id'];
  const edgeIdPrefix = values['edge-id-prefix'];
  if (count > 1 && !edgeIdPrefix) throw invalidInput('--edge-id-prefix', 'several agents (--count > 1) need --edge-id-prefix; each gets <prefix>-<n>.');
  if (count === 1 && !edgeId && !edgeIdPrefix) throw invalidInput('--edge-id', 'give the Edge ID the agent sends (X-PortainerAgent-EdgeID).');
  if (edgeId !== undefined && edgeId.trim() === '') throw invalidInput('--edge-id', 'the Edge ID must not be empty.');
  const platform = values.platform;
  if (platform !== 'docker' && platform !== 'kubernetes') throw invalidInput('--platform', `must be docker or kubernetes, not '${platform}'.`);
  let durationS: number | undefined;
  if (values.duration !== undefined) {
    durationS = Number(values.duration);
    if (!Number.isFinite(durationS) || durationS <= 0) throw invalidInput('--duration', 'give a number of seconds greater than 0.');
  }
  const agentVersion = values['agent-version'];
  if (!/^\d+\.\d+\.\d+[\w.-]*$/.test(agentVersion)) throw invalidInput('--agent-version', `'${agentVersion}' is not a version like 2.23.0.`);
  return {
    edgeKey,
    edgeId: count === 1 ? (edgeId ?? (edgeIdPrefix ? `${edgeIdPrefix}-1` : undefined)) : undefined,
    edgeIdPrefix: count > 1 ? edgeIdPrefix : undefined,
    count,
    insecurePoll: values['insecure-poll'],
    platform: platform as 'docker' | 'kubernetes',
    durationS,
    agentVersion,
  };
}
