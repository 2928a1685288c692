/** The secrets several commands take, named the same everywhere (see secretInput.ts for the forms). */
import type { SecretSpec } from './secretInput';

export const EDGE_KEY_SECRET: SecretSpec = { name: 'edge-key', label: 'the join token (Edge key)', prompt: 'Join token (Edge key): ', env: 'EDGEDECK_EDGE_KEY', argv: true };
export const AGENT_SECRET: SecretSpec = { name: 'agent-secret', label: 'the agent secret', prompt: 'Agent secret: ', env: 'EDGEDECK_AGENT_SECRET', argv: true };
export const NOMAD_TOKEN_SECRET: SecretSpec = { name: 'nomad-token', label: 'the Nomad token', prompt: 'Nomad token: ', env: 'EDGEDECK_NOMAD_TOKEN', argv: true };
export const ADMIN_PASSWORD_SECRET: SecretSpec = { name: 'admin-password', label: 'the admin password', prompt: 'Admin password: ', env: 'EDGEDECK_ADMIN_PASSWORD', argv: true };
