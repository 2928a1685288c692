import { Anchor, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A page that is not built yet: says what will come there and what to use meanwhile. */
export function Placeholder({ title, comes, meanwhile }: { title: string; comes: ReactNode; meanwhile: ReactNode }) {
  return (
    <Stack gap="sm" maw={720}>
      <Title order={2}>{title}</Title>
      <Text>{comes}</Text>
      <Text c="dimmed">Meanwhile: {meanwhile}</Text>
    </Stack>
  );
}

export function PageLink({ href, children }: { href: string; children: ReactNode }) {
  return <Anchor href={href}>{children}</Anchor>;
}
