import { Alert, Anchor, Autocomplete, Button, Group, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlus } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { lostAfterSeconds } from '../../../src-main/shared/domain/heartbeat';
import { keepEnterInComboboxes } from '../../components/comboboxEnter';
import { NameInput } from '../../components/NameInput';
import { TruncatedName } from '../../components/TruncatedName';
import { goTo, replaceTo } from '../../components/useHashPath';
import { useAddForm, urlAdvice } from './addFormStore';
import { BusinessEditionFields } from './AsyncModeFields';
import { EnvironmentDetails } from './EnvironmentDetails';
import { durationText, pollOptions } from './format';

/**
 * #/environments/new: create an Edge environment; on success the address becomes the new
 * environment's (a reload opens its details) and its details (token, commands) follow the form.
 */
export function AddEnvironmentForm({ justCreated = false }: { justCreated?: boolean }) {
  const store = useAddForm();
  // Until the reset below has run, a "new" form must not show what was created before.
  const [fresh, setFresh] = useState(justCreated);
  const s = fresh ? store : { ...store, created: undefined };
  const readOnly = !!s.created;

  useEffect(() => {
    if (justCreated) return;
    // Every visit to "new" starts empty, whatever was created before.
    useAddForm.getState().reset();
    setFresh(true);
    void useAddForm.getState().init();
  }, [justCreated]);

  const createdId = s.created?.environment.id;
  useEffect(() => {
    if (createdId !== undefined && !justCreated && useAddForm.getState().created?.environment.id === createdId) replaceTo(`#/environments/${createdId}`);
  }, [createdId, justCreated]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void s.submit();
  };

  const advice = urlAdvice(s.values.portainerUrl);
  const groupText = s.values.group.trim();
  const newGroup = groupText !== '' && !s.groups.some((g) => g.name.toLowerCase() === groupText.toLowerCase());
  const newTags = s.values.tags.filter((t) => !s.tags.some((x) => x.name.toLowerCase() === t.trim().toLowerCase()));
  const newEdgeGroups = s.values.edgeGroups.filter((t) => !s.edgeGroups.some((x) => x.name.toLowerCase() === t.trim().toLowerCase()));
  const poll = Number(s.values.poll) || s.defaults?.checkinInterval || 5;

  return (
    <Stack gap="md" maw={900}>
      <Group gap="xs">
        <Anchor href="#/environments" size="sm">
          ← Environments
        </Anchor>
      </Group>
      <Title order={2}>Add an Edge environment</Title>
      <form onSubmit={onSubmit} onKeyDown={keepEnterInComboboxes} noValidate data-testid="env-form" aria-disabled={readOnly}>
        <Stack gap="sm" maw={640}>
          <NameInput
            label="Name"
            required
            value={s.values.name}
            onChange={(e) => s.set({ name: e.currentTarget.value })}
            error={s.errors.name}
            readOnly={readOnly}
            data-testid="env-form-name"
            data-autofocus
          />
          <TextInput
            label="Portainer server URL"
            description="The address the Edge agents will poll; it is baked into the join token and cannot change later"
            value={s.values.portainerUrl}
            onChange={(e) => s.set({ portainerUrl: e.currentTarget.value })}
            error={s.errors.portainerUrl ?? advice.error}
            readOnly={readOnly}
            data-testid="env-form-url"
          />
          {!advice.error && !s.errors.portainerUrl && advice.warning ? (
            <Alert color="yellow" icon={<IconAlertTriangle size={18} />} py={6} data-testid="env-form-url-warning">
              {advice.warning}
            </Alert>
          ) : null}
          <Select
            label="Poll frequency"
            description={`How often the agent asks for work. Portainer shows it as down ${durationText(lostAfterSeconds(poll))} after the last poll (2 × interval + 20 s).`}
            data={pollOptions(s.defaults?.checkinInterval)}
            value={s.values.poll}
            onChange={(v) => v !== null && s.set({ poll: v })}
            allowDeselect={false}
            error={s.errors.poll}
            readOnly={readOnly}
            data-testid="env-form-poll"
          />
          <Autocomplete
            label="Group"
            placeholder="Unassigned"
            description={newGroup ? `New group “${groupText}” — created with the environment` : 'Pick a group, or type a new name to create it'}
            data={s.groups.map((g) => g.name)}
            value={s.values.group}
            onChange={(v) => s.set({ group: v })}
            error={s.errors.group}
            readOnly={readOnly}
            data-testid="env-form-group"
          />
          <TagsInput
            label="Tags"
            placeholder={readOnly ? undefined : 'Pick or type a tag, then Enter'}
            description={newTags.length ? `New tag${newTags.length > 1 ? 's' : ''}: ${newTags.join(', ')} — created with the environment` : 'Pick tags, or type new ones to create them'}
            data={s.tags.map((t) => t.name)}
            value={s.values.tags}
            onChange={(v) => s.set({ tags: v })}
            error={s.errors.tags}
            readOnly={readOnly}
            clearable={!readOnly}
            data-testid="env-form-tags"
          />
          <TagsInput
            label="Edge groups"
            placeholder={readOnly ? undefined : 'Pick or type an Edge group, then Enter'}
            description={
              newEdgeGroups.length
                ? `New Edge group${newEdgeGroups.length > 1 ? 's' : ''}: ${newEdgeGroups.join(', ')} — created with the environment`
                : 'The environment joins these static Edge groups; its commands carry them as EDGE_GROUPS'
            }
            data={s.edgeGroups.filter((g) => !g.dynamic).map((g) => g.name)}
            value={s.values.edgeGroups}
            onChange={(v) => s.set({ edgeGroups: v })}
            error={s.errors.edgeGroups}
            readOnly={readOnly}
            clearable={!readOnly}
            data-testid="env-form-edge-groups"
          />
          <BusinessEditionFields
            edition={s.defaults?.edition}
            asyncDefaults={s.defaults?.asyncDefaults}
            tunnelAddressNeeded={s.defaults?.tunnelAddressNeeded ?? false}
            values={s.values}
            errors={s.errors}
            onChange={(patch) => s.set(patch)}
            readOnly={readOnly}
          />
          {s.partial ? (
            <Alert color="orange" title="Some things were created before the failure" data-testid="env-form-partial">
              {s.partial} Pick them in the form and try again.
            </Alert>
          ) : null}
          {!readOnly ? (
            <Group justify="flex-end">
              <Button variant="default" component="a" href="#/environments">
                Cancel
              </Button>
              <Button type="submit" loading={s.busy} data-testid="env-form-submit">
                Create environment
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
      {s.created ? (
        <>
          <Alert color="green" icon={<IconCircleCheck size={20} />} title={<TruncatedName name={s.created.environment.name} fw={700} size="sm">Created “{s.created.environment.name}” (ID {s.created.environment.id})</TruncatedName>} data-testid="env-form-created">
            <Text size="sm">
              {s.created.created.group ? `New group “${s.created.created.group.name}”. ` : ''}
              {s.created.created.tags.length ? `New tags: ${s.created.created.tags.map((t) => t.name).join(', ')}. ` : ''}
              {s.created.created.edgeGroups?.length ? `New Edge groups: ${s.created.created.edgeGroups.map((g) => g.name).join(', ')}. ` : ''}
              Install the agent with the join token and Edge ID below; this page follows its first poll.
            </Text>
            <Button mt="xs" size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => goTo('#/environments/new')} data-testid="env-form-another">
              Add another environment
            </Button>
          </Alert>
          <EnvironmentDetails id={s.created.environment.id} initial={s.created} embedded />
        </>
      ) : null}
    </Stack>
  );
}
