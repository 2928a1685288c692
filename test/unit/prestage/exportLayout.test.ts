import { describe, expect, it } from 'vitest';
import { exportLayout } from '../../../src-main/services/prestage/prestageService';

describe('exportLayout', () => {
  it('reads the top files and one device folder off the generated file list', () => {
    const f = (path: string) => ({ path, content: '', mode: 0o600 });
    const layout = exportLayout([f('fleet.csv'), f('devices/a/agent.env'), f('devices/a/install.sh'), f('devices/b/agent.env'), f('devices/b/install.sh'), f('labels.html')]);
    expect(layout).toEqual({ top: ['fleet.csv', 'labels.html'], perDevice: ['agent.env', 'install.sh'] });
    expect(exportLayout([])).toEqual({ top: [], perDevice: [] });
  });
});
