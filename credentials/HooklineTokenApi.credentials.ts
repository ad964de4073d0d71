import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The URL token of seed 002's recommended method: callers append `?token=<token>` to the webhook
 * URL. Checked by the Hookline Webhook Trigger in constant time; never sent anywhere.
 */
export class HooklineTokenApi implements ICredentialType {
  name = 'hooklineTokenApi';

  displayName = 'Hookline URL Token API';

  icon: Icon = 'file:hookline.svg';

  documentationUrl = 'https://github.com/hookline/hookline#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Token',
      name: 'token',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      placeholder: 'wh_1234567890abcdef',
      description:
        'The secret callers must send as ?token=… in the webhook URL. Use at least 16 random characters; anyone holding the URL can call the webhook, so rotate it if the URL leaks.',
    },
  ];
}
