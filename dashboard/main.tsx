/** The dashboard's entry: sign-in, then one view per route, all inside the layout. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, setUnauthorizedHandler } from './api.js';
import { Layout } from './components/Layout.js';
import { applyStoredTheme } from './components/ThemeToggle.js';
import { startLive, stopLive } from './live.js';
import { useRoute, type Route } from './router.js';
import { Catalog } from './views/Catalog.js';
import { DeliveryView } from './views/DeliveryView.js';
import { Executions } from './views/Executions.js';
import { SignIn } from './views/SignIn.js';
import { Undelivered } from './views/Undelivered.js';
import { WebhookDetail } from './views/WebhookDetail.js';
import { WebhookForm } from './views/WebhookForm.js';
import { Webhooks } from './views/Webhooks.js';
import { WorkflowView } from './views/WorkflowView.js';
import { Workflows } from './views/Workflows.js';
import './styles.css';

function View({ route }: { route: Route }) {
  const [section, id, sub, subId] = route.parts;
  if (section === 'webhooks' && id === 'new') return <WebhookForm />;
  if (section === 'webhooks' && id && sub === 'edit') return <WebhookForm id={id} />;
  if (section === 'webhooks' && id && sub === 'deliveries' && subId) return <DeliveryView webhookId={id} id={subId} />;
  if (section === 'webhooks' && id) return <WebhookDetail id={id} params={route.params} />;
  if (section === 'undelivered') return <Undelivered params={route.params} />;
  if (section === 'events') return <Catalog />;
  if (section === 'executions') return <Executions params={route.params} />;
  if (section === 'workflows' && id) return <WorkflowView id={id} />;
  if (section === 'workflows') return <Workflows />;
  return <Webhooks />;
}

function App() {
  const [signedIn, setSignedIn] = useState(() => apiKey.get() !== null);
  const route = useRoute();
  useEffect(() => {
    setUnauthorizedHandler(() => signOut());
    if (signedIn) startLive();
    return stopLive;
  }, [signedIn]);
  const signOut = () => {
    apiKey.clear();
    stopLive();
    setSignedIn(false);
  };
  if (!signedIn)
    return (
      <SignIn
        onSignedIn={(key) => {
          apiKey.set(key);
          setSignedIn(true);
        }}
      />
    );
  return (
    <Layout section={route.parts[0] ?? 'webhooks'} onSignOut={signOut}>
      <View route={route} />
    </Layout>
  );
}

applyStoredTheme();
render(<App />, document.getElementById('app')!);
