import { TextInput, type TextInputProps } from '@mantine/core';
import { NAME_MAX_LENGTH, NAME_RULE_TEXT } from '../../src-main/shared/domain/names';

/**
 * A name field under the core's name rule: the browser stops typing at the limit (maxLength), the
 * description says the limit in words, and reaching it is said out loud (a paste longer than the
 * limit is cut by the browser, so the user must see that it was).
 */
export function NameInput(props: Omit<TextInputProps, 'maxLength'> & { value: string; 'data-testid'?: string }) {
  const atLimit = props.value.length >= NAME_MAX_LENGTH;
  const description = atLimit ? `${props.value.length} of ${NAME_MAX_LENGTH} characters: the limit (longer text is cut here)` : `Name: ${NAME_RULE_TEXT}`;
  return <TextInput {...props} maxLength={NAME_MAX_LENGTH} description={description} inputWrapperOrder={['label', 'input', 'description', 'error']} />;
}
