import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The HMAC secret shared with the other side: incoming bodies are verified with it (Standard
 * Webhooks, GitHub, Stripe or a plain hex HMAC) and outgoing ones are signed with it.
 */
export class HooklineSigningSecretApi implements ICredentialType {
  name = 'hooklineSigningSecretApi';

  displayName = 'Hookline Signing Secret API';

  icon: Icon = 'file:hookline.svg';

  documentationUrl = 'https://github.com/hookline/hookline#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Signing Secret',
      name: 'secret',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      placeholder: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      description:
        "The shared HMAC secret. Standard Webhooks: the whsec_… value (base64 after the prefix). Stripe: the endpoint's whsec_… secret as shown. GitHub and hex: the secret string as configured at the sender.",
    },
  ];
}
