import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A bearer token callers send as `Authorization: Bearer <token>` (seed 002, header
 * authentication). Unlike the URL token it stays out of URLs and access logs.
 */
export class HooklineBearerApi implements ICredentialType {
  name = 'hooklineBearerApi';

  displayName = 'Hookline Bearer Token API';

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
        'The secret callers must send in the header "Authorization: Bearer <token>". Use at least 16 random characters.',
    },
  ];
}
