import { test as base } from '@playwright/test';
import { startServe, type ServedApp } from './serveProcess';

export type { ServedApp };

export const test = base.extend<object, { served: ServedApp }>({
  served: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { app, stop } = await startServe();
      await use(app);
      await stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
