export { AgentPool, type AgentGroupOptions, type AgentPoolOptions } from './pool';
export { SimAgent, type AgentEvent, type Platform, type SimAgentConfig, type PollStatusResponse } from './simAgent';
export { EtagCache } from './etagCache';
export { AgentApiServer } from './agentApi';
export { runAgent, type RunAgentOptions, type RunningAgent } from './runAgent';
