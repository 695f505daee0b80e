import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createStorefrontClient } from '@storefront/client';
import { StorefrontProvider } from '@storefront/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { BFF_URL } from './config.js';
import { getToken, SessionProvider } from './session.js';
import './style.css';

// Streamed: a batch's fast answers (and a product page's first part) arrive before slow ones.
const client = createStorefrontClient({ url: BFF_URL, getToken, stream: true });
const queryClient = new QueryClient({
  // An error is shown at once: the BFF has already retried what is worth retrying.
  defaultOptions: { queries: { retry: false, staleTime: 5_000 } },
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <StorefrontProvider trpcClient={client} queryClient={queryClient}>
        <SessionProvider>
          <App />
        </SessionProvider>
      </StorefrontProvider>
    </QueryClientProvider>
  </StrictMode>,
);
