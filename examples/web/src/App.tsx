import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Account } from './Account.js';
import { Cart } from './Cart.js';
import { CURRENCIES } from './config.js';
import { Product } from './Product.js';
import { hrefOf, useRoute } from './route.js';
import { Search } from './Search.js';
import { useSession } from './session.js';
import { SignIn } from './SignIn.js';

export function App() {
  const route = useRoute();
  const session = useSession();
  const queryClient = useQueryClient();
  const [currency, setCurrency] = useState<string>('EUR');
  const signedIn = session.token !== null;
  const needsSignIn = (route.screen === 'cart' || route.screen === 'account') && !signedIn;
  return (
    <>
      <header>
        <a href={hrefOf({ screen: 'search', query: '', page: 1 })} className="logo">
          Storefront
        </a>
        <nav aria-label="Main">
          <a href={hrefOf({ screen: 'search', query: '', page: 1 })}>Products</a>
          <a href="#/cart">Cart</a>
          <a href="#/account">Account</a>
        </nav>
        <label>
          Currency{' '}
          <select
            value={currency}
            onChange={(e) => {
              setCurrency(e.target.value);
            }}
          >
            {CURRENCIES.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
        {signedIn ? (
          <span>
            Signed in as {session.username}{' '}
            <button
              type="button"
              onClick={() => {
                session.signOut();
                queryClient.clear();
              }}
            >
              Sign out
            </button>
          </span>
        ) : (
          <a href="#/signin">Sign in</a>
        )}
      </header>
      <main>
        {needsSignIn || route.screen === 'signin' ? (
          <SignIn />
        ) : route.screen === 'product' ? (
          <Product sku={route.sku} currency={currency} />
        ) : route.screen === 'cart' ? (
          <Cart currency={currency} />
        ) : route.screen === 'account' ? (
          <Account currency={currency} />
        ) : (
          <Search query={route.query} page={route.page} currency={currency} />
        )}
      </main>
    </>
  );
}
