import { useState, type SyntheticEvent } from 'react';
import { navigate } from './route.js';
import { useSession } from './session.js';

export function SignIn() {
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setFailure(null);
    session.signIn(username, password).then(
      () => {
        navigate({ screen: 'account' });
      },
      (error: unknown) => {
        setFailure(error instanceof Error ? error.message : 'Sign-in failed');
      },
    );
  };
  return (
    <section aria-labelledby="signin-heading">
      <h1 id="signin-heading">Sign in</h1>
      <form onSubmit={submit}>
        <label>
          Username{' '}
          <input
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
          />
        </label>
        <label>
          Password{' '}
          <input
            type="password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      {failure && <p role="alert">{failure}</p>}
      <p>Sandbox users: ann, ben or zoe, password “sandbox”.</p>
    </section>
  );
}
