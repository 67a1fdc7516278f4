//! The centred card and labelled fields shared by the login and setup pages.

import type { ComponentChildren } from 'preact';

interface AuthCardProps {
  title: string;
  subtitle?: string;
  error: string | null;
  children: ComponentChildren;
}

export function AuthCard({ title, subtitle, error, children }: AuthCardProps) {
  return (
    <main class="auth">
      <div class="auth__card">
        <div class="auth__brand">
          <span class="topbar__logo" aria-hidden="true" /> Tapedeck
        </div>
        <h1 class="auth__title">{title}</h1>
        {subtitle && <p class="muted">{subtitle}</p>}
        {error && (
          <p class="form__error" role="alert">
            {error}
          </p>
        )}
        {children}
      </div>
    </main>
  );
}

interface TextFieldProps {
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value: string;
  onInput(value: string): void;
  hint?: string;
  autofocus?: boolean;
}

export function TextField({ label, type, autocomplete, value, onInput, hint, autofocus }: TextFieldProps) {
  return (
    <label class="form__field">
      <span class="form__label">{label}</span>
      <input
        class="input"
        type={type}
        autoComplete={autocomplete}
        value={value}
        required
        autoFocus={autofocus}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {hint && <span class="form__hint muted small">{hint}</span>}
    </label>
  );
}
