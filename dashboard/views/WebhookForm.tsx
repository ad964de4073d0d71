/**
 * Create or edit a webhook with every field the API takes. JSON fields are checked as they are
 * typed; the API's `details.field` error is shown next to the field it names and focused.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { capabilities } from '../capabilities.js';
import { Field } from '../components/Field.js';
import { Problem } from '../components/Problem.js';
import { SecretOnce } from '../components/SecretOnce.js';
import { useLoad } from '../hooks.js';
import { navigate } from '../router.js';
import type { Webhook } from '../types.js';
import {
  controlId,
  fieldFor,
  formSections,
  toBody,
  toValues,
  type FieldSpec,
  type FormValues,
  type Section,
} from './webhook-form-model.js';

async function loadForm(id: string | undefined): Promise<{ sections: Section[]; values: FormValues }> {
  const [caps, webhook] = await Promise.all([
    capabilities(),
    id ? api<Webhook>('GET', `/webhooks/${encodeURIComponent(id)}`) : Promise.resolve(undefined),
  ]);
  const sections = formSections(caps.webhookInput, !id);
  return { sections, values: toValues(sections, webhook) };
}

export function WebhookForm({ id }: { id?: string }) {
  const loaded = useLoad(() => loadForm(id), id ?? 'new');
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">Loading…</p>;
  return <Form id={id} sections={loaded.data.sections} initial={loaded.data.values} />;
}

function Form(props: { id?: string; sections: Section[]; initial: FormValues }) {
  const { id, sections } = props;
  const [values, setValues] = useState<FormValues>(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const jsonErrors = useMemo(() => toBody(sections, values, !id).errors, [sections, values, id]);
  const shown = { ...jsonErrors, ...errors };

  useEffect(() => {
    const first = Object.keys(errors)[0];
    if (first) document.getElementById(controlId(first))?.focus();
  }, [errors]);

  const change = (path: string, value: string | boolean) => {
    setValues((current) => ({ ...current, [path]: value }));
    setErrors(({ [path]: _dropped, ...rest }) => rest);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const built = toBody(sections, values, !id);
    setProblem(null);
    if (Object.keys(built.errors).length) return setErrors(built.errors);
    setBusy(true);
    try {
      if (id) {
        await api('PATCH', `/webhooks/${encodeURIComponent(id)}`, built.body);
        navigate(`/webhooks/${encodeURIComponent(id)}`);
      } else {
        const result = await api<Webhook & { secret: string }>('POST', '/webhooks', built.body);
        setCreated({ id: result.id, secret: result.secret });
      }
    } catch (failure) {
      const field = failure instanceof ApiError && failure.field ? fieldFor(sections, failure.field) : null;
      if (field) setErrors({ [field]: (failure as ApiError).message });
      else setProblem(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  if (created)
    return (
      <section aria-labelledby="created-title">
        <h1 id="created-title">Webhook created</h1>
        <SecretOnce secret={created.secret} />
        <a class="button" href={`#/webhooks/${encodeURIComponent(created.id)}`}>
          Open the webhook
        </a>
      </section>
    );

  return (
    <form class="webhook-form" onSubmit={(e) => void submit(e)} aria-labelledby="form-title" noValidate>
      <h1 id="form-title">{id ? 'Edit webhook' : 'New webhook'}</h1>
      {sections.map((section) => (
        <fieldset key={section.title}>
          <legend>{section.title}</legend>
          {section.fields
            .filter((field) => !field.when || field.when(values))
            .map((field) => (
              <Control
                key={field.path}
                field={field}
                value={values[field.path]}
                error={shown[field.path]}
                onChange={change}
              />
            ))}
        </fieldset>
      ))}
      <Problem error={problem} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : id ? 'Save changes' : 'Create webhook'}
        </button>
        <a class="button secondary" href={id ? `#/webhooks/${encodeURIComponent(id)}` : '#/webhooks'}>
          Cancel
        </a>
      </div>
    </form>
  );
}

function Control(props: {
  field: FieldSpec;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange(path: string, value: string | boolean): void;
}) {
  const { field, value, onChange } = props;
  const id = controlId(field.path);
  const text = typeof value === 'string' ? value : '';
  return (
    <Field id={id} label={field.label} hint={field.hint} error={props.error}>
      {(describedBy, invalid) => {
        const common = { id, name: field.path, 'aria-describedby': describedBy, 'aria-invalid': invalid };
        const onText = (e: Event) => onChange(field.path, (e.currentTarget as HTMLInputElement).value);
        if (field.kind === 'checkbox')
          return (
            <input
              {...common}
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(field.path, e.currentTarget.checked)}
            />
          );
        if (field.kind === 'select')
          return (
            <select {...common} value={text} onChange={onText}>
              {(field.options ?? []).map((option) => (
                <option key={option} value={option}>
                  {option || '(default)'}
                </option>
              ))}
            </select>
          );
        if (['textarea', 'lines', 'json', 'headers'].includes(field.kind))
          return (
            <textarea
              {...common}
              class={field.kind === 'json' ? 'code' : undefined}
              rows={field.kind === 'json' ? 5 : 3}
              spellcheck={false}
              value={text}
              onInput={onText}
            />
          );
        return (
          <input
            {...common}
            type={
              field.kind === 'password'
                ? 'password'
                : field.kind === 'number'
                  ? 'number'
                  : field.path === 'url'
                    ? 'url'
                    : 'text'
            }
            autocomplete="off"
            value={text}
            onInput={onText}
          />
        );
      }}
    </Field>
  );
}
