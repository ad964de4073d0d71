import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A user name and password callers send as `Authorization: Basic base64(user:password)`
 * (seed 002, Basic authentication). Hookline's own type: n8n's lint forbids reusing `httpBasicAuth`.
 */
export class HooklineBasicAuthApi implements ICredentialType {
  name = 'hooklineBasicAuthApi';

  displayName = 'Hookline Basic Auth API';

  icon: Icon = 'file:hookline.svg';

  documentationUrl = 'https://github.com/hookline/hookline#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'User',
      name: 'user',
      type: 'string',
      required: true,
      default: '',
      description: 'The user name callers must send. It cannot contain a colon (RFC 7617).',
    },
    {
      displayName: 'Password',
      name: 'password',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description:
        'The password callers must send. Use at least 16 random characters: webhook callers are machines, not people.',
    },
  ];
}
