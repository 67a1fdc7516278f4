//! The route switch: one page component per route of `routes.ts`.

import { Link } from './components/Link.tsx';
import { Notice } from './components/Notice.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { InvitePage } from './pages/InvitePage.tsx';
import { ResetPasswordPage } from './pages/ResetPasswordPage.tsx';
import { SessionPage } from './pages/SessionPage.tsx';
import { SessionsPage } from './pages/SessionsPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { UserPage } from './pages/UserPage.tsx';
import { useLocation } from './router.ts';
import { matchRoute } from './routes.ts';

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  switch (route.name) {
    case 'sessions':
      return <SessionsPage />;
    case 'session':
      return <SessionPage key={route.id} id={route.id} />;
    case 'user':
      return <UserPage key={route.userId} userId={route.userId} />;
    case 'login':
      return <LoginPage />;
    case 'setup':
      return <SetupPage />;
    case 'settings':
      return <SettingsPage section={route.section} />;
    case 'invite':
      return <InvitePage />;
    case 'reset-password':
      return <ResetPasswordPage />;
    case 'not-found':
      return (
        <main class="auth">
          <Notice title="Page not found">
            <Link href="/">Go to the sessions list</Link>
          </Notice>
        </main>
      );
  }
}
