// The host's sign-in screen: posts to the accounts API, then reloads into the super app.
const form = document.getElementById('mh-signin-form');
const error = document.getElementById('mh-signin-error');
const toggle = document.getElementById('mh-signup-toggle');
let signingUp = false;

toggle.addEventListener('click', (e) => {
  e.preventDefault();
  signingUp = !signingUp;
  form.querySelector('button').textContent = signingUp ? 'Create account' : 'Sign in';
  toggle.textContent = signingUp ? 'Have an account? Sign in' : 'No account? Create one';
  form.querySelector('input[name=password]').autocomplete = signingUp ? 'new-password' : 'current-password';
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.hidden = true;
  const button = form.querySelector('button');
  button.disabled = true;
  const body = { username: form.username.value.trim(), password: form.password.value };
  try {
    const res = await fetch(signingUp ? '/api/accounts/signup' : '/api/accounts/signin', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
    if (res.ok) {
      location.reload();
      return;
    }
    const data = await res.json().catch(() => null);
    error.textContent = (data && data.error && data.error.message) || `Sign-in failed (HTTP ${res.status}).`;
  } catch (err) {
    error.textContent = 'The server cannot be reached; check your connection and try again.';
  }
  error.hidden = false;
  button.disabled = false;
});
