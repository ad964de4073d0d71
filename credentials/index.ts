/** Hookline's n8n credential types: how callers of the trigger authenticate, and the signing secret. */
export { HooklineBasicAuthApi } from './HooklineBasicAuthApi.credentials.js';
export { HooklineBearerApi } from './HooklineBearerApi.credentials.js';
export { HooklineSigningSecretApi } from './HooklineSigningSecretApi.credentials.js';
export { HooklineTokenApi } from './HooklineTokenApi.credentials.js';
